/**
 * Broken variants of blind set 21's HTTP misses (#14, #16), injected through
 * the simulation's seams, never a patch (tests/sim/broken-http21.test.ts).
 */
import type { CoordinatorPolicies } from '../../../system/coordinator/index.js';
import type { HttpHandler } from '../../../system/core/index.js';

/** #14: the JSON media-type test compares the whole Content-Type, parameters included (`application/json; charset=utf-8` refused 415). */
export const wholeHeaderMediaType: Partial<CoordinatorPolicies> = {
  acceptsBody: (method, contentType, body) => ['GET', 'HEAD', 'OPTIONS'].includes(method) || contentType?.trim().toLowerCase() === 'application/json' || (body === '' && contentType === undefined),
};

/** #16: the revoke route no longer checks its method: any method on /api/v1/tokens/{id}/revoke revokes (answered as the POST). */
export function revokeAnyMethod(handle: HttpHandler): HttpHandler {
  return (req) => (/^\/api\/v1\/tokens\/[^/]+\/revoke\/?$/.test(req.path) && req.method !== 'POST' ? handle({ ...req, method: 'POST' }) : handle(req));
}
