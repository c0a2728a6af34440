/**
 * Promise 38 (the wire), what the production transport decides about frames
 * and connects, judged on the simulated network's notes
 * (harness/scenario/record-network.ts). The simulated endpoints read every
 * frame through the production connection (system/transport/ws-connection.ts,
 * harness/sim/ws-inbound.ts), and every connect's options are built by the
 * production builder (ws-client.ts wsClientOptions, harness/sim/handshake.ts),
 * so what is judged is what production does:
 *
 *  - Frame types (docs/PROTOCOL.md: text frames only): a binary frame that
 *    reaches an open connection is refused with close 1003 as it is read,
 *    and never handed to the process, on either side (blind set 17 #15:
 *    read as UTF-8 text). Adversary attacks binary-frame, binary-coordinator.
 *  - Hints: a worker refused with 4503 `retry-after=<ms>` does not try to
 *    connect again before the hint's window opens ([hint, 1.5 × hint] within
 *    its backoff cap: never sooner than min(hint, cap / 1.5), 1 ms of slack
 *    for timer rounding), whatever its backoff event says (blind set 17 #21:
 *    a 3-digit parse took 2500 as 250). Attack refusal-hints.
 *  - TLS trust (docs/PROTOCOL.md, README "TLS": wss:// verifies the server's
 *    certificate, `--tls-ca` replaces the trusted roots; there is no opt-out):
 *    no connect's options accept an unverified certificate
 *    (rejectUnauthorized: false) or replace the host-name check, and a connect
 *    given a CA trusts exactly that CA (blind set 17 #23: a CA given also
 *    turned verification off). Fleet field `tlsCa`: and every connect of a
 *    worker given a CA passes it on.
 */
import { isIP } from 'node:net';
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** RFC 6455 1003, unsupported data: the refusal of a binary frame (docs/PROTOCOL.md, close codes). */
const UNSUPPORTED_DATA = 1003;
const OVERLOADED = 4503;
/** Timer rounding allowed before a hint's window opens, ms. */
const HINT_SLACK_MS = 1;

const netNotes = (view: HistoryView, key: string): HistoryRecord[] => view.records.filter((r) => r.f === 'note' && r.process === 'net' && typeof r.value[key] === 'string');

/** 38. Every binary frame a live process received was refused with 1003 (if its connection was open) and never handed on. */
export function checkBinaryRefused(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const r of netNotes(view, 'binaryFrame')) {
    const v = r.value;
    const to = String(v.to);
    const what = `${to} received a binary frame from ${String(v.from)} on ${String(v.binaryFrame)} at t=${r.time}`;
    if (v.handed === true) out.push(violation(view.records, 'wire', `${what} and handed it to its logic as text: the protocol is text frames only, a binary frame is never read (docs/PROTOCOL.md)`, { index: r.index, workerId: to }));
    else if (v.open === true && v.closedWith !== UNSUPPORTED_DATA) {
      const did = v.closedWith === null ? 'did not close the connection' : `closed with ${String(v.closedWith)}`;
      out.push(violation(view.records, 'wire', `${what} and ${did}: a binary frame is refused with close 1003 (unsupported data), as it is read (docs/PROTOCOL.md)`, { index: r.index, workerId: to }));
    }
  }
  return out;
}

/** The window a hint opens within the cap: docs/PROTOCOL.md, admission control. */
function hintFloor(hint: number, maxMs: number): number {
  return Math.min(hint, maxMs / 1.5);
}

/** The worker's first connect attempt after record `from`. */
function nextConnecting(view: HistoryView, worker: string, from: number): HistoryRecord | undefined {
  for (let i = from + 1; i < view.records.length; i++) {
    const x = view.records[i];
    if (x?.process === worker && x.f === 'connecting') return x;
  }
  return undefined;
}

