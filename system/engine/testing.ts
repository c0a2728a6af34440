/**
 * Test helpers for the engine and anyone driving it on virtual time:
 * - fakeClock(): our Clock seam over an @sinonjs/fake-timers clock made with
 *   withGlobal (nothing global is patched); advance it with tickAsync(ms);
 * - testTaskKinds(): small echo/fail/sleep kinds (params schemas only);
 * - RecordingDispatcher and RecordingSink: what the engine asked/emitted;
 * - startEngine(): an Engine on a MemoryStore, fake clock and seeded random.
 * Test-only: production code never imports this module.
 */
import FakeTimers from '@sinonjs/fake-timers';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { EventSink, SystemEvent } from '../core/events.js';
import type { ExecutionId, LeaseToken, WorkerId } from '../core/ids.js';
import { silentLogger } from '../core/logger.js';
import { seededRandom } from '../core/random.js';
import { MemoryStore } from '../store/memory-store.js';
import type { Store } from '../store/store.js';
import type { TaskKind } from '../tasks/kind.js';
import { chainTimeout } from '../core/long-timer.js';
import type { EngineConfig } from './config.js';
import type { AssignmentSpec, Dispatcher, ResultReport } from './contract.js';
import { Engine } from './engine.js';

export interface FakeClock {
  /** The Clock seam bound to virtual time. */
  readonly clock: Clock;
  /** The underlying fake-timers clock. */
  readonly fake: FakeTimers.Clock;
  /** Advances virtual time, running due timers and settling promises in between. */
  tickAsync(ms: number): Promise<void>;
  /** Lets pending promises (store commits) settle without advancing time. */
  settle(): Promise<void>;
}

/** A virtual Clock starting at `startMs` (epoch ms). */
export function fakeClock(startMs = 1_700_000_000_000): FakeClock {
  const fake = FakeTimers.withGlobal(globalThis).createClock(startMs, 1_000_000);
  const clock: Clock = {
    now: () => fake.now,
    monotonic: () => fake.now - startMs,
    setTimeout(fn, ms) {
      return chainTimeout((f, d) => {
        const id = fake.setTimeout(f, d);
        return { cancel: () => fake.clearTimeout(id) };
      }, fn, ms);
    },
    setInterval(fn, ms) {
      const id = fake.setInterval(fn, Math.max(1, ms));
      return { cancel: () => fake.clearInterval(id) };
    },
  };
  return {
    clock,
    fake,
    tickAsync: async (ms) => {
      await fake.tickAsync(ms);
    },
    settle: async () => {
      await fake.tickAsync(0);
    },
  };
}

/** Small task kinds for tests: echo {value?}, fail {times?}, sleep {durationMs}. run() is never called by the engine. */
export function testTaskKinds(): ReadonlyMap<string, TaskKind<unknown>> {
  const notRun = (): Promise<unknown> => Promise.reject(new Error('test kinds are not run by the engine'));
  const kinds: TaskKind<unknown>[] = [
    { name: 'echo', params: z.object({ value: z.unknown().optional() }) as z.ZodType<unknown>, run: notRun },
    { name: 'fail', params: z.object({ times: z.number().int().min(0).optional() }) as z.ZodType<unknown>, run: notRun },
    { name: 'sleep', params: z.object({ durationMs: z.number().int().min(0) }) as z.ZodType<unknown>, run: notRun },
  ];
  return new Map(kinds.map((k) => [k.name, k]));
}

/** A Dispatcher that records aborts and counts wakes. */
class RecordingDispatcher implements Dispatcher {
  readonly aborts: { workerId: WorkerId; executionId: ExecutionId; leaseToken: LeaseToken; reason: string }[] = [];
  wakes = 0;
  abort(workerId: WorkerId, executionId: ExecutionId, leaseToken: LeaseToken, reason: 'cancel' | 'timeout' | 'pause' | 'revoked'): void {
    this.aborts.push({ workerId, executionId, leaseToken, reason });
  }
  wake(): void {
    this.wakes++;
  }
}

/** An EventSink that keeps every event. */
class RecordingSink implements EventSink {
  readonly events: SystemEvent[] = [];
  emit(event: SystemEvent): void {
    this.events.push(event);
  }
  ofType<T extends SystemEvent['type']>(type: T): Extract<SystemEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<SystemEvent, { type: T }> => e.type === type);
  }
}

export interface TestEngine {
  engine: Engine;
  store: Store;
  time: FakeClock;
  dispatcher: RecordingDispatcher;
  sink: RecordingSink;
}

/**
 * An Engine (or a subclass: pass `make`) on a fresh MemoryStore (or `store`),
 * a virtual clock, seeded randomness and test task kinds; recover() done.
 */
export async function startEngine(
  options: {
    config?: Partial<EngineConfig>;
    store?: Store;
    time?: FakeClock;
    seed?: number;
    make?: (deps: ConstructorParameters<typeof Engine>[0], config: EngineConfig) => Engine;
  } = {},
): Promise<TestEngine> {
  const time = options.time ?? fakeClock();
  const store = options.store ?? new MemoryStore();
  const dispatcher = new RecordingDispatcher();
  const sink = new RecordingSink();
  const deps = { store, clock: time.clock, random: seededRandom(options.seed ?? 1), logger: silentLogger, events: sink };
  const config: EngineConfig = { taskKinds: testTaskKinds(), ...options.config };
  const engine = options.make ? options.make(deps, config) : new Engine(deps, config);
  engine.setDispatcher(dispatcher);
  await engine.recover();
  return { engine, store, time, dispatcher, sink };
}

const TEST_KINDS: ReadonlySet<string> = new Set(['echo', 'fail', 'sleep']);

/** Claims the next ready task for a worker (test kinds echo/fail/sleep); throws when there is none. */
export function claimFor(engine: Engine, worker: WorkerId): AssignmentSpec {
  const c = engine.claimNext(worker, TEST_KINDS);
  if (c === undefined) throw new Error('nothing to claim');
  return c.assignment;
}

/** A worker's result for an assignment, 1 ms long, with any field overridden. */
export function reportFor(a: AssignmentSpec, outcome: ResultReport['outcome'], extra: Partial<ResultReport> = {}): ResultReport {
  return { executionId: a.executionId, attempt: a.attempt, leaseToken: a.leaseToken, outcome, durationMs: 1, ...extra };
}
