/**
 * Broken variants of the coordinator's HTTP layer (promise 29, api-contract),
 * reached now that the simulated client submits through the HTTP handler.
 */
import { ClientQuota } from '../../../system/coordinator/client-quota.js';
import { ORIGIN_RULE, SCOPE_RULES, type ScopeRule } from '../../../system/coordinator/http-auth.js';
import { STATUS_BY_CODE } from '../../../system/coordinator/http-api.js';
import type { TokenStore } from '../../../system/coordinator/index.js';

/** Runs body with one error code answered by a different status (set-4 22: store_unavailable as 500). */
export async function withStatusOf<T>(code: string, status: number, body: () => Promise<T>): Promise<T> {
  const original = STATUS_BY_CODE[code];
  STATUS_BY_CODE[code] = status;
  try {
    return await body();
  } finally {
    STATUS_BY_CODE[code] = original;
  }
}

/** A token store that forgets revocations when asked (set-4 21: revoked tokens still authenticate). */
export function forgetsRevocation(tokens: TokenStore): TokenStore {
  return {
    ...tokens,
    find: (id) => {
      const r = tokens.find(id);
      if (r === undefined) return undefined;
      const { revokedAt: _revoked, ...rest } = r;
      return rest;
    },
  };
}

/** Runs body with GET /api/v1/tokens needing only read scope (set-5 20): a rule in front of the coordinator's scope policy. */
export async function withTokensReadable<T>(body: () => Promise<T>): Promise<T> {
  const rule: ScopeRule = { why: 'broken: listing tokens is a read', matches: (m, p) => m === 'GET' && p === '/api/v1/tokens', scope: 'read' };
  SCOPE_RULES.unshift(rule);
  try {
    return await body();
  } finally {
    SCOPE_RULES.splice(SCOPE_RULES.indexOf(rule), 1);
  }
}

/** Runs body with the client quota counting a batch (or graph) as one execution (set-5 22). */
export async function withBatchAsOne<T>(body: () => Promise<T>): Promise<T> {
  const admit = ClientQuota.prototype.admit;
  ClientQuota.prototype.admit = function (this: ClientQuota, client: string, adding: number) {
    return admit.call(this, client, Math.min(adding, 1));
  };
  try {
    return await body();
  } finally {
    ClientQuota.prototype.admit = admit;
  }
}

/** Runs body with the client quota checked against acknowledged work only: a submission holds no slot until it commits (submissions arriving together all see the old count). */
export async function withUnreservedQuota<T>(body: () => Promise<T>): Promise<T> {
  const admit = ClientQuota.prototype.admit;
  ClientQuota.prototype.admit = function (this: ClientQuota, client: string, adding: number) {
    admit.call(this, client, adding)(); // checked, then the slots are given back at once
    return admit.call(this, client, 0);
  };
  try {
    return await body();
  } finally {
    ClientQuota.prototype.admit = admit;
  }
}

/** Runs body with a failed submission keeping its reserved slots (blind set 7, #20): only a committed one settles. */
export async function withLeakyQuota<T>(body: () => Promise<T>): Promise<T> {
  const admit = ClientQuota.prototype.admit;
  ClientQuota.prototype.admit = function (this: ClientQuota, client: string, adding: number) {
    const settle = admit.call(this, client, adding);
    return (ids?: readonly string[]) => {
      if (ids !== undefined) settle(ids);
    };
  };
  try {
    return await body();
  } finally {
    ClientQuota.prototype.admit = admit;
  }
}

/** Runs body with the same-origin check comparing hostnames only, so a page on another port of the host passes (blind set 9 #19). */
export async function withOriginPortIgnored<T>(body: () => Promise<T>): Promise<T> {
  const real = ORIGIN_RULE.sameOrigin;
  ORIGIN_RULE.sameOrigin = (origin, host) => new URL(origin).hostname === new URL(`http://${host}`).hostname;
  try {
    return await body();
  } finally {
    ORIGIN_RULE.sameOrigin = real;
  }
}
