/**
 * Broken variants of the coordinator's HTTP layer (promise 29, api-contract),
 * reached now that the simulated client submits through the HTTP handler.
 */
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
