/**
 * What a welcome announces is the coordinator's configuration (docs/PROTOCOL.md
 * "Handshake"): every parameter of each welcome the coordinator sent is the one
 * it runs with, judged under the promise the parameter is about:
 *
 * - auth (8): `authRequired` (a secret is set) and `signMessages`;
 * - liveness (10): `heartbeatMs` and `heartbeatTimeoutMs` (the floor the
 *   worker's own timeout starts from);
 * - wire (38): `maxFrameBytes` and `compression` (permessage-deflate, on
 *   unless --no-compression).
 *
 * The worker takes most of these as announced, and a wrong one often changes
 * nothing a run can see (a welcome saying compression is off while the socket
 * deflates; an announced frame bound larger than the one enforced until a
 * frame meets it): only the welcome shows it. Read from the handshake notes of
 * the simulated network (harness/scenario/record-nonces.ts: each welcome's
 * `announced`) against the check context's `welcome` (the scenario's
 * configuration; a field it leaves out is not judged). No notes (a live
 * run): nothing judged. The early-sync offer is promise 11's
 * (promises-early-sync.ts).
 */
import type { CheckContext } from './context.js';
import type { PromiseName } from './promises.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The welcome parameters judged, and the promise each belongs to. */
const WELCOME_PROMISE = {
  authRequired: 'auth',
  signMessages: 'auth',
  heartbeatMs: 'liveness',
  heartbeatTimeoutMs: 'liveness',
  maxFrameBytes: 'wire',
  compression: 'wire',
} as const satisfies Record<string, PromiseName>;

/** A welcome parameter the checker judges. */
export type WelcomeField = keyof typeof WELCOME_PROMISE;

/** Welcome parameters announced otherwise than configured, for the fields of `promise`. */
export function checkWelcomeAnnounced(view: HistoryView, ctx: CheckContext, promise: PromiseName): Violation[] {
  const want = ctx.welcome;
  if (want === undefined) return [];
  const fields = (Object.keys(WELCOME_PROMISE) as WelcomeField[]).filter((f) => WELCOME_PROMISE[f] === promise && want[f] !== undefined);
  if (fields.length === 0) return [];
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.f !== 'note' || rec.process !== 'net' || rec.value.field !== 'nonce') continue;
    const { host, to } = rec.value;
    const got = rec.value.announced as Record<string, unknown> | undefined;
    if (got === undefined || typeof host !== 'string' || typeof to !== 'string') continue;
    const wrong = fields.filter((f) => got[f] !== want[f]);
    if (wrong.length === 0) continue;
    const said = wrong.map((f) => `${f} ${JSON.stringify(got[f])} (configured: ${JSON.stringify(want[f])})`).join(', ');
    out.push(violation(view.records, promise, `${host}'s welcome to ${to} at t=${rec.time} announced ${said}: a welcome announces the configuration the coordinator runs with`, { index: rec.index, workerId: to }));
  }
  return out;
}
