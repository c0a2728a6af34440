/**
 * The `wire-bounds` attack (scenario `adversaries`): every frame type a
 * worker may send the coordinator, each bounded field at its bound and one
 * step past it (harness/check/wire-bounds.ts derives them from the protocol's
 * zod schemas, so a new field is probed without a change here), each frame
 * the first one on a connection of its own, right after the welcome. The
 * codec judges the frame before the connection's state does: a frame the
 * schema refuses must be closed 4400 (malformed), one it accepts must get past
 * the decoder (closed 4405 as not a register, 4401 as a register without the
 * secret's MAC): the hand-written fast decoders (system/protocol/fast-decode*.ts)
 * must agree with the schema at every bound (blind set 21 #28: register's
 * concurrency limit dropped from the fast path, a million accepted). Each
 * answer is noted (`wire-bounds` with the probe and `closedWith`) for
 * promise 38 (harness/check/promises-wire-bounds.ts). Needs coordinator.secret
 * (a register the schema accepts would otherwise register). Probes larger
 * than the welcome's maxFrameBytes are left out (the frame limit refuses them first).
 */
import { encode, ToCoordinator, type AnyMessage } from '../../system/protocol/index.js';
import type { HistoryRecorder } from '../check/history.js';
import { wireProbes, type WireProbe } from '../check/wire-bounds.js';
import type { Simulation } from '../sim/index.js';
import type { Opened } from './adversary-wire.js';

/** How long (simulated) a probe waits for the coordinator to close its connection. */
const ANSWER_WAIT_MS = 500;

/** A connection the attack opens, with the close code it got (adversary.ts connect). */
type ProbeConn = Opened & { closeCode: () => number | undefined };

let cached: WireProbe[] | undefined;
/** The probes toward the coordinator (the same for every run: derived from the schema alone). */
function coordinatorProbes(): WireProbe[] {
  cached ??= wireProbes(ToCoordinator);
  return cached;
}

/** Sends each probe on its own connection and notes the coordinator's answer. */
export async function probeWireBounds(sim: Simulation, recorder: HistoryRecorder, victim: string, connect: () => Promise<ProbeConn | undefined>): Promise<void> {
  for (const p of coordinatorProbes()) {
    const conn = await connect();
    if (conn === undefined) return;
    const frame = encode(p.frame as AnyMessage);
    if (Buffer.byteLength(frame, 'utf8') > conn.welcome.maxFrameBytes) {
      conn.c.terminate();
      continue;
    }
    const note = { attack: 'wire-bounds', victim, type: p.type, field: p.field, bound: p.bound, probe: p.probe, schemaAccepts: p.schemaAccepts, sample: frame.slice(0, 160) };
    conn.c.send(frame);
    await sim.runUntil(conn.closed, { maxMs: ANSWER_WAIT_MS });
    recorder.recordInfo({ ...note, closedWith: conn.closeCode() ?? null }, 'adversary');
    conn.c.terminate();
  }
}
