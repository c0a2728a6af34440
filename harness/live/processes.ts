/**
 * Real processes for the live harness: a coordinator child (`bin/squall.js
 * coordinator`, on a port found free, waited for on /healthz) that can be
 * killed with SIGKILL and restarted on the same port and data dir, paused with
 * SIGSTOP/SIGCONT; and swarm hosts (swarm-host.ts), children running N real
 * workers each, whose events stream back as JSON lines.
 *
 * The coordinator is started with probe.mjs preloaded, which measures its
 * event-loop lag and CPU from inside the process into a JSON-lines file.
 * Its SystemEvents come from `--events-file`, tailed here.
 *
 * Timestamps: `monoNow()` (performance.timeOrigin + performance.now()), the
 * same stamp the children put on their events, so durations across processes
 * on one machine are comparable at sub-millisecond precision.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SystemEvent } from '../../system/core/index.js';
import type { HostCommand, HostedWorkerConfig, HostOutput } from './swarm-host.js';

/** The repository root (bin/, harness/, ...). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SQUALL_BIN = resolve(REPO_ROOT, 'bin/squall.js');
const PROBE = resolve(REPO_ROOT, 'harness/live/probe.mjs');
const SWARM_HOST = resolve(REPO_ROOT, 'harness/live/swarm-host.ts');

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Every child the live harness spawns is killed when the harness process
 * exits, however it exits, so no coordinator or fleet is left orphaned.
 */
function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of children) {
        try {
          if (c.pid !== undefined) process.kill(c.pid, 'SIGCONT');
          c.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
  return child;
}

/** For CLI commands: SIGINT/SIGTERM exit (running the exit hook that kills the children). */
export function exitOnSignals(): void {
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
}

/** Monotonic ms comparable across processes on this machine. */
export function monoNow(): number {
  return performance.timeOrigin + performance.now();
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A TCP port free on the host right now (bind to 0, read, close). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const a = s.address();
      const port = a !== null && typeof a === 'object' ? a.port : 0;
      s.close(() => resolvePort(port));
    });
  });
}

/** Polls `GET url` until 200 or the deadline; throws naming the URL and what the process said. */
export async function waitHealthy(url: string, timeoutMs: number, describe: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await delay(25);
  }
  throw new Error(`no healthy answer from ${url} within ${timeoutMs} ms (last: ${last})${describe()}`);
}

/**
 * Follows a JSON-lines file someone else appends to (events file, probe file),
 * polling every `everyMs`; partial lines wait for their newline.
 */
export class JsonLinesTail<T> {
  private offset = 0;
  private rest = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly path: string,
    private readonly onLine: (value: T) => void,
    private readonly everyMs = 50,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.poll(), this.everyMs);
  }

  /** Reads whatever is new now (also called once more by stop). */
  poll(): void {
    let size: number;
    try {
      size = statSync(this.path).size;
    } catch {
      return;
    }
    if (size <= this.offset) return;
    const fd = openSync(this.path, 'r');
    try {
      const buf = Buffer.alloc(size - this.offset);
      const n = readSync(fd, buf, 0, buf.length, this.offset);
      this.offset += n;
      const text = this.rest + buf.subarray(0, n).toString('utf8');
      const lines = text.split('\n');
      this.rest = lines.pop() ?? '';
      for (const l of lines) {
        if (l.trim() === '') continue;
        try {
          this.onLine(JSON.parse(l) as T);
        } catch {
          // a torn line from a killed writer: skip it
        }
      }
    } finally {
      closeSync(fd);
    }
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.poll();
  }
}

/** CPU time (user + system) of a process in ms, from /proc/<pid>/stat; undefined when unavailable. */
export async function procCpuMs(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after "pid (comm) ": state is field 3 → index 0; utime is field 14 → index 11, stime 15 → 12.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined; // CLK_TCK = 100 on Linux
  } catch {
    return undefined;
  }
}

