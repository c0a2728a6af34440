/**
 * 29. API contract: every refusal the client got over HTTP (submissions and
 * cancel/pause/resume requests) carries the status
 * its error code has in the documented contract (README, "HTTP API"): 400
 * for bad input, 401/403 for auth, 404, 409 for conflicts and illegal
 * states, 413, 429 with its quota, 503 while the coordinator or its store
 * cannot serve (so clients and load balancers retry), 504 for a timeout; a
 * 500 (`internal`) is always a violation: a mapping gap or a bug. Written
 * from the documentation, not read from the system's own table, so a wrong
 * entry there shows here. Judged for refusals that carry a status (the
 * client got an answer). And a revoked token authenticates nothing: a
 * submission sent after a `revoke_token` fault began, and before it ended
 * (the client is then given a new token), is never acknowledged.
 */
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The contract: error code -> HTTP status. */
const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  invalid_argument: 400, malformed: 400, unknown_task_kind: 400, cycle: 400, unknown_type: 400, unsupported_version: 400,
  unauthenticated: 401, invalid_token: 401, token_revoked: 401,
  insufficient_scope: 403, origin_not_allowed: 403, host_not_allowed: 403,
  not_found: 404, conflict: 409, illegal_state: 409, too_large: 413, unsupported_media_type: 415, rate_limited: 429,
  unavailable: 503, store_unavailable: 503, timeout: 504,
};

/** 29. Each HTTP refusal's status is the one its code has in the contract; nothing is accepted with a revoked token. */
export function checkApiContract(view: HistoryView, _ctx: CheckContext): Violation[] {
  return [...statusMismatches(view), ...acceptedWhileRevoked(view)];
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
