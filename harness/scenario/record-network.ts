/**
 * What a simulated run's network and hosts tell its history, wired once per
 * run: corrupted frames a receiver reads (promise 8), handshake nonces as
 * sent (promise 34), the welcomes' early-sync offers and the early syncs (promise 11), close frames as asked and as received and the
 * connections opened (promise 38), every frame and HTTP answer to the secret watch (promise 8), what the container and command kinds made (promise 32),
 * the claims made for a worker whose send queue was past the high-water mark (promise 26),
 * and the sizes of the coordinator's frames when its gauges are read.
 */
import type { HistoryRecorder } from '../check/history.js';
import { COORDINATOR_HOST, FrameSizes, type Simulation } from '../sim/index.js';
import { SEND_HIGH_WATER_BYTES } from '../check/promises-send-backlog.js';
import { recordHandshake } from './record-nonces.js';
import type { Scenario } from './schema.js';
import type { SecretWatch } from './secret-watch.js';

/** What the simulated network and hosts tell the history (corrupted frames, nonces, resources, frame sizes). */
export function recordNetwork(sim: Simulation, scenario: Scenario, recorder: HistoryRecorder, watch: SecretWatch): void {
  // Each corrupted frame a live receiver reads, for promise 8's integrity rule (harness/check/promises-integrity.ts).
  sim.net.onCorruptDelivered = (c) => recorder.recordInfo({ corrupted: c.connection, from: c.from, to: c.to, frame: c.frame, field: c.field }, 'net');
  // Handshake nonces as the coordinator and the fleet sent them (promise 34, promises-ids.ts), each welcome's early-sync
  // offer and each early sync a worker sent (promise 11, promises-early-sync.ts); an adversary's host is not the system's.
  sim.net.onSent = (host, frame, to, inUpgrade) => (recordHandshake(recorder, host, frame, to, inUpgrade === true), watch.frame(host, frame, to));
  // Every frame above and every HTTP answer's body, scanned for the secret, the signing keys and the tokens (promise 8, secret-watch.ts).
  sim.net.onHttpAnswer = (req, res) => watch.answer(req, res);
  // Each close frame a live process received, with the code and reason its peer asked for, and each
  // connection the network opened, with the client process at its other end (promise 38, promises-wire.ts).
  sim.net.onCloseDelivered = (c) =>
    recorder.recordInfo({ closeDelivered: c.connection, from: c.from, to: c.to, incarnation: c.incarnation, askedCode: c.asked.code, askedReason: c.asked.reason, code: c.code, reason: c.reason, ...(c.unattended ? { unattended: true } : {}) }, 'net');
  sim.net.onOpened = (c) => recorder.recordInfo({ opened: c.connection, client: c.client, incarnation: c.incarnation, server: c.server }, 'net');
  // Each binary frame a live process received and what its transport did; the TLS trust of each connect given a CA (promise 38).
  sim.net.onBinaryDelivered = (b) => recorder.recordInfo({ binaryFrame: b.connection, from: b.from, to: b.to, incarnation: b.incarnation, open: b.open, closedWith: b.closedWith, handed: b.handed }, 'net');
  sim.net.onConnectTls = (t) => recorder.recordInfo({ connectTls: t.url, client: t.client, incarnation: t.incarnation, caGiven: t.caGiven, caKept: t.caKept, rejectUnauthorized: t.rejectUnauthorized, identityCheckReplaced: t.identityCheckReplaced, serverName: t.serverName }, 'net');
  // Each claim made while the coordinator's send queue to its worker held more than the high-water mark (promise 26, promises-send-backlog.ts).
  sim.net.onClaim = (workerId, executionId) => {
    const queued = sim.net.host(COORDINATOR_HOST).queuedTo(workerId);
    if (queued !== undefined && queued > SEND_HIGH_WATER_BYTES) recorder.recordInfo({ claimBacklogged: workerId, executionId, queuedBytes: queued }, 'net');
  };
  // What the container and command kinds made on each worker's simulated engine and process table (promise 32, promises-resources.ts).
  sim.resources.onRecord = (r) => recorder.recordInfo(r, 'resources');
  // The sizes of the frames to and from the coordinator, which its bytes counters are judged by (gauge reads, promises-metrics-bytes.ts).
  if (scenario.clientReads.some((r) => r.read === 'gauges')) sim.net.frameSizes = new FrameSizes(COORDINATOR_HOST);
}


/** At the final read: each host's open connections its process never took up (a connect given up on whose socket stayed; promise 38). */
export function noteUnattended(sim: Simulation, note: (v: Record<string, unknown>) => void): void {
  const byHost = sim.net.hostNames().flatMap((h) => {
    const ids = sim.net.host(h).unattendedConnections();
    return ids.length === 0 ? [] : [[h, ids] as const];
  });
  if (byHost.length > 0) note({ unattendedConnections: Object.fromEntries(byHost) });
}
