/**
 * The store contract probe (promise 37, blind set 15 #09-#11): before the
 * fleet starts, the harness puts a fresh store of the kind the run uses
 * (MemoryStore; on SQLite the production SqliteStore twice, committing in
 * this thread and with its worker thread simulated on the probe's clock)
 * through the parts of the Store contract (system/store/store.ts) that the
 * engine's own traffic rarely reaches, and notes what it saw (`store-contract`
 * notes, judged by harness/check/promises-store-contract.ts):
 *
 * 1. atomic batches: an update of three records whose last one the store
 *    does not hold, and a submit of three whose last one it already holds,
 *    are refused and leave the first two as they were;
 * 2. a failed commit leaves no trace (SQLite): a group whose transaction
 *    fails (the disk's I/O error, injected in the backend, below the store)
 *    is refused and leaves the row as it was; the same change written again
 *    from what the store holds, as the engine writes it after its reload,
 *    then the completion, commit on the healthy disk;
 * 3. a graceful stop flushes: writes issued just before close(), some queued
 *    behind a group in flight, all settle by the time close() resolves;
 * 4. what was acknowledged is what the next life loads: reopened, the store
 *    holds each execution as the last write acknowledged for it, status
 *    history included;
 * 5. (SQLite, once) the store's options have their documented effect on its
 *    connection, read back by PRAGMA (store-options.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, type ExecutionRecord, type Random, SquallError } from '../../system/core/index.js';
import { type GroupResult, MemoryStore, type OpDescriptor, type SqliteBackend, type SqliteExecutor, SqliteStore, type Store } from '../../system/store/index.js';
import type { HistoryRecorder } from '../check/history.js';
import { simThreadBackend } from '../sim/sim-sqlite-thread.js';
import { type StoreOptionReadBack, storeOptionReadBacks } from './store-options.js';
import { digest, moved, ProbeClock, probeRandom, submitted, track, type Tracked } from './store-contract-kit.js';

/** A store under probe: its current life, the next one over the same disk, and (SQLite) a commit that fails on demand. */
interface Subject {
  name: 'memory' | 'sqlite' | 'sqlite-thread';
  store: Store;
  reopen(): Store;
  failNextCommit?: () => void;
  dispose(): void;
}

/** What one probe of one store saw (a `store-contract` note). */
export interface StoreContractNote {
  probe: 'store-contract';
  store: Subject['name'];
  /** Refused batches (their last record missing or already there): refused, and which of the earlier records changed anyway. */
  batches: { op: 'update' | 'submit'; refused: boolean; changed: string[] }[];
  /** A commit whose transaction failed: refused, what the row held after it (null: as before), and the error of the writes after it on the healthy disk. */
  failedCommit: { refused: boolean; changed: string | null; laterError: string | null } | null;
  /** Writes issued just before close(): how many, how many never settled, whether close() resolved. */
  close: { issued: number; unsettled: number; closed: boolean };
  /** Executions the reopened store holds otherwise than the last write acknowledged for them. */
  reloaded: { id: string; acknowledged: string; stored: string }[];
  /** The probe could not run its steps (a setup write failed): the message. */
  error: string | null;
  /** Step 5 (the in-thread SQLite subject): each documented option value and what the connection reads back. */
  options?: StoreOptionReadBack[];
}

const WAIT_MS = 1000;

/** The failure a broken disk gives a group commit (what sqlite-exec.ts makes of an I/O error). */
function injectedFailure(): GroupResult {
  return { ok: false, err: new SquallError(ErrorCode.Unavailable, 'store commit failed: SqliteError: disk I/O error (SQLITE_IOERR injected by the store contract probe)') };
}