/** Keeps the last few KB a child wrote, for error messages. */
function tailBuffer(limit = 4096): { push(chunk: Buffer): void; text(): string } {
  let s = '';
  return {
    push(chunk) {
      s = (s + chunk.toString('utf8')).slice(-limit);
    },
    text: () => s,
  };
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((res) => {
    const t = setTimeout(() => res(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(t);
      res(true);
    });
  });
}

export interface CoordinatorProcessOptions {
  host?: string;
  /** Fixed port; default: one found free at first start and kept across restarts. */
  port?: number;
  /** SQLite data dir (kept across restarts); omitted: the memory store (lost on kill). */
  dataDir?: string;
  secret?: string;
  signMessages?: boolean;
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  leaseMs?: number;
  maxConcurrent?: number;
  /** The engine's per-kind circuit breaker (false: off); omitted: the coordinator's defaults. */
  breaker?: false | { failureThreshold: number; resetTimeoutMs: number };
  /** Where --events-file writes; the caller tails it. */
  eventsFile?: string;
  /** Where probe.mjs writes lag/CPU lines; omitted: no probe. */
  probeFile?: string;
  logLevel?: string;
  startTimeoutMs?: number;
  /** Admin token file (--bootstrap-token-file); default: one in a temp dir, kept across restarts. */
  tokenFile?: string;
  /** Control file of injected storage faults (SQUALL_STORE_FAULTS; see system/store/fault-control.ts). */
  storeFaultsFile?: string;
}

/** A coordinator child process that survives kill -9 + restart on the same port and data dir. */
export class CoordinatorProcess {
  private child: ChildProcess | undefined;
  private output = tailBuffer();
  private port: number | undefined;
  readonly host: string;
  /** Starts, counting restarts. */
  starts = 0;

  /** The bootstrap admin token's file: the coordinator writes it at first start, reads it after a restart. */
  readonly tokenFile: string;

  /** The storage-fault control file, when the coordinator was started with one. */
  get storeFaultsFile(): string | undefined {
    return this.opts.storeFaultsFile;
  }

  constructor(private readonly opts: CoordinatorProcessOptions) {
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port;
    this.tokenFile = opts.tokenFile ?? join(mkdtempSync(join(tmpdir(), 'squall-live-token-')), 'admin.token');
  }

  /** The admin token every harness HTTP call sends (the API runs with token auth, as in production). */
  get token(): string {
    return readFileSync(this.tokenFile, 'utf8').trim();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }
  get httpUrl(): string {
    return `http://${this.host}:${this.requirePort()}`;
  }
  get wsUrl(): string {
    return `ws://${this.host}:${this.requirePort()}`;
  }
  /** host:port for a proxy's upstream. */
  get address(): string {
    return `${this.host}:${this.requirePort()}`;
  }

  private requirePort(): number {
    if (this.port === undefined) throw new Error('the coordinator has no port yet; call start() first');
    return this.port;
  }

