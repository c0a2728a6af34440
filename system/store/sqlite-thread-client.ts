/**
 * The main thread's end of the SQLite store's worker thread
 * (sqlite-thread.ts): starts it, waits for it to open the database, sends
 * it requests and matches their answers (answered in order).
 *
 * open() is synchronous like the in-process store's: it starts the Worker,
 * blocks on a SharedArrayBuffer with Atomics.wait until the thread has
 * opened, locked and migrated the database, reads its answer with
 * receiveMessageOnPort and throws what the thread threw (lock held, newer
 * schema, ...). The entry is sqlite-thread.js next to this file in the
 * compiled build; from the sources (.ts: tsx, vitest) the thread registers
 * tsx's loader itself first (threadBootstrap).
 *
 * The Worker is referenced (keeps the process alive) only while a request
 * is outstanding, like any pending I/O; an idle open store does not hold
 * the process, as with the in-process store.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { ErrorCode, SquallError } from '../core/errors.js';
import type { GroupResult, OpDescriptor, SqliteBackend, StoredRow } from './sqlite-exec.js';
import type { SqliteStoreOptions } from './sqlite-schema.js';
import { decodeError, decodeGroup, type OpenAnswer, type ThreadAnswer, type ThreadInit, type ThreadRequest } from './sqlite-wire.js';

/** How long open() waits for the thread to start and open the database (tsx compiling it on a loaded machine included). */
const OPEN_TIMEOUT_MS = 60_000;

/** Reports a failure to load the thread's module on the open port, so open() throws it at once instead of timing out. */
const REPORT_LOAD_FAILURE = `(err) => {
  const { workerData: d } = require('node:worker_threads');
  d.port.postMessage({ ok: false, err: { name: String(err?.name), code: err?.code, message: String(err?.message ?? err), path: undefined, squall: false } });
  Atomics.store(d.signal, 0, 1);
  Atomics.notify(d.signal, 0);
}`;

/**
 * The thread's bootstrap (an eval'd CommonJS script): imports sqlite-thread.js in the compiled build; from
 * the sources (.ts under tsx or vitest) registers tsx's ESM loader in the thread first (Node 20 applies
 * neither an in-process registration nor `--import tsx` in execArgv to a Worker's own modules).
 */
function threadBootstrap(): string {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSources ? './sqlite-thread.ts' : './sqlite-thread.js', import.meta.url).href;
  const load = `import(${JSON.stringify(entry)}).catch(${REPORT_LOAD_FAILURE});`;
  if (!fromSources) return load;
  return `import(${JSON.stringify(tsxEsmApi())}).then((tsx) => tsx.register()).then(() => ${load.slice(0, -1)}, ${REPORT_LOAD_FAILURE});`;
}

/** The file URL of tsx's ESM API (`tsx/esm/api`, import condition) as its package.json exports it. */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const exported = (require(manifest) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api'];
  return pathToFileURL(join(dirname(manifest), exported?.import.default ?? 'dist/esm/api/index.mjs')).href;
}

/**
 * The store's thread as this client uses it: node's Worker satisfies it, and
 * so does the simulation's thread on virtual time (harness/sim/sim-sqlite-thread.ts),
 * whose death a fault can choose: the client's handling of a dying thread is
 * then on every simulated run's path.
 */
export interface StoreThread {
  postMessage(req: ThreadRequest): void;
  on(event: 'message', fn: (a: ThreadAnswer) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  on(event: 'exit', fn: (code: number) => void): unknown;
  removeAllListeners(event: 'message'): unknown;
  ref(): void;
  unref(): void;
  terminate(): Promise<unknown>;
}

interface Pending {
  resolve(a: ThreadAnswer): void;
  reject(err: unknown): void;
}

/** A SqliteBackend whose connection lives in a worker thread. */
export class SqliteThread implements SqliteBackend {
  private readonly pending: Pending[] = [];
  /** Why the thread is gone (requests fail with it), once it is. */
  private gone: Error | undefined;

  /** Starts the thread and blocks until it opened the database; throws what opening threw. */
  static open(path: string, options: SqliteStoreOptions): SqliteThread {
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const init: ThreadInit = { path, options, signal, port: port2 };
    const worker = new Worker(threadBootstrap(), { eval: true, workerData: init, transferList: [port2] });
    Atomics.wait(signal, 0, 0, OPEN_TIMEOUT_MS);
    const answer = receiveMessageOnPort(port1)?.message as OpenAnswer | undefined;
    port1.close();
    if (answer?.ok !== true) {
      void worker.terminate();
      if (answer !== undefined) throw decodeError(answer.err);
      throw new SquallError(ErrorCode.Unavailable, `cannot open store ${path}: its SQLite thread did not answer within ${OPEN_TIMEOUT_MS} ms`);
    }
    return new SqliteThread(worker);
  }

  /** The client of a thread started elsewhere that has opened the database (the simulation's thread). */
  static over(thread: StoreThread): SqliteThread {
    return new SqliteThread(thread);
  }

  private constructor(private readonly worker: StoreThread) {
    worker.on('message', (a: ThreadAnswer) => this.onAnswer(a));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the store's SQLite thread exited (code ${code})`)));
    worker.unref();
  }

  async run(ops: OpDescriptor[]): Promise<GroupResult> {
    try {
      const a = await this.request({ type: 'group', ops });
      if (a.type === 'group') return decodeGroup(a);
      throw new Error(`unexpected answer ${a.type} to a group`);
    } catch (err) {
      return { ok: false, err: new SquallError(ErrorCode.Unavailable, `store commit failed: ${String(err)}`, { cause: err }) };
    }
  }

  async loadAll(): Promise<StoredRow[]> {
    const a = await this.request({ type: 'load' });
    if (a.type === 'load') return a.rows;
    throw new Error(`unexpected answer ${a.type} to loadAll`);
  }

  async close(): Promise<void> {
    await this.request({ type: 'close' });
    await this.worker.terminate();
  }

  /** Stops the thread where it is: what it committed stays, nothing outstanding is answered (kill -9). */
  abandon(): void {
    this.gone ??= new Error('the store was abandoned');
    this.pending.length = 0;
    this.worker.removeAllListeners('message');
    void this.worker.terminate();
  }

  private request(req: ThreadRequest): Promise<ThreadAnswer> {
    if (this.gone !== undefined) return Promise.reject(this.gone);
    return new Promise<ThreadAnswer>((resolve, reject) => {
      if (this.pending.length === 0) this.worker.ref();
      this.pending.push({ resolve, reject });
      this.worker.postMessage(req);
    });
  }

  private onAnswer(a: ThreadAnswer): void {
    const p = this.pending.shift();
    if (this.pending.length === 0) this.worker.unref();
    if (a.type === 'failed') p?.reject(decodeError(a.err));
    else p?.resolve(a);
  }

  /** The thread died (or was stopped): every outstanding request fails. */
  private fail(err: Error): void {
    this.gone ??= err;
    for (const p of this.pending.splice(0)) p.reject(this.gone);
    this.worker.unref();
  }
}