/** A SQLite subject: a temp file, committed in this thread or by the simulated thread, the next group failing on demand. */
function sqliteSubject(threaded: boolean, clock: ProbeClock, random: Random): Subject {
  const dir = mkdtempSync(join(tmpdir(), 'squall-store-contract-'));
  const file = join(dir, 'squall.db');
  let failNext = false;
  const backend = (executor: SqliteExecutor): SqliteBackend => {
    const inner: SqliteBackend = threaded
      ? simThreadBackend(executor, { clock, random, maxCommitMs: 5 })
      : { run: (ops) => executor.runGroup(ops), loadAll: () => executor.loadAll(), close: () => executor.close(), abandon: () => executor.close() };
    const run = (ops: OpDescriptor[]): GroupResult | Promise<GroupResult> => {
      if (!failNext) return inner.run(ops);
      failNext = false;
      // Nothing of the group reaches the database: the transaction rolled back.
      return threaded ? new Promise((resolve) => clock.setTimeout(() => resolve(injectedFailure()), 1)) : injectedFailure();
    };
    // Methods bound, not spread: the threaded backend is a class instance (the production client).
    return { run, loadAll: () => inner.loadAll(), close: () => inner.close(), abandon: () => inner.abandon() };
  };
  const store = SqliteStore.open(file, {}, { clock, backend });
  return {
    name: threaded ? 'sqlite-thread' : 'sqlite',
    store,
    reopen: () => SqliteStore.open(file, { maxBatch: 1 }),
    failNextCommit: () => void (failNext = true),
    dispose: () => {
      store.abandon(); // a no-op once closed; a probe cut short drops its handle
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function memorySubject(clock: ProbeClock): Subject {
  const store = new MemoryStore({ clock, commitDelayMs: 2 });
  return { name: 'memory', store, reopen: () => store.reopen({ clock, commitDelayMs: 2 }), dispose: () => {} };
}

/** Runs `op` and the clock until it settles; throws (a probe that cannot set up) if it failed. */
async function setup(clock: ProbeClock, what: string, op: Promise<unknown>): Promise<void> {
  const t = track(op);
  await clock.run(WAIT_MS, () => t.settled);
  if (!t.settled || t.error !== null) throw new Error(`${what} ${t.settled ? `failed: ${t.error}` : 'never settled'}`);
}

async function loaded(store: Store): Promise<Map<string, ExecutionRecord>> {
  return new Map((await store.loadAll()).map((r) => [r.executionId as string, r]));
}

/** Step 1: two batches refused part-way must change nothing. */
async function atomicBatches(s: Subject, clock: ProbeClock, acked: Map<string, ExecutionRecord>): Promise<StoreContractNote['batches']> {
  const [a, b, c] = [1, 2, 3].map(submitted) as [ExecutionRecord, ExecutionRecord, ExecutionRecord];
  await setup(clock, 'submitting three executions', s.store.submit([a, b, c]));
  for (const r of [a, b, c]) acked.set(r.executionId, r);
  const [d, e] = [4, 5].map(submitted) as [ExecutionRecord, ExecutionRecord];
  const tries: [StoreContractNote['batches'][number]['op'], Tracked, ExecutionRecord[]][] = [
    ['update', track(s.store.update([moved(a, 'pending'), moved(b, 'pending'), moved(submitted(99), 'pending')])), [a, b]],
    ['submit', track(s.store.submit([d, e, c])), [d, e]],
  ];
  await clock.run(WAIT_MS, () => tries.every(([, t]) => t.settled));
  const stored = await loaded(s.store);
  return tries.map(([op, t, earlier]) => ({
    op,
    refused: t.error !== null,
    changed: earlier.filter((r) => digest(stored.get(r.executionId)) !== digest(acked.get(r.executionId))).map((r) => `${r.executionId}: ${digest(stored.get(r.executionId))}`),
  }));
}

/** Step 2 (SQLite): a failed commit, then the same change from what the store holds, then the end. */
async function failedCommit(s: Subject, clock: ProbeClock, acked: Map<string, ExecutionRecord>): Promise<StoreContractNote['failedCommit']> {
  if (s.failNextCommit === undefined) return null;
  const a = acked.get('ex_contract_1') as ExecutionRecord;
  const claimed = moved(a, 'preparing');
  await setup(clock, 'claiming an execution', s.store.claim(claimed));
  acked.set(a.executionId, claimed);
  s.failNextCommit();
  const failed = track(s.store.update([moved(claimed, 'running')]));
  await clock.run(WAIT_MS, () => failed.settled);
  const after = (await loaded(s.store)).get(a.executionId);
  // As the engine after its reload: the move again from the record the store holds.
  const again = moved(after ?? claimed, 'running');
  const retried = track(s.store.update([again]));
  await clock.run(WAIT_MS, () => retried.settled);
  const done = moved(again, 'completed');
  const ended = track(s.store.complete(done));
  await clock.run(WAIT_MS, () => ended.settled);
  if (retried.error === null && retried.settled) acked.set(a.executionId, again);
  if (ended.error === null && ended.settled) acked.set(a.executionId, done);
  const changed = digest(after) === digest(claimed) ? null : digest(after);
  return { refused: failed.error !== null, changed, laterError: retried.error ?? ended.error ?? (retried.settled && ended.settled ? null : 'never settled') };
}

/** Step 3: writes issued just before close() (the first one's group already sent) all settle. */
async function closeFlushes(s: Subject, clock: ProbeClock, acked: Map<string, ExecutionRecord>): Promise<StoreContractNote['close']> {
  const b = acked.get('ex_contract_2') as ExecutionRecord;
  const c = acked.get('ex_contract_3') as ExecutionRecord;
  const claimB = moved(b, 'preparing');
  const writes: [ExecutionRecord, Tracked][] = [[claimB, track(s.store.claim(claimB))]];
  // The first write's flush goes out (on the thread: a group in flight); the rest queue behind it.
  await clock.run(0);
  const claimC = moved(c, 'preparing');
  const runB = moved(claimB, 'running');
  writes.push([claimC, track(s.store.claim(claimC))], [runB, track(s.store.update([runB]))]);
  const closing = track(s.store.close());
  await clock.run(WAIT_MS, () => closing.settled && writes.every(([, t]) => t.settled));
  for (const [r, t] of writes) if (t.settled && t.error === null) acked.set(r.executionId, r);
  return { issued: writes.length, unsettled: writes.filter(([, t]) => !t.settled).length, closed: closing.settled && closing.error === null };
}

/** Step 4: the next life holds what was acknowledged. */
async function reloaded(s: Subject, acked: Map<string, ExecutionRecord>): Promise<StoreContractNote['reloaded']> {
  const next = s.reopen();
  try {
    const stored = await loaded(next);
    return [...acked.values()].filter((r) => digest(stored.get(r.executionId)) !== digest(r)).map((r) => ({ id: r.executionId, acknowledged: digest(r), stored: digest(stored.get(r.executionId)) }));
  } finally {
    await next.close();
  }
}

async function probeOne(s: Subject, clock: ProbeClock): Promise<StoreContractNote> {
  const note: StoreContractNote = { probe: 'store-contract', store: s.name, batches: [], failedCommit: null, close: { issued: 0, unsettled: 0, closed: false }, reloaded: [], error: null };
  const acked = new Map<string, ExecutionRecord>();
  try {
    note.batches = await atomicBatches(s, clock, acked);
    note.failedCommit = await failedCommit(s, clock, acked);
    note.close = await closeFlushes(s, clock, acked);
    note.reloaded = await reloaded(s, acked);
    if (s.name === 'sqlite') note.options = await storeOptionReadBacks();
  } catch (err) {
    note.error = err instanceof Error ? err.message : String(err);
  } finally {
    s.dispose();
  }
  return note;
}

/** Probes the run's kind of store (see the file comment) and notes each probe for promise 37. */
export async function probeStoreContract(recorder: HistoryRecorder, store: 'memory' | 'sqlite', seed: number): Promise<void> {
  const random = probeRandom(seed);
  const makers = store === 'memory' ? [(c: ProbeClock) => memorySubject(c)] : [(c: ProbeClock) => sqliteSubject(false, c, random), (c: ProbeClock) => sqliteSubject(true, c, random)];
  for (const make of makers) {
    const clock = new ProbeClock();
    const note = await probeOne(make(clock), clock);
    recorder.recordInfo({ ...note }, 'store-contract');
  }
}
