/**
 * Part of 29, api-contract: the headers the README's "HTTP API" section
 * documents on a refusal, judged on every submission refusal the client
 * got an answer for (the client records the documented headers it read,
 * harness/scenario/http-client.ts `documentedHeaders`):
 *
 * - 429 rate_limited (both quotas, "Quotas") and 503 store_unavailable
 *   ("Health") carry Retry-After, in delay-seconds (RFC 9110 10.2.3; an HTTP-date is allowed
 *   too): the client is told when to come back (blind set 12 #13: the
 *   quota's Retry-After dropped by the error mapping);
 * - an error answer's body is JSON, and says so: Content-Type
 *   application/json.
 *
 * Written from the documentation, not from the system's error table.
 */
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The refusals on which the README promises Retry-After: `status code`. */
const RETRY_AFTER_ON: ReadonlySet<string> = new Set(['429 rate_limited', '503 store_unavailable']);

/** A Retry-After value as RFC 9110 has it: delay-seconds, or an HTTP-date. */
function validRetryAfter(v: string): boolean {
  return /^\d{1,9}$/.test(v.trim()) || (/[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT/.test(v) && !Number.isNaN(Date.parse(v)));
}

/** Submission refusals whose documented headers are missing or malformed. */
export function checkRefusalHeaders(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.f !== 'submit' || (rec.type !== 'fail' && rec.type !== 'info')) continue;
    const e = rec.value.error as { code?: unknown; status?: unknown; headers?: Record<string, string> } | undefined;
    if (typeof e?.status !== 'number' || e.headers === undefined) continue;
    const what = `a submission refused HTTP ${e.status} ${String(e.code)} at t=${rec.time}`;
    const v = (message: string): Violation => violation(view.records, 'api-contract', `${what} ${message}`, { index: rec.index });
    const retryAfter = e.headers['retry-after'];
    if (RETRY_AFTER_ON.has(`${e.status} ${String(e.code)}`)) {
      if (retryAfter === undefined) out.push(v(`carried no Retry-After: the README promises it on every ${e.status} ${String(e.code)}, so the client knows when to come back`));
      else if (!validRetryAfter(retryAfter)) out.push(v(`carried Retry-After ${JSON.stringify(retryAfter)}: it must be delay-seconds (a non-negative integer) or an HTTP-date`));
    }
    const type = e.headers['content-type'];
    if (type?.split(';')[0]?.trim().toLowerCase() !== 'application/json') out.push(v(`was answered with Content-Type ${JSON.stringify(type ?? null)}: an error body is JSON and says so (application/json)`));
  }
  return out;
}
