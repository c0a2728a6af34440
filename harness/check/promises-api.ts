/**
 * 29. API contract: every refusal the client got over HTTP (submissions and
 * cancel/pause/resume requests) carries the status
 * its error code has in the documented contract (README, "HTTP API"): 400
 * for bad input, 401/403 for auth, 404, 409 for conflicts with an
 * execution's state, 413, 429 with its quota, 503 while the coordinator or its store
 * cannot serve (`illegal_state`: it is stopping) (so clients and load balancers retry), 504 for a timeout; a
 * 500 (`internal`) is always a violation: a mapping gap or a bug. Written
 * from the documentation, not read from the system's own table, so a wrong
 * entry there shows here. Judged for refusals that carry a status (the
 * client got an answer). And a revoked token authenticates nothing: a
 * submission sent after a `revoke_token` fault began, and before it ended
 * (the client is then given a new token), is never acknowledged. And each
 * request of the HTTP scope adversary (adversary attack `http-scopes`) got
 * what the README's route table (api-scopes.ts, parsed from the README, not
 * the system's policy) gives its route and the token it held: 401 without a
 * valid token, 403 insufficient_scope below the route's scope, and neither
 * 401, 403 nor 500 at or above it. With a per-client quota, the client's
 * acknowledged unfinished executions never exceed it (promises-quota.ts).
 * And every creation is answered 201 Created, only one per execution (an
 * idempotent repeat is answered 200; promises-api-created.ts); a pause is answered 200 only once the
 * execution is paused, else 202. And the paged listing and the stats
 * agree with the final read (promises-reads.ts).
 */
import { documentedRoute, HTTP_ADVERSARY, scopeAtLeast, type ApiScope } from './api-scopes.js';
import type { CheckContext } from './context.js';
import { checkClientQuota } from './promises-quota.js';
import { checkMediaAndMethods } from './promises-api-methods.js';
import { checkApiReads } from './promises-reads.js';
import { checkListingPasses } from './promises-reads-walk.js';
import { checkMetricsScrapes } from './promises-metrics.js';
import { checkRefusalHeaders } from './promises-api-headers.js';
import { checkTokenSteps } from './promises-api-tokens.js';
import { checkCreationStatuses } from './promises-api-created.js';
import { checkGaugeReads } from './promises-metrics-gauges.js';
import { checkInstantReads } from './promises-reads-instant.js';
import { checkSecondsMetrics } from './promises-metrics-seconds.js';
import { checkMessageBytes } from './promises-metrics-bytes.js';
import { checkApiDefaults } from './promises-api-defaults.js';
import { checkDashboardFeeds } from './promises-dashboard.js';
import { checkDashboardEvents } from './promises-dashboard-events.js';
import { checkEventProjection } from './promises-event-projection.js';
import { checkFeedPace } from './promises-feed-pace.js';
import { checkApiEchoes } from './promises-api-echoes.js';
import { checkUiPage } from './promises-ui-page.js';
import { checkUiReads } from './promises-ui-reads.js';
import { checkApiLimits } from './promises-api-limits.js';
import { checkEnumGauges } from './promises-metrics-enums.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The contract: error code -> HTTP status. */
const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  invalid_argument: 400, malformed: 400, unknown_task_kind: 400, cycle: 400, unknown_type: 400, unsupported_version: 400,
  unauthenticated: 401, invalid_token: 401, token_revoked: 401,
  insufficient_scope: 403, origin_not_allowed: 403, host_not_allowed: 403,
  not_found: 404, conflict: 409, too_large: 413, unsupported_media_type: 415, rate_limited: 429,
  unavailable: 503, store_unavailable: 503, illegal_state: 503, timeout: 504,
};

/** 29. Each HTTP refusal's status is the one its code has in the contract; nothing is accepted with a revoked token; scopes and the client quota hold. */
export function checkApiContract(view: HistoryView, ctx: CheckContext): Violation[] {
  return [...statusMismatches(view), ...acceptedWhileRevoked(view), ...scopeMismatches(view), ...originMismatches(view), ...bodyMismatches(view), ...checkClientQuota(view, ctx), ...checkCreationStatuses(view), ...controlAnswerMismatches(view), ...checkApiReads(view, ctx.toleranceMs, ctx.durationSamples), ...checkListingPasses(view), ...checkMetricsScrapes(view), ...checkRefusalHeaders(view), ...checkTokenSteps(view), ...checkGaugeReads(view), ...checkInstantReads(view, ctx), ...checkSecondsMetrics(view, ctx), ...checkMessageBytes(view), ...checkDashboardFeeds(view), ...checkDashboardEvents(view), ...checkEventProjection(view), ...checkFeedPace(view), ...checkApiEchoes(view, ctx), ...checkUiReads(view), ...checkUiPage(view), ...checkApiDefaults(view), ...checkApiLimits(view), ...checkMediaAndMethods(view), ...checkEnumGauges(view, ctx)];
}