  /** Spawns and waits for /healthz. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`coordinator already running (pid ${this.pid}); kill it first`);
    this.port ??= await freePort(this.host);
    const o = this.opts;
    const args = [
      ...(o.probeFile === undefined ? [] : ['--import', PROBE]),
      SQUALL_BIN,
      'coordinator',
      '--host', this.host,
      '--port', String(this.port),
      ...(o.dataDir === undefined ? ['--store', 'memory'] : ['--data-dir', o.dataDir]),
      // The secret goes by environment (a --secret flag is visible in ps); signing exactly as asked.
      ...(o.secret === undefined ? [] : [o.signMessages === true ? '--sign-messages' : '--no-sign-messages']),
      '--bootstrap-token-file', this.tokenFile,
      ...(o.heartbeatMs === undefined ? [] : ['--heartbeat-ms', String(o.heartbeatMs)]),
      ...(o.heartbeatTimeoutMs === undefined ? [] : ['--heartbeat-timeout-ms', String(o.heartbeatTimeoutMs)]),
      ...(o.leaseMs === undefined ? [] : ['--lease-ms', String(o.leaseMs)]),
      ...(o.maxConcurrent === undefined ? [] : ['--max-concurrent', String(o.maxConcurrent)]),
      ...(o.breaker === undefined
        ? []
        : o.breaker === false
          ? ['--no-breaker']
          : ['--breaker-threshold', String(o.breaker.failureThreshold), '--breaker-reset-ms', String(o.breaker.resetTimeoutMs)]),
      ...(o.eventsFile === undefined ? [] : ['--events-file', o.eventsFile]),
      '--log-level', o.logLevel ?? 'warn',
    ];
    const env = {
      ...process.env,
      SQUALL_SECRET: o.secret ?? '',
      SQUALL_SECRET_FILE: '',
      ...(o.probeFile === undefined ? {} : { SQUALL_PROBE_FILE: o.probeFile }),
      ...(o.storeFaultsFile === undefined ? {} : { SQUALL_STORE_FAULTS: o.storeFaultsFile }),
    };
    const child = track(spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
    this.child = child;
    this.starts += 1;
    child.stdout?.on('data', (c: Buffer) => this.output.push(c));
    child.stderr?.on('data', (c: Buffer) => this.output.push(c));
    await waitHealthy(`${this.httpUrl}/healthz`, o.startTimeoutMs ?? 60_000, () => {
      const exited = child.exitCode !== null ? ` (exited with ${child.exitCode})` : '';
      return `${exited}; coordinator output:\n${this.output.text()}`;
    });
  }

  /** kill -9; resolves once the process is gone. */
  async kill9(): Promise<void> {
    const c = this.child;
    if (c === undefined || !this.running) return;
    c.kill('SIGKILL');
    await waitExit(c, 5_000);
  }

  /** kill -9 then start again on the same port and data dir. */
  async restart(): Promise<void> {
    await this.kill9();
    await this.start();
  }

  pause(): void {
    if (this.running && this.pid !== undefined) process.kill(this.pid, 'SIGSTOP');
  }

  resume(): void {
    if (this.running && this.pid !== undefined) process.kill(this.pid, 'SIGCONT');
  }

  /** SIGCONT (in case it was paused), SIGTERM, then SIGKILL after graceMs. */
  async stop(graceMs = 3_000): Promise<void> {
    const c = this.child;
    if (c === undefined || !this.running) return;
    this.resume();
    c.kill('SIGTERM');
    if (!(await waitExit(c, graceMs))) {
      c.kill('SIGKILL');
      await waitExit(c, 2_000);
    }
  }

  /** CPU ms so far of the current process (from /proc). */
  cpuMs(): Promise<number | undefined> {
    return this.pid === undefined ? Promise.resolve(undefined) : procCpuMs(this.pid);
  }

  /** The last few KB of its stdout/stderr. */
  outputTail(): string {
    return this.output.text();
  }
}

/** A worker event as a host reports it. */
export interface StampedEvent {
  mono: number;
  event: SystemEvent;
}

/**
 * A swarm host child: N workers in one process, controlled over stdin/stdout.
 * Pause/resume/kill act on the whole process (all its workers).
 */
