/**
 * Memory for N submissions with and without retention (issue 9 #6): drives
 * the real Engine over a SQLite store in a temp dir (so the measured heap is
 * the engine's, not a memory store's copy), submitting, claiming and
 * completing `--tasks` echo executions in batches, and reports heapUsed after
 * a forced GC. Run:
 *   node --expose-gc --import tsx benchmarks/retention-memory.ts [--tasks 100000] [--retain-count 1000]
 * Prints progress on stderr and one JSON object on stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../system/core/clock.js';
import { nullSink } from '../system/core/events.js';
import { asWorkerId } from '../system/core/ids.js';
import { silentLogger } from '../system/core/logger.js';
import { seededRandom } from '../system/core/random.js';
import { Engine } from '../system/engine/engine.js';
import { testTaskKinds } from '../system/engine/testing.js';
import { SqliteStore } from '../system/store/sqlite-store.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
};
const TASKS = arg('--tasks', 100_000);
const RETAIN = arg('--retain-count', 1000);
const BATCH = 1000;
const gc = (globalThis as { gc?: () => void }).gc;

/** The engine with its retention sweep callable once per batch (the same code its timer runs). */
class SweepingEngine extends Engine {
  sweep(): void {
    this.applyRetention();
  }
}

function heapMb(): number {
  gc?.();
  gc?.();
  return Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
}

async function measure(retain: number | undefined): Promise<{ retained: number; heapMb: number; perExecutionBytes: number; wallMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'squall-retention-'));
  const store = SqliteStore.open(join(dir, 'squall.db'));
  const engine = new SweepingEngine(
    { store, clock: systemClock, random: seededRandom(1), logger: silentLogger, events: nullSink },
    { taskKinds: testTaskKinds(), ...(retain === undefined ? {} : { retention: { maxCount: retain, sweepMs: 1_000_000 } }) },
  );
  await engine.recover();
  const base = heapMb();
  const started = performance.now();
  const w = asWorkerId('w1');
  const kinds = new Set(['echo']);
  for (let done = 0; done < TASKS; done += BATCH) {
    await engine.scheduleTaskBatch(Array.from({ length: BATCH }, (_, i) => ({ kind: 'echo', params: { value: done + i }, metadata: { n: done + i } })));
    const results: Promise<unknown>[] = [];
    for (let c = engine.claimNext(w, kinds); c !== undefined; c = engine.claimNext(w, kinds)) {
      const a = c.assignment;
      results.push(c.committed.then(() => engine.onResult({ executionId: a.executionId, attempt: a.attempt, leaseToken: a.leaseToken, outcome: 'completed', durationMs: 1, result: a.params })));
    }
    await Promise.all(results);
    // The retention sweep, run once per batch instead of on its timer (same code path).
    if (retain !== undefined) engine.sweep();
    await new Promise((r) => setImmediate(r));
    if ((done / BATCH) % 10 === 0) process.stderr.write(`  ${retain === undefined ? 'no retention' : `retain ${retain}`}: ${done + BATCH}/${TASKS}\r`);
  }
  await new Promise((r) => setTimeout(r, 50));
  const heap = heapMb();
  const retained = engine.snapshotCounts().total;
  engine.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write('\n');
  return { retained, heapMb: Math.round((heap - base) * 10) / 10, perExecutionBytes: Math.round(((heap - base) * 2 ** 20) / TASKS), wallMs: Math.round(performance.now() - started) };
}

if (gc === undefined) process.stderr.write('warning: run with node --expose-gc for stable heap figures\n');
const withRetention = await measure(RETAIN);
const without = await measure(undefined);
process.stdout.write(`${JSON.stringify({ tasks: TASKS, retainCount: RETAIN, withRetention, without }, null, 2)}\n`);