/**
 * Control requests answered with the wrong success status for the state the
 * answer shows (README, HTTP API): a pause is done (200) only when the
 * execution is `paused`; until its worker has stopped the attempt it is
 * accepted, 202 with the status it still has (a claimed one waiting for its
 * start, `preparing`, as a `running` one). Cancel and resume answer 200.
 */
function controlAnswerMismatches(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    const v = rec.value;
    if (rec.f !== 'note' || rec.process !== 'client' || v.phase !== 'ok' || typeof v.op !== 'string' || typeof v.httpStatus !== 'number') continue;
    const want = v.op !== 'pause' ? 200 : v.status === 'paused' ? 200 : 202;
    if (v.httpStatus === want) continue;
    const why = v.op !== 'pause' ? `a ${v.op} is answered 200` : want === 200 ? 'a pause that is done is answered 200' : 'a pause still waiting for the worker to stop the attempt is answered 202 (accepted), not 200 (done)';
    out.push(
      violation(view.records, 'api-contract', `a ${v.op} request for ${String(v.executionId)} was answered ${v.httpStatus} with status ${JSON.stringify(v.status)} at t=${rec.time}: ${why}`, {
        index: rec.index,
        executionId: String(v.executionId),
      }),
    );
  }
  return out;
}

/** The code and HTTP status of a refusal the client got: a submission's, or a control request's (cancel, pause, resume). */
function refusal(rec: HistoryView['records'][number]): { what: string; code: string; status: number } | undefined {
  if (rec.f === 'submit' && (rec.type === 'fail' || rec.type === 'info')) {
    const e = rec.value.error as { code?: unknown; status?: unknown } | undefined;
    return typeof e?.status === 'number' && typeof e.code === 'string' ? { what: 'a submission', code: e.code, status: e.status } : undefined;
  }
  if (rec.value.phase === 'fail' && typeof rec.value.op === 'string') {
    const e = rec.value.error as { code?: unknown; httpStatus?: unknown } | undefined;
    return typeof e?.httpStatus === 'number' && typeof e.code === 'string' ? { what: `a ${rec.value.op} request`, code: e.code, status: e.httpStatus } : undefined;
  }
  return undefined;
}

function statusMismatches(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    const r = refusal(rec);
    if (r === undefined) continue;
    const expected = STATUS_OF_CODE[r.code];
    if (expected === r.status) continue;
    const why = expected === undefined ? `a code the API contract does not list` : `the contract says ${expected}`;
    out.push(violation(view.records, 'api-contract', `${r.what} was refused with HTTP ${r.status} ${r.code}: ${why}`, { index: rec.index }));
  }
  return out;
}

/** Submissions sent while the client's token stood revoked that were acknowledged all the same. */
function acceptedWhileRevoked(view: HistoryView): Violation[] {
  const spans = view.faults.filter((f) => f.details.action === 'revoke_token');
  if (spans.length === 0) return [];
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.f !== 'submit' || rec.type !== 'ok' || typeof rec.value.invoke !== 'number') continue;
    const sent = view.records[rec.value.invoke];
    // By record order: the driver records the start, then awaits the revoke before it sends anything else; likewise the stop and the new token.
    const span = spans.find((f) => sent !== undefined && sent.index > f.start.index && sent.index < (f.stop?.index ?? Infinity));
    if (span === undefined) continue;
    out.push(violation(view.records, 'api-contract', `a submission sent at t=${sent!.time} with the client's token, revoked at t=${span.start.time}, was acknowledged: a revoked token must be refused (401 token_revoked)`, { index: rec.index }));
  }
  return out;
}