export class SwarmHostProcess {
  private child: ChildProcess | undefined;
  private nextReq = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private output = tailBuffer();
  private exitListeners: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly onEvent: (e: StampedEvent, host: string) => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the host and waits for its ready line. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.running) throw new Error(`swarm host ${this.name} already running`);
    const child = track(spawn(process.execPath, ['--import', 'tsx', SWARM_HOST], {
      cwd: REPO_ROOT,
      env: { ...process.env, SQUALL_SECRET: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    }));
    this.child = child;
    child.stderr?.on('data', (c: Buffer) => this.output.push(c));
    const ready = new Promise<void>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`swarm host ${this.name} not ready within ${timeoutMs} ms:\n${this.output.text()}`)), timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(t);
        rej(new Error(`swarm host ${this.name} exited with ${code} before ready:\n${this.output.text()}`));
      });
      const rl = createInterface({ input: child.stdout! });
      rl.on('line', (line) => {
        let out: HostOutput;
        try {
          out = JSON.parse(line) as HostOutput;
        } catch {
          return;
        }
        if (out.t === 'ready') {
          clearTimeout(t);
          res();
        } else if (out.t === 'ev') {
          this.onEvent({ mono: out.mono, event: out.e }, this.name);
        } else if (out.t === 'reply' && out.req !== undefined) {
          const w = this.waiting.get(out.req);
          this.waiting.delete(out.req);
          if (out.ok) w?.resolve(out.data);
          else w?.reject(new Error(`swarm host ${this.name}: ${out.error ?? 'failed'}`));
        }
      });
    });
    child.once('exit', () => {
      for (const w of this.waiting.values()) w.reject(new Error(`swarm host ${this.name} exited`));
      this.waiting.clear();
      for (const l of this.exitListeners.splice(0)) l();
    });
    child.stdin?.on('error', () => undefined);
    await ready;
  }

  /** Sends a command; resolves with the host's reply data. */
  command(c: HostCommand): Promise<unknown> {
    const child = this.child;
    if (child === undefined || !this.running) return Promise.reject(new Error(`swarm host ${this.name} is not running`));
    const req = this.nextReq++;
    return new Promise((res, rej) => {
      this.waiting.set(req, { resolve: res, reject: rej });
      child.stdin?.write(`${JSON.stringify({ ...c, req })}\n`);
    });
  }

  spawnWorkers(workers: HostedWorkerConfig[]): Promise<unknown> {
    return this.command({ cmd: 'spawn', workers });
  }

  pause(): void {
    if (this.running && this.pid !== undefined) process.kill(this.pid, 'SIGSTOP');
  }
  resume(): void {
    if (this.running && this.pid !== undefined) process.kill(this.pid, 'SIGCONT');
  }

  /** kill -9 of the host (every worker in it). */
  async kill9(): Promise<void> {
    const c = this.child;
    if (c === undefined || !this.running) return;
    c.kill('SIGKILL');
    await waitExit(c, 5_000);
  }

  /** Asks the host to exit (workers stop without draining); SIGKILL if it does not. */
  async stop(graceMs = 3_000): Promise<void> {
    const c = this.child;
    if (c === undefined || !this.running) return;
    this.resume();
    this.command({ cmd: 'exit' }).catch(() => undefined);
    if (!(await waitExit(c, graceMs))) {
      c.kill('SIGKILL');
      await waitExit(c, 2_000);
    }
  }

  onExit(listener: () => void): void {
    this.exitListeners.push(listener);
  }

  outputTail(): string {
    return this.output.text();
  }
}

export interface WorkerProcessOptions {
  id: string;
  coordinatorUrl: string;
  eventsFile: string;
  secret?: string;
  concurrency?: number;
  backoff?: { strategy: string; initialMs: number; maxMs: number; multiplier?: number };
  heartbeatMs?: number;
}

/**
 * One worker as its own CLI process (`bin/squall.js worker`), events tailed
 * from its --events-file. For per-process faults on single workers outside a
 * swarm host, and to exercise the real CLI.
 */
export class WorkerProcess {
  private child: ChildProcess | undefined;
  private output = tailBuffer();
  private tail: JsonLinesTail<SystemEvent & { mono: number }> | undefined;

