/**
 * The handshake nonces of a simulated run, for promise 34 (harness/check/promises-ids.ts):
 * the simulated network reports every frame a process sends (VirtualNetwork.onSent),
 * and the nonce of each welcome the coordinator sent and each register a fleet
 * worker sent becomes a `net` note {nonce, host, field}.
 */
import type { HistoryRecorder } from '../check/history.js';

/** The hosts whose frames are not the system's (adversaries). */
const FOREIGN_HOSTS: ReadonlySet<string> = new Set(['adversary']);

/** Records the nonce of a welcome or register a system host sent, as a `net` note {nonce, host, field}. */
export function recordNonce(recorder: HistoryRecorder, host: string, frame: string): void {
  // Every frame sent passes here: one scan rules out both keys ("nonce": and "clientNonce":) for nearly all of them.
  if (FOREIGN_HOSTS.has(host) || !frame.includes('once":') || !(frame.includes('"nonce":') || frame.includes('"clientNonce":'))) return;
  let msg: unknown;
  try {
    msg = JSON.parse(frame);
  } catch {
    return;
  }
  const m = msg as { type?: unknown; nonce?: unknown; clientNonce?: unknown };
  if (m.type === 'welcome') recorder.recordInfo({ nonce: m.nonce, host, field: 'nonce' }, 'net');
  else if (m.type === 'register') recorder.recordInfo({ nonce: m.clientNonce, host, field: 'clientNonce' }, 'net');
}