/** 38. A worker refused with 4503 and a hint makes no connect attempt before the hint's window opens. */
export function checkHintsWaited(view: HistoryView, ctx: CheckContext): Violation[] {
  const workers = new Set(ctx.workerIds ?? []);
  const out: Violation[] = [];
  for (const r of netNotes(view, 'closeDelivered')) {
    const v = r.value;
    const to = String(v.to);
    const hint = Number(v.askedCode) === OVERLOADED ? /retry-after=(\d+)/.exec(String(v.askedReason))?.[1] : undefined;
    if (hint === undefined || !workers.has(to)) continue;
    const next = nextConnecting(view, to, r.index);
    if (next === undefined || view.processFaultOn(to, r.time, next.time)) continue;
    const floor = hintFloor(Number(hint), ctx.backoffByWorker?.[to]?.maxMs ?? ctx.backoff.maxMs);
    if (next.time >= r.time + floor - HINT_SLACK_MS) continue;
    out.push(
      violation(view.records, 'wire', `${to} was refused with 4503 retry-after=${hint} at t=${r.time} but tried to connect again ${next.time - r.time} ms later (t=${next.time}): a refused worker waits at least ${Number(floor.toFixed(1))} ms (the hint, within its backoff cap: docs/PROTOCOL.md, admission control)`, {
        index: next.index,
        workerId: to,
      }),
    );
  }
  return out;
}

/** 38. No connect accepts an unverified certificate or another host's; one given a CA trusts exactly it. */
export function checkConnectTrust(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const r of netNotes(view, 'connectTls')) {
    const v = r.value;
    const client = String(v.client);
    const at = `${client}'s connect to ${String(v.connectTls)} at t=${r.time}${v.caGiven === true ? ' (given a CA, --tls-ca)' : ''}`;
    const wrong: string[] = [];
    if (v.rejectUnauthorized === false) wrong.push('sets rejectUnauthorized: false, accepting any certificate (a man in the middle can pose as the coordinator)');
    if (v.identityCheckReplaced === true) wrong.push("replaces the certificate's host-name check");
    if (v.caKept !== true) wrong.push(v.caGiven === true ? 'does not trust exactly the CA it was given' : 'trusts a CA it was not given');
    const sni = sniWrong(String(v.connectTls), v.serverName);
    if (sni !== undefined) wrong.push(sni);
    if (wrong.length === 0) continue;
    out.push(violation(view.records, 'wire', `${at} ${wrong.join('; ')}: wss:// verifies the server's certificate, --tls-ca only replaces the trusted roots, and there is no opt-out (README, TLS)`, { index: r.index, workerId: client }));
  }
  return out;
}

/** What is wrong with a wss:// connect's server name (SNI): a host name is sent as is, an IP address not at all (RFC 6066, node's tls.connect; set 18 #24). */
function sniWrong(url: string, serverName: unknown): string | undefined {
  if (serverName === undefined || !/^(wss|https):/i.test(url)) return undefined;
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  const want = isIP(host) === 0 ? host : '';
  if (serverName === want) return undefined;
  const sent = serverName === null ? 'leaves the server name to tls.connect' : serverName === '' ? 'sends no SNI' : `sends SNI ${String(serverName)}`;
  return `${sent} where ${want === '' ? 'an IP address must be sent none' : `the host name ${want} must be sent (an ingress or TLS proxy routes by it)`}`;
}

/** A worker process's id from its host: a twin's host is `<id>.twin` (scenario fleet.twins), its events carry the id. */
const workerOfHost = (host: string): string => host.replace(/\.twin$/, '');

/** 38. A worker given a CA passes it on at every connect attempt (the `connecting` event and the connect are one instant); reported once per worker. */
export function checkCaPassedOn(view: HistoryView, ctx: CheckContext): Violation[] {
  if (ctx.workersTlsCa !== true) return [];
  const workers = new Set(ctx.workerIds ?? []);
  const given = new Set(netNotes(view, 'connectTls').flatMap((r) => (r.value.caGiven === true ? [`${workerOfHost(String(r.value.client))}@${r.time}`] : [])));
  const reported = new Set<string>();
  const out: Violation[] = [];
  for (const r of view.records) {
    if (r.f !== 'connecting' || !workers.has(r.process) || reported.has(r.process) || given.has(`${r.process}@${r.time}`)) continue;
    reported.add(r.process);
    out.push(violation(view.records, 'wire', `${r.process} was given a CA (--tls-ca) but connected at t=${r.time} without it: the connect trusts the system roots instead of the CA the operator gave (README, TLS)`, { index: r.index, workerId: r.process }));
  }
  return out;
}