  constructor(
    private readonly opts: WorkerProcessOptions,
    private readonly onEvent: (e: StampedEvent) => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const o = this.opts;
    const args = [
      SQUALL_BIN, 'worker', '--coordinator', o.coordinatorUrl, '--id', o.id,
      '--events-file', o.eventsFile, '--log-level', 'warn',
      ...(o.concurrency === undefined ? [] : ['--concurrency', String(o.concurrency)]),
      ...(o.heartbeatMs === undefined ? [] : ['--heartbeat-ms', String(o.heartbeatMs)]),
      ...(o.backoff === undefined
        ? []
        : ['--backoff', o.backoff.strategy, '--backoff-initial-ms', String(o.backoff.initialMs), '--backoff-max-ms', String(o.backoff.maxMs),
           ...(o.backoff.multiplier === undefined ? [] : ['--backoff-multiplier', String(o.backoff.multiplier)])]),
    ];
    const child = track(spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, SQUALL_SECRET: o.secret ?? '', SQUALL_SECRET_FILE: '' }, stdio: ['ignore', 'pipe', 'pipe'] }));
    this.child = child;
    child.stdout?.on('data', (c: Buffer) => this.output.push(c));
    child.stderr?.on('data', (c: Buffer) => this.output.push(c));
    this.tail ??= new JsonLinesTail(o.eventsFile, ({ mono, ...event }) => this.onEvent({ mono, event: event as SystemEvent }), 25);
    this.tail.start();
  }

  pause(): void {
    if (this.pid !== undefined) process.kill(this.pid, 'SIGSTOP');
  }
  resume(): void {
    if (this.pid !== undefined) process.kill(this.pid, 'SIGCONT');
  }
  async kill9(): Promise<void> {
    const c = this.child;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGKILL');
    await waitExit(c, 5_000);
  }
  async stop(graceMs = 5_000): Promise<void> {
    const c = this.child;
    if (c !== undefined && c.exitCode === null && c.signalCode === null) {
      this.resume();
      c.kill('SIGTERM');
      if (!(await waitExit(c, graceMs))) {
        c.kill('SIGKILL');
        await waitExit(c, 2_000);
      }
    }
    this.tail?.stop();
  }
  outputTail(): string {
    return this.output.text();
  }
}

/**
 * The fault proxy (Toxiproxy-compatible API) as a child process: see
 * proxy-host.ts. `url` is its API address for connectFaultProxy({url}).
 */
export class ProxyHostProcess {
  private child: ChildProcess | undefined;
  private output = tailBuffer();
  url = '';

  constructor(private readonly seed?: number) {}

  async start(timeoutMs = 20_000): Promise<string> {
    const child = track(spawn(process.execPath, ['--import', 'tsx', resolve(REPO_ROOT, 'harness/live/proxy-host.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, SQUALL_PROXY_SEED: this.seed === undefined ? '' : String(this.seed) },
      stdio: ['pipe', 'pipe', 'pipe'],
    }));
    this.child = child;
    child.stderr?.on('data', (c: Buffer) => this.output.push(c));
    child.stdin?.on('error', () => undefined);
    this.url = await new Promise<string>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`proxy host not listening within ${timeoutMs} ms:\n${this.output.text()}`)), timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(t);
        rej(new Error(`proxy host exited with ${code}:\n${this.output.text()}`));
      });
      createInterface({ input: child.stdout! }).once('line', (line) => {
        clearTimeout(t);
        try {
          res((JSON.parse(line) as { url: string }).url);
        } catch {
          rej(new Error(`proxy host said ${line}`));
        }
      });
    });
    return this.url;
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    c.stdin?.end();
    if (!(await waitExit(c, 3_000))) {
      c.kill('SIGKILL');
      await waitExit(c, 2_000);
    }
  }
}

/**
 * A fault proxy for a run: the external Toxiproxy at `url` (default
 * TOXIPROXY_URL) when set, else our proxy in a child process, with squall's
 * extensions (`corrupt`) enabled. stop() also stops that process.
 */
export async function startRunProxy(seed?: number, url = process.env['TOXIPROXY_URL']): Promise<{ url: string; external: boolean; stop(): Promise<void> }> {
  if (url !== undefined && url !== '') return { url: url.replace(/\/+$/, ''), external: true, stop: () => Promise.resolve() };
  const p = new ProxyHostProcess(seed);
  const started = await p.start();
  return { url: started, external: false, stop: () => p.stop() };
}
