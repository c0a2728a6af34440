/**
 * Promise 38 (the wire's close codes): a close reaches the peer as it was
 * sent, and the peer acts on it as docs/PROTOCOL.md says. Judged on the
 * simulated network's notes (harness/scenario/record-network.ts): each close
 * frame a live process received, with the code and reason its peer passed to
 * close() (`closeDelivered`), and each connection opened, with the client
 * process holding it (`opened`). The simulated transport applies the
 * production wire policy (system/transport/wire-policy.ts), so a transport
 * that mangles close codes (blind set 15 #19: every 4xxx sent as 1011) shows
 * here as it would to a real peer.
 *
 *  - As sent: a code RFC 6455 lets an endpoint send arrives unchanged (the
 *    others as 1011); the reason arrives whole, or cut to the longest prefix
 *    of whole characters that fits 123 bytes.
 *  - Obeyed: a worker process told 4409 (replaced) or 4426 (unsupported
 *    version) never connects again in that incarnation: with two live
 *    processes of one id (scenario `fleet.twins`), one that reconnected would
 *    replace the other back, forever (blind set 15 #23). A worker told 4503
 *    with `retry-after=<ms>` backs off by that hint. A worker never leaves a
 *    connection it opened but gave up on (blind set 14 #30: a failed connect
 *    not terminated; the simulated handshake runs the production
 *    bookkeeping, system/transport/connect-attempt.ts): no close reaches a
 *    client end its process never took up.
 */
import type { HistoryRecord } from './history.js';
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** docs/PROTOCOL.md's close codes after which a worker does not retry (its own list: the system's is what is judged). */
export const FATAL_CODES: ReadonlyMap<number, string> = new Map([
  [4409, 'replaced'],
  [4426, 'unsupported version'],
]);
const OVERLOADED = 4503;
const MAX_REASON_BYTES = 123;

/** One close frame as a live process received it, with what its peer asked for. */
interface Delivered {
  rec: HistoryRecord;
  from: string;
  to: string;
  incarnation: number;
  askedCode: number;
  askedReason: string;
  code: number;
  reason: string;
  unattended: boolean;
}

function deliveredCloses(view: HistoryView): Delivered[] {
  const out: Delivered[] = [];
  for (const rec of view.records) {
    if (rec.f !== 'note' || rec.process !== 'net' || typeof rec.value.closeDelivered !== 'string') continue;
    const v = rec.value;
    out.push({ rec, from: String(v.from), to: String(v.to), incarnation: Number(v.incarnation), askedCode: Number(v.askedCode), askedReason: String(v.askedReason), code: Number(v.code), reason: String(v.reason), unattended: v.unattended === true });
  }
  return out;
}

/** RFC 6455 §7.4: codes an endpoint may put in a close frame. */
function sendable(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

/** The longest prefix of whole characters within 123 UTF-8 bytes. */
function fitted(reason: string): string {
  let out = '';
  for (const ch of reason) {
    if (Buffer.byteLength(out + ch, 'utf8') > MAX_REASON_BYTES) break;
    out += ch;
  }
  return out;
}

/** 36. Each close arrives with the code and reason its sender asked for (a reason cut only to fit the frame). */
export function checkClosesAsSent(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const d of deliveredCloses(view)) {
    const code = sendable(d.askedCode) ? d.askedCode : 1011;
    const reason = fitted(d.askedReason);
    if (d.code === code && d.reason === reason) continue;
    const what = d.code !== code ? `code ${d.code} where ${d.from} closed with ${d.askedCode}${code === d.askedCode ? '' : ` (sent as ${code})`}` : `reason ${JSON.stringify(d.reason.slice(0, 60))} where ${d.from} gave ${JSON.stringify(reason.slice(0, 60))}`;
    out.push(violation(view.records, 'wire', `${d.to} received a close frame at t=${d.rec.time} with ${what}: the peer must get the close it was sent, or it cannot act on it (docs/PROTOCOL.md, close codes)`, { index: d.rec.index, workerId: d.to }));
  }
  return out;
}

/** 36. At the end of the run no worker holds a connection it opened but never took up (the network's `unattendedConnections` note). */
export function checkNoUnattended(view: HistoryView, ctx: CheckContext): Violation[] {
  const hosts = new Set([...(ctx.workerIds ?? []), ...(ctx.workerHosts ?? [])]);
  const note = view.records.findLast((r) => r.f === 'note' && typeof r.value.unattendedConnections === 'object' && r.value.unattendedConnections !== null);
  if (note === undefined) return [];
  return Object.entries(note.value.unattendedConnections as Record<string, string[]>)
    .filter(([host]) => hosts.has(host))
    .map(([host, ids]) =>
      violation(view.records, 'wire', `at the end of the run ${host} still held ${ids.length} open connection(s) it never took up (${ids.slice(0, 5).join(', ')}): a connect given up on (timed out, aborted) must end its socket, or it completes later as a connection nobody uses`, { index: note.index, workerId: host }),
    );
}