/** What a request holding `held` must get on a route needing `needed`: a refusal (status, code), or 'allowed' (no auth refusal). */
function expectedFor(held: string, needed: ApiScope): { status: number; code: string } | 'allowed' {
  if (held === 'none') return { status: 401, code: 'unauthenticated' };
  if (held === 'read' || held === 'submit' || held === 'admin') return scopeAtLeast(held, needed) ? 'allowed' : { status: 403, code: 'insufficient_scope' };
  return { status: 401, code: 'invalid_token' };
}

const HELD_TEXT: Readonly<Record<string, string>> = { none: 'no token', garbage: 'a malformed token', forged: 'a forged token (a real id, a made-up secret)' };

/** The scope adversary's requests whose answer is not the one the README's route table gives. */
function scopeMismatches(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.f !== 'note' || rec.process !== HTTP_ADVERSARY) continue;
    const p = rec.value.httpProbe as { method: string; route: string; held: string; status: number; code?: string } | undefined;
    const route = p === undefined ? undefined : documentedRoute(p.method, p.route);
    if (p === undefined || route?.scope === undefined || route.scope === null) continue;
    const want = expectedFor(p.held, route.scope);
    const got = `${p.status}${p.code === undefined ? '' : ` ${p.code}`}`;
    const sent = `${p.method} ${p.route} with ${HELD_TEXT[p.held] ?? `a ${p.held} token`}`;
    if (want === 'allowed') {
      if (p.status !== 401 && p.status !== 403 && p.status !== 500) continue;
      out.push(violation(view.records, 'api-contract', `${sent} was answered ${got}: the README gives the route scope ${route.scope}, which that token has`, { index: rec.index }));
    } else if (p.status !== want.status || p.code !== want.code) {
      out.push(violation(view.records, 'api-contract', `${sent} was answered ${got}: the README gives the route scope ${route.scope}, so it must be refused ${want.status} ${want.code}`, { index: rec.index }));
    }
  }
  return out;
}

/** The origin probes (adversary-http.ts probeOrigins): another port or host is refused 403 origin_not_allowed, the coordinator's own origin is not. */
function originMismatches(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    const p = rec.f === 'note' && rec.process === HTTP_ADVERSARY ? (rec.value.httpOrigin as { from: string; origin: string; status: number; code?: string } | undefined) : undefined;
    if (p === undefined) continue;
    const refused = p.status === 403 && p.code === 'origin_not_allowed';
    if (refused === (p.from !== 'same')) continue;
    const got = `${p.status}${p.code === undefined ? '' : ` ${p.code}`}`;
    const why = p.from === 'same' ? 'it is the coordinator\'s own origin' : `an Origin on ${p.from === 'other-port' ? 'another port' : 'another host'} is another origin: it must be refused 403 origin_not_allowed`;
    out.push(violation(view.records, 'api-contract', `GET /api/v1/stats with a read token and Origin ${p.origin} (Host coordinator:7000) was answered ${got}: ${why}`, { index: rec.index }));
  }
  return out;
}
/**
 * The HTTP adversary's body probes (adversary-http.ts): a POST whose declared
 * type is not JSON is refused 415 unsupported_media_type, empty body or not;
 * an empty body without a type, or JSON, is not (README, "HTTP API").
 */
function bodyMismatches(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    const p = rec.f === 'note' && rec.process === HTTP_ADVERSARY ? (rec.value.httpBody as { type?: string; empty: boolean; status: number; code?: string } | undefined) : undefined;
    if (p === undefined) continue;
    const json = p.type?.split(';')[0]?.trim().toLowerCase() === 'application/json';
    const mustRefuse = p.type !== undefined && !json;
    const refused = p.status === 415 && p.code === 'unsupported_media_type';
    if (refused === mustRefuse) continue;
    const sent = `POST /api/v1/executions/{id}/cancel with ${p.type === undefined ? 'no Content-Type' : `Content-Type ${p.type}`} and ${p.empty ? 'an empty body' : 'a body'}`;
    const why = mustRefuse ? 'a body declared other than JSON must be refused 415 unsupported_media_type, even empty (a page elsewhere sends text/plain without a preflight)' : 'JSON, or an empty body without a type, is allowed';
    out.push(violation(view.records, 'api-contract', `${sent} was answered ${p.status}${p.code === undefined ? '' : ` ${p.code}`}: ${why}`, { index: rec.index }));
  }
  return out;
}
