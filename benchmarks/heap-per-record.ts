/**
 * `npm run bench:heap-per-record`: the coordinator's live heap per kept
 * execution record, a figure the machine's load does not move (issue 12:
 * the paced-phase stall is a mark-compact whose marking time scales with the
 * live objects, and without retention every record stays in memory).
 *
 * What runs: an embedded coordinator (SQLite store in a temp dir, the
 * compiled system as bench:dispatch runs it) with 4 workers × 50 in one child
 * process; --warmup echo tasks first (code compiled, buffers grown), then
 * the heap after forced GCs, then --tasks more echo tasks submitted in
 * batches of 1,000 and run to their committed completion, then the heap
 * again. Heap = `v8.getHeapStatistics().used_heap_size` after two forced
 * GCs; bytes per record = (after - before) / --tasks; fullGcMs = one forced
 * full GC then (wall ms, load-dependent). Then every record is pruned
 * (engine.prune: out of the engine's maps and the store) and the heap read
 * once more: freedPerRecordByPrune = (after - afterPrune) / recordsKept is
 * what forgetting an ended record frees, the most that keeping ended records
 * out of memory could save; what prune leaves (the recorded lease tokens,
 * the stats) is bytesPerRecord minus that. Prints one JSON object.
 *
 *   npm run bench:heap-per-record -- [--tasks 20000] [--warmup 2000] [--snapshot FILE] [--objects]
 *
 * --objects also counts heap objects before and after (heap snapshots' node counts): objectsPerRecord.
 *
 * --snapshot writes a V8 heap snapshot at the end (for Chrome DevTools).
 * Needs --expose-gc: the script re-runs itself with it when missing.
 */
import v8 from 'node:v8';
import { argNumber, argString } from './lib/args.js';
import { removeDir, spawnWorkerHost, startEmbedded, tempDataDir } from './lib/cluster.js';
import { type CompletionTracker, maxEmbedded } from './lib/load.js';
import { reexecWithNodeFlags } from './lib/node-flags.js';
import { SYSTEM_UNDER_TEST } from './lib/sut.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined && (await reexecWithNodeFlags(['--expose-gc']))) process.exit();

const tasks = argNumber('tasks', 20_000);
const warmup = argNumber('warmup', 2000);
const snapshotFile = argString('snapshot');
const countObjects = process.argv.includes('--objects');

/** Live heap bytes after two full GCs (the second collects what the first's finalizers freed). */
async function liveHeap(): Promise<number> {
  await new Promise((r) => setTimeout(r, 100));
  gc?.();
  gc?.();
  return v8.getHeapStatistics().used_heap_size;
}

/**
 * Heap objects (the nodes of a heap snapshot, which V8 takes after a full GC): what a mark-compact
 * visits. Only with --objects (a snapshot of this heap takes seconds).
 */
async function heapObjects(): Promise<number | undefined> {
  if (!countObjects) return undefined;
  let head = '';
  for await (const chunk of v8.getHeapSnapshot()) {
    if (head.length < 4096) head += String(chunk);
  }
  const m = /"node_count":(\d+)/.exec(head);
  return m === null ? undefined : Number(m[1]);
}

/**
 * Wall time of one forced full GC of the heap as it is (median of 5): mostly marking, which grows with
 * the live objects. Unlike the bytes, it moves with the machine's load.
 */
function timeFullGc(): number {
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    gc?.();
    ms.push(performance.now() - t0);
  }
  return Math.round((ms.sort((a, b) => a - b)[2] ?? 0) * 10) / 10;
}

const dataDir = tempDataDir('heap-per-record');
let tracker: CompletionTracker | undefined;
const system = await startEmbedded(dataDir, (rec) => tracker?.onCommitted(rec));
const workers = spawnWorkerHost(system.coordinator.url, 4, 50);
try {
  await workers.ready;
  const engine = system.coordinator.engine;
  const run = (n: number, tag: string) => maxEmbedded(engine, (t) => (tracker = t), { tasks: n, batchSize: 1000, timeoutMs: 600_000, tag });
  const warm = await run(warmup, 'warm');
  const before = await liveHeap();
  const objectsBefore = await heapObjects();
  const measured = await run(tasks, 'kept');
  const after = await liveHeap();
  const objectsAfter = await heapObjects();
  const fullGcMs = timeFullGc();
  if (snapshotFile !== undefined) v8.writeHeapSnapshot(snapshotFile);
  const kept = engine.snapshotCounts().total;
  // The coordinator's engine is an Engine (system/engine/engine.ts); its interface here leaves prune out.
  await (engine as unknown as { prune(completedBefore: number): Promise<number> }).prune(Date.now() + 1);
  const afterPrune = await liveHeap();
  process.stdout.write(
    `${JSON.stringify(
      {
        system: SYSTEM_UNDER_TEST,
        node: process.version,
        tasks,
        warmup,
        completed: warm.completed + measured.completed,
        recordsKept: kept,
        heapBeforeBytes: before,
        heapAfterBytes: after,
        bytesPerRecord: Math.round((after - before) / tasks),
        ...(objectsBefore === undefined || objectsAfter === undefined
          ? {}
          : { heapObjectsBefore: objectsBefore, heapObjectsAfter: objectsAfter, objectsPerRecord: Math.round(((objectsAfter - objectsBefore) / tasks) * 10) / 10 }),
        fullGcMs,
        heapAfterPruneBytes: afterPrune,
        freedPerRecordByPrune: Math.round((after - afterPrune) / kept),
        ...(snapshotFile === undefined ? {} : { snapshot: snapshotFile }),
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await workers.stop();
  await system.close();
  removeDir(dataDir);
}
