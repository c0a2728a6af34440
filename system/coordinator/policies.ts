/**
 * The coordinator's policies: decisions it takes from a table or a small
 * class rather than from configuration values. The HTTP status of each error
 * code, which scope each route needs, what counts as the coordinator's own
 * Origin, which request bodies the gate lets through, how the per-client quota admits a submission, and how a session
 * dedups and reports what a worker holds. Each defaults to the real one
 * (`CoordinatorDeps.policies` absent or partial); the harness passes a
 * deliberately broken one through SimWiring to prove a checker catches it
 * (tests/sim/broken/). Production never sets it: the cost is one lookup when
 * the coordinator is built, none per request.
 */
import type { Buggify } from '../core/buggify.js';
import type { Clock } from '../core/clock.js';
import type { SessionId, WorkerId } from '../core/ids.js';
import { ClientQuota } from './client-quota.js';
import type { EventBody } from './context.js';
import { acceptsBody, ORIGIN_RULE, SCOPE_RULES, type ScopeRule } from './http-auth.js';
import { STATUS_BY_CODE, type StatusByCode } from './http-api.js';
import { Session } from './session.js';

/** Builds a worker's session (bind-session.ts); the arguments are Session's constructor's. */
type SessionFactory = (
  id: SessionId,
  workerId: WorkerId,
  clock: Clock,
  ackDelayMs: number,
  trace: (e: EventBody) => void,
  buggify: Buggify,
) => Session;

/** Builds the per-client quota (with --max-pending-per-client). */
type QuotaFactory = (max: number, statusOf: (executionId: string) => string | undefined) => ClientQuota;

/** The coordinator's policies (see the file comment). */
export interface CoordinatorPolicies {
  /** The HTTP status of each error code (the API contract; http-api.ts). */
  readonly statusByCode: StatusByCode;
  /** The route -> scope rules, first match wins (http-auth.ts). */
  readonly scopeRules: readonly ScopeRule[];
  /** Whether a browser Origin is the coordinator's own, given the request's Host (http-auth.ts). */
  readonly sameOrigin: (origin: string, host: string) => boolean;
  /** Whether a request may bring its body: JSON declared, or empty without a type (http-auth.ts). */
  readonly acceptsBody: (method: string, contentType: string | undefined, body: string) => boolean;
  readonly clientQuota: QuotaFactory;
  readonly session: SessionFactory;
}

/** The real policies. */
export const DEFAULT_POLICIES: CoordinatorPolicies = Object.freeze<CoordinatorPolicies>({
  statusByCode: STATUS_BY_CODE,
  scopeRules: SCOPE_RULES,
  sameOrigin: ORIGIN_RULE.sameOrigin,
  acceptsBody,
  clientQuota: (max, statusOf) => new ClientQuota(max, statusOf),
  session: (...args) => new Session(...args),
});

/** The real policies with `some` in their place. */
export function resolvePolicies(some: Partial<CoordinatorPolicies> | undefined): CoordinatorPolicies {
  return some === undefined ? DEFAULT_POLICIES : { ...DEFAULT_POLICIES, ...some };
}