/** Per client process (`host#incarnation`), the last connection it opened. */
function lastOpened(view: HistoryView): Map<string, HistoryRecord> {
  const out = new Map<string, HistoryRecord>();
  for (const r of view.records) if (r.f === 'note' && r.process === 'net' && typeof r.value.opened === 'string') out.set(`${String(r.value.client)}#${String(r.value.incarnation)}`, r);
  return out;
}

/** The backoff the worker drew when the close arrived (same instant), if it drew one. */
function backoffAt(view: HistoryView, d: Delivered): HistoryRecord | undefined {
  for (let i = d.rec.index + 1; i < view.records.length; i++) {
    const r = view.records[i];
    if (r === undefined || r.time > d.rec.time) return undefined;
    if (r.f === 'backoff' && r.process === d.to) return r;
  }
  return undefined;
}

/** Whether a backoff follows a retry-after hint: says it, and its delay lies in [hint, 1.5 × hint] within the cap (docs/PROTOCOL.md; [cap / 1.5, cap] for a hint past it). */
function honours(backoff: HistoryRecord, hint: number, maxMs: number): boolean {
  const delay = Number(backoff.value.delayMs);
  const floor = Math.min(hint, maxMs / 1.5);
  const cap = Math.min(maxMs, Math.max(floor, hint * 1.5));
  return backoff.value.retryAfterMs === hint && delay >= floor - 1 && delay <= cap + 1;
}

/** 36. A worker obeys the coordinator's close: fatal codes stop that process, 4503 delays its next try by the hint. */
export function checkClosesObeyed(view: HistoryView, ctx: CheckContext): Violation[] {
  const workers = new Set(ctx.workerIds ?? []);
  const hosts = new Set([...workers, ...(ctx.workerHosts ?? [])]);
  const out: Violation[] = [];
  const delivered = deliveredCloses(view).filter((d) => hosts.has(d.to));
  const last = delivered.length === 0 ? new Map<string, HistoryRecord>() : lastOpened(view);
  const judged = new Set<string>();
  for (const d of delivered) {
    if (d.unattended) {
      out.push(
        violation(view.records, 'wire', `${d.to} never took up a connection it had opened, which stayed open until ${d.from} closed it with ${d.askedCode} (${JSON.stringify(d.askedReason.slice(0, 60))}) at t=${d.rec.time}: a connect given up on (timed out, aborted) must end its socket, not leave it holding a handshake slot`, {
          index: d.rec.index,
          workerId: d.to,
        }),
      );
      continue;
    }
    const fatal = FATAL_CODES.get(d.askedCode);
    if (fatal !== undefined) {
      // Once per process: a flapping pair would repeat the story at every round.
      if (judged.has(`${d.to}#${d.incarnation}`)) continue;
      // The first connection it opened after the close, if it opened any (the last one bounds the search).
      const latest = last.get(`${d.to}#${d.incarnation}`);
      if (latest === undefined || latest.index < d.rec.index) continue;
      const again = view.records.find((r, i) => i > d.rec.index && r.f === 'note' && r.process === 'net' && r.value.client === d.to && r.value.incarnation === d.incarnation && typeof r.value.opened === 'string') ?? latest;
      judged.add(`${d.to}#${d.incarnation}`);
      out.push(
        violation(view.records, 'wire', `${d.to} was closed with ${d.askedCode} (${fatal}) at t=${d.rec.time}${d.code === d.askedCode ? '' : `, received as ${d.code},`} yet connected again at t=${again.time} (connection ${String(again.value.opened)}): ${d.askedCode} is fatal, the worker must stop; two live workers with one id would replace each other forever`, {
          index: again.index,
          workerId: d.to,
        }),
      );
      continue;
    }
    const hint = d.askedCode === OVERLOADED ? /retry-after=(\d+)/.exec(d.askedReason)?.[1] : undefined;
    if (hint === undefined || !workers.has(d.to)) continue;
    const backoff = backoffAt(view, d);
    if (backoff === undefined || honours(backoff, Number(hint), ctx.backoffByWorker?.[d.to]?.maxMs ?? ctx.backoff.maxMs)) continue;
    out.push(
      violation(view.records, 'wire', `${d.to} was refused with 4503 retry-after=${hint} at t=${d.rec.time}${d.code === d.askedCode ? '' : ` (received as ${d.code})`}, but its next backoff (${String(backoff.value.delayMs)} ms) ${backoff.value.retryAfterMs === undefined ? 'ignores the hint' : `honours ${String(backoff.value.retryAfterMs)}`}: a refused worker comes back in [hint, 1.5 × hint], within its backoff cap (docs/PROTOCOL.md, admission control)`, {
        index: backoff.index,
        workerId: d.to,
      }),
    );
  }
  return out;
}
