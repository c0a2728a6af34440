/**
 * Broken variants of the coordinator's HTTP layer (promise 29, api-contract),
 * reached now that the simulated client submits through the HTTP handler.
 * Each is a coordinator policy (system/coordinator/policies.ts) passed through
 * SimWiring.coordinatorPolicies, a wrapped token store (wrapTokens), or a
 * wrapped HTTP handler (wrapHttp).
 */
import { ClientQuota } from '../../../system/coordinator/client-quota.js';
import type { ScopeRule } from '../../../system/coordinator/http-auth.js';
import { DEFAULT_POLICIES, type CoordinatorPolicies, type TokenStore } from '../../../system/coordinator/index.js';
import type { HttpHandler } from '../../../system/core/index.js';

type Policies = Partial<CoordinatorPolicies>;

/** One error code answered by a different status (set-4 22: store_unavailable as 500). */
export function statusOf(code: string, status: number): Policies {
  return { statusByCode: { ...DEFAULT_POLICIES.statusByCode, [code]: status } };
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

/** GET /api/v1/tokens needing only read scope (set-5 20): a rule in front of the coordinator's scope policy. */
const tokensAsRead: ScopeRule = { why: 'broken: listing tokens is a read', matches: (m, p) => m === 'GET' && p === '/api/v1/tokens', scope: 'read' };
export const tokensReadable: Policies = { scopeRules: [tokensAsRead, ...DEFAULT_POLICIES.scopeRules] };

/** The quota policy building `Quota` instead of the real ClientQuota. */
export const quotaOf = (Quota: typeof ClientQuota): Policies => ({ clientQuota: (max, statusOf) => new Quota(max, statusOf) });

/** The client quota counting a batch (or graph) as one execution (set-5 22). */
export const batchAsOne = quotaOf(
  class extends ClientQuota {
    override admit(client: string, adding: number): (ids?: readonly string[]) => void {
      return super.admit(client, Math.min(adding, 1));
    }
  },
);

/** The client quota checked against acknowledged work only: a submission holds no slot until it commits (submissions arriving together all see the old count). */
export const unreservedQuota = quotaOf(
  class extends ClientQuota {
    override admit(client: string, adding: number): (ids?: readonly string[]) => void {
      super.admit(client, adding)(); // checked, then the slots are given back at once
      return super.admit(client, 0);
    }
  },
);

/** A failed submission keeping its reserved slots (blind set 7, #20): only a committed one settles. */
export const leakyQuota = quotaOf(
  class extends ClientQuota {
    override admit(client: string, adding: number): (ids?: readonly string[]) => void {
      const settle = super.admit(client, adding);
      return (ids) => {
        if (ids !== undefined) settle(ids);
      };
    }
  },
);

/** The body rule checking the type only when there is a body, so an empty text/plain POST (no CORS preflight) reaches the API. */
export const emptyBodyAnyType: Policies = {
  acceptsBody: (method, contentType, body) => ['GET', 'HEAD', 'OPTIONS'].includes(method) || contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json' || body === '',
};

/** The same-origin check comparing hostnames only, so a page on another port of the host passes (blind set 9 #19). */
export const originPortIgnored: Policies = {
  sameOrigin: (origin, host) => new URL(origin).hostname === new URL(`http://${host}`).hostname,
};

/**
 * The pause route answers 202 only for a `running` execution (`r.status ===
 * 'running'` for `r.status !== 'paused'` in system/coordinator/http-api.ts):
 * a claimed execution whose start is not reported yet (`preparing`), whose
 * pause is still pending, is answered 200 as if paused (blind set 10 #17).
 * Wired in through SimWiring.wrapHttp.
 */
export function pausePreparingAnswered200(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (req.method !== 'POST' || !req.path.endsWith('/pause') || res.status !== 202) return res;
    const { requested: _pending, ...body } = JSON.parse(res.body) as { status?: string; requested?: string };
    return body.status === 'preparing' ? { ...res, status: 200, body: JSON.stringify(body) } : res;
  };
}

/**
 * Readiness judged from the store alone (blind set 11 #17): /readyz answers
 * 200 while the listener is closed (a coordinator shutting down), so a load
 * balancer keeps sending it work. Wired in through SimWiring.wrapHttp.
 */
export function readyWithListenerClosed(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (req.method !== 'GET' || req.path !== '/readyz' || res.status !== 503) return res;
    const body = JSON.parse(res.body) as { checks?: { store?: string; listener?: string } };
    if (body.checks?.store === 'failing') return res;
    return { ...res, status: 200, body: JSON.stringify({ status: 'ready', checks: { ...body.checks, listener: 'ok' } }) };
  };
}
