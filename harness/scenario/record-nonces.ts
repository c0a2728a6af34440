/**
 * What the handshakes of a simulated run say, as sent: the simulated network
 * reports every frame a process sends (VirtualNetwork.onSent), and
 *  - the nonce of each welcome the coordinator sent and each register a fleet
 *    worker sent becomes a `net` note {nonce, host, field, to} (promise 34,
 *    harness/check/promises-ids.ts); a welcome's note also says whether it
 *    offered the early sync (`earlySync`, docs/PROTOCOL.md "Early sync")
 *    and the parameters it announced (`announced`: authRequired,
 *    signMessages, heartbeatMs, heartbeatTimeoutMs, maxFrameBytes,
 *    compression; harness/check/promises-welcome.ts);
 *  - each seq-less `sync` a worker sent (the early sync) becomes a `net` note
 *    {earlySync: 'sent', host, to} (promise 11, harness/check/promises-early-sync.ts).
 * A 0-RTT register's frames (carried in the upgrade request, `inUpgrade`) count
 * as sent before the welcome, and are noted as the same frames sent after it
 * would be, with `inUpgrade: true`: its register's nonce, and its early sync.
 */
import type { HistoryRecorder } from '../check/history.js';

/** The hosts whose frames are not the system's (adversaries). */
const FOREIGN_HOSTS: ReadonlySet<string> = new Set(['adversary']);

/** The welcome parameters promise-welcome judges, as the welcome spelled them. */
const ANNOUNCED = ['authRequired', 'signMessages', 'heartbeatMs', 'heartbeatTimeoutMs', 'maxFrameBytes', 'compression'] as const;

/** The parameters a welcome announced (each as sent; a missing one as null). */
function announced(m: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(ANNOUNCED.map((k) => [k, m[k] ?? null]));
}

/** Records what a handshake frame a system host sent says (see the file header). */
export function recordHandshake(recorder: HistoryRecorder, host: string, frame: string, to: string, inUpgrade = false): void {
  if (FOREIGN_HOSTS.has(host)) return;
  // Every frame sent passes here: one short scan ("once":) rules out both nonce keys for nearly all of them.
  const handshake = frame.includes('once":') && (frame.includes('"nonce":') || frame.includes('"clientNonce":'));
  if (!handshake && !frame.includes('"type":"sync"')) return;
  let msg: unknown;
  try {
    msg = JSON.parse(frame);
  } catch {
    return;
  }
  const m = msg as { type?: unknown; nonce?: unknown; clientNonce?: unknown; earlySync?: unknown; seq?: unknown } & Record<string, unknown>;
  if (m.type === 'welcome') recorder.recordInfo({ nonce: m.nonce, host, field: 'nonce', to, earlySync: m.earlySync === true, announced: announced(m) }, 'net');
  else if (m.type === 'register') recorder.recordInfo({ nonce: m.clientNonce, host, field: 'clientNonce', to, ...(inUpgrade ? { inUpgrade: true } : {}) }, 'net');
  else if (m.type === 'sync' && m.seq === undefined) recorder.recordInfo({ earlySync: 'sent', host, to, ...(inUpgrade ? { inUpgrade: true } : {}) }, 'net');
}
