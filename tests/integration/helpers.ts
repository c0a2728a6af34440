/**
 * Shared fixtures for the loopback integration suites: a real coordinator
 * (wsTransport, real clock, memory or SQLite store), real workers, an HTTP
 * client, a polling wait, and a tiny TCP relay whose connections a test can
 * reset to cut a worker's link.
 */
import { mkdtempSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../system/core/clock.js';
import { realCpu } from '../../system/core/cpu.js';
import type { SystemEvent } from '../../system/core/events.js';
import type { Transport } from '../../system/core/transport.js';
import { silentLogger } from '../../system/core/logger.js';
import { cryptoRandom } from '../../system/core/random.js';
import { createCoordinator, type Coordinator, type CoordinatorConfig } from '../../system/coordinator/index.js';
import { openStore, type Store } from '../../system/store/index.js';
import { builtinTaskKinds } from '../../system/tasks/registry.js';
import { wsTransport } from '../../system/transport/index.js';
import { Worker } from '../../system/worker/worker.js';
import type { WorkerConfig } from '../../system/worker/config.js';

export const FAST_COORDINATOR: CoordinatorConfig = { host: '127.0.0.1', port: 0, heartbeatMs: 100, heartbeatTimeoutMs: 2000, leaseMs: 3000, registerTimeoutMs: 2000 };

/** Everything a test started, torn down in reverse by cleanup(). */
export class Fixture {
  readonly coordinatorEvents: SystemEvent[] = [];
  readonly workerEvents: SystemEvent[] = [];
  private readonly closers: (() => Promise<void> | void)[] = [];

  dataDir(): string {
    return mkdtempSync(join(tmpdir(), 'squall-it-'));
  }

  openStore(dataDir?: string): Store {
    const store = dataDir === undefined ? openStore({ kind: 'memory' }) : openStore({ kind: 'sqlite', dataDir });
    this.closers.push(() => store.close().catch(() => {}));
    return store;
  }

  async coordinator(config: CoordinatorConfig = {}, store: Store = this.openStore(), transport: Transport = wsTransport()): Promise<Coordinator> {
    const c = await createCoordinator(
      {
        transport,
        clock: systemClock,
        random: cryptoRandom,
        logger: silentLogger,
        events: { emit: (e) => this.coordinatorEvents.push(e) },
        store,
        taskKinds: builtinTaskKinds(),
      },
      { ...FAST_COORDINATOR, ...config },
    );
    this.closers.push(() => c.close());
    return c;
  }

  worker(coordinatorUrl: string, id: string, config: Partial<WorkerConfig> = {}, transport: Transport = wsTransport()): Worker {
    const w = new Worker(
      {
        transport,
        clock: systemClock,
        random: cryptoRandom,
        logger: silentLogger,
        events: { emit: (e) => this.workerEvents.push(e) },
        cpu: realCpu,
        taskKinds: builtinTaskKinds(),
      },
      { id, coordinatorUrl, concurrency: 4, heartbeatMs: 100, backoff: { strategy: 'full-jitter', initialMs: 20, maxMs: 200 }, ...config },
    );
    this.closers.push(() => w.stop({ drain: false }));
    w.start();
    return w;
  }

  async relay(targetPort: number): Promise<Relay> {
    const r = await Relay.start(targetPort);
    this.closers.push(() => r.close());
    return r;
  }

  onCleanup(fn: () => Promise<void> | void): void {
    this.closers.push(fn);
  }

  async cleanup(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) {
      try {
        await close();
      } catch {
        // best effort
      }
    }
  }
}

/** A plain TCP relay; cut() resets every relayed connection (both sides see a reset). */
export class Relay {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly pairs: Set<[Socket, Socket]>,
  ) {}

  static start(targetPort: number): Promise<Relay> {
    const pairs = new Set<[Socket, Socket]>();
    const server = createServer((down) => {
      const up = createConnection({ host: '127.0.0.1', port: targetPort });
      const pair: [Socket, Socket] = [down, up];
      pairs.add(pair);
      down.pipe(up);
      up.pipe(down);
      const drop = (): void => {
        pairs.delete(pair);
        down.destroy();
        up.destroy();
      };
      down.on('error', drop).on('close', drop);
      up.on('error', drop).on('close', drop);
    });
    return new Promise((resolve) => {
      server.listen(0, '127.0.0.1', () => {
        const addr = server.address();
        resolve(new Relay(server, typeof addr === 'object' && addr !== null ? addr.port : 0, pairs));
      });
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get open(): number {
    return this.pairs.size;
  }

  /** Resets every relayed TCP connection (RST), like a broken link. */
  cut(): void {
    for (const [down, up] of [...this.pairs]) {
      down.resetAndDestroy();
      up.resetAndDestroy();
    }
    this.pairs.clear();
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface HttpResult {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string; path: string } };
}

export async function http(c: Coordinator, method: string, path: string, body?: unknown): Promise<HttpResult> {
  const res = await fetch(`${c.httpUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  return { status: res.status, body: (text.startsWith('{') ? JSON.parse(text) : { text }) as HttpResult['body'] };
}

export interface ExecutionView {
  executionId: string;
  status: string;
  attempts: number;
  result: unknown;
  statusHistory: { status: string; at: number; attempt: number; reason: string | null }[];
}

export async function execution(c: Coordinator, id: string): Promise<ExecutionView> {
  return (await http(c, 'GET', `/api/v1/executions/${id}`)).body as unknown as ExecutionView;
}

export async function waitForStatus(c: Coordinator, id: string, status: string, timeoutMs = 10_000): Promise<ExecutionView> {
  let last: ExecutionView | undefined;
  await waitFor(async () => {
    last = await execution(c, id);
    return last.status === status;
  }, `execution ${id} to be ${status} (last: ${last?.status})`, timeoutMs);
  return last as ExecutionView;
}
