/**
 * Issue 2's measure: reconnect overhead of one worker on loopback. 200 cuts of
 * its link (through the fault proxy); for each, the time from the link coming
 * back to the worker registered and synced, minus the backoff wait it chose
 * (the start of its successful attempt is max(heal, end of its backoff delay)),
 * beside the bare cost of a `ws` connect + handshake measured in the same run.
 * Prints JSON. `npm run bench:reconnect` (CUTS=N to change the count).
 */
import { runReconnectBench } from '../harness/live/bench-reconnect.js';
import { hdrSummary } from './lib/histogram.js';

const cuts = Number(process.env.CUTS ?? 200);
const { json, result } = await runReconnectBench({
  conditions: ['clean'],
  strategies: ['full-jitter'],
  fleets: [1],
  cuts,
  downMs: 50,
  backoff: { initialMs: 10, maxMs: 100 },
  floorSamples: 200,
  tasksPerWorker: 0,
  reportDir: null,
  progress: false,
});
const group = result.reconnectSamples?.[0];
const beyond = hdrSummary(group?.beyondBackoffMs ?? []);
const total = hdrSummary(group?.ms ?? []);
const floor = json.floor as { direct: { p50: number; p99: number }; proxied: { p50: number; p99: number } } | null;
const out = {
  cuts,
  samples: beyond.count,
  reconnectBeyondBackoffMs: { p50: beyond.p50, p99: beyond.p99, max: beyond.max },
  healToSyncedMs: { p50: total.p50, p99: total.p99, max: total.max },
  // the beyond-backoff part split: attempt start → registered (connected event), registered → synced
  split: (() => {
    const row = result.benchRows?.[0] as { registerP50?: number; registerP99?: number; syncP50?: number; syncP99?: number } | undefined;
    return row === undefined ? null : { toRegisteredMs: { p50: row.registerP50, p99: row.registerP99 }, registeredToSyncedMs: { p50: row.syncP50, p99: row.syncP99 } };
  })(),
  bareWsHandshakeMs: floor === null ? null : { direct: { p50: floor.direct.p50, p99: floor.direct.p99 }, viaProxy: { p50: floor.proxied.p50, p99: floor.proxied.p99 } },
  p99OverFloorMs: floor === null ? null : Math.round((beyond.p99 - floor.proxied.p99) * 1000) / 1000,
  target: 'p99 beyond backoff within 2 ms of the bare handshake',
};
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
