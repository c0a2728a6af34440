/**
 * The `wire-bounds-worker` attack (scenario `adversaries`): the worker's
 * direction of `wire-bounds` (adversary-bounds.ts). A hostile coordinator
 * takes the victim's route to `coordinator` and answers each of its
 * reconnects with one probe as the connection's first frame: every frame
 * type a coordinator may send, each bounded field of its zod schema at its
 * bound and one step past it (harness/check/wire-bounds.ts, the same
 * derivation as the coordinator's direction). The worker's codec judges the
 * frame before its state does: a frame the schema refuses must be closed 4400
 * (malformed), one it accepts must not be (a welcome is answered with a
 * register, anything else closed 4405 as unexpected, or answered). Each
 * answer is noted (`wire-bounds`, `to: 'worker'`, with `closedWith`) for
 * promise 38 (harness/check/promises-wire-bounds.ts). A welcome's
 * protocolVersions always holds this protocol's version beside the probed
 * item (a welcome without it is a fatal 4426, and the victim would never come
 * back); the verdict is the schema's on the frame as sent. Needs a fleet
 * backoff of a few ms: ~200 reconnects.
 */
import type { Connection } from '../../system/core/index.js';
import { encode, PROTOCOL_VERSION, ToWorker, type AnyMessage } from '../../system/protocol/index.js';
import type { HistoryRecorder } from '../check/history.js';
import { wireProbes, type WireProbe } from '../check/wire-bounds.js';
import type { Simulation } from '../sim/index.js';
import { listenAsCoordinator } from './impostor-listener.js';

/** How long (simulated) a probe waits for the worker to close its connection. */
const ANSWER_WAIT_MS = 200;
/** How long the attack waits for the victim's next reconnect. */
const RECONNECT_WAIT_MS = 5000;

let cached: WireProbe[] | undefined;
/** The probes toward a worker, a welcome's versions kept shared (see the file comment). */
function workerProbes(): WireProbe[] {
  cached ??= wireProbes(ToWorker).map((p) => {
    const versions = p.frame.protocolVersions;
    if (p.type !== 'welcome' || !Array.isArray(versions) || versions.includes(PROTOCOL_VERSION)) return p;
    const frame = { ...p.frame, protocolVersions: [...(versions as unknown[]), PROTOCOL_VERSION] };
    return { ...p, frame, schemaAccepts: ToWorker.safeParse(frame).success };
  });
  return cached;
}

/** Answers the victim's reconnects, one probe each, and notes how the worker closed each. */
export async function probeWorkerWireBounds(sim: Simulation, recorder: HistoryRecorder, victim: string): Promise<void> {
  const state = (): string | undefined => sim.worker(victim).instance?.state;
  if (state() === undefined || state() === 'stopped' || state() === 'idle') return;
  const probes = workerProbes();
  let next = 0;
  let current: { conn: Connection; closedWith: number | undefined; closed: boolean } | undefined;
  const impostor = await listenAsCoordinator(sim, victim, (conn) => {
    if (current !== undefined || next >= probes.length) return conn.terminate();
    const c = { conn, closedWith: undefined as number | undefined, closed: false };
    current = c;
    conn.attach({ onMessage: () => undefined, onClose: (code) => Object.assign(c, { closed: true, closedWith: code }) });
  });
  const fault = { id: 'adversary-wire-bounds-worker', action: 'inject', target: victim, workers: [victim], coordinator: false, params: { attack: 'wire-bounds-worker' }, origin: 'adversary' };
  recorder.recordFault('start', fault);
  try {
    sim.host(victim).newestOpenEndpoint()?.out.abort('adversary');
    while (next < probes.length) {
      if (!(await sim.runUntil(() => current !== undefined, { maxMs: RECONNECT_WAIT_MS }))) break;
      const c = current as NonNullable<typeof current>;
      const p = probes[next++] as WireProbe;
      const frame = encode(p.frame as AnyMessage);
      c.conn.send(frame);
      await sim.runUntil(() => c.closed, { maxMs: ANSWER_WAIT_MS });
      const note = { attack: 'wire-bounds', to: 'worker', victim, type: p.type, field: p.field, bound: p.bound, probe: p.probe, schemaAccepts: p.schemaAccepts, sample: frame.slice(0, 160) };
      recorder.recordInfo({ ...note, closedWith: c.closed ? (c.closedWith ?? null) : null }, 'adversary');
      c.conn.terminate();
      current = undefined;
    }
    impostor.stopRouting();
    sim.host(victim).newestOpenEndpoint()?.out.abort('adversary');
    await sim.runUntil(() => ['syncing', 'ready'].includes(state() ?? ''), { maxMs: RECONNECT_WAIT_MS });
  } finally {
    await impostor.close();
    recorder.recordFault('stop', fault);
  }
}
