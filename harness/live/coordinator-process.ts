/**
 * The coordinator as a real child process (`bin/squall.js coordinator`, on a
 * port found free, waited for on /healthz) that can be killed with SIGKILL and
 * restarted on the same port and data dir, paused with SIGSTOP/SIGCONT.
 * Started with probe.mjs preloaded when asked, which measures its event-loop
 * lag and CPU from inside the process into a JSON-lines file.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, procCpuMs, REPO_ROOT, spawnChild, stopChild, tailBuffer, waitHealthy } from '../proc/index.js';
import { ChildHandle } from './child-handle.js';

const SQUALL_BIN = resolve(REPO_ROOT, 'bin/squall.js');
const PROBE = resolve(REPO_ROOT, 'harness/live/probe.mjs');

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
  /** The engine's admission limit (--max-pending). */
  maxPending?: number;
  /** Retention of finished executions (--retain-count, --retain-age, --retain-sweep). */
  retention?: { maxCount?: number | undefined; maxAgeMs?: number | undefined; sweepMs?: number | undefined };
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
  /** More `squall coordinator` flags (benchmarks: --no-early-sync, --max-pending-handshakes N, ...). */
  extraArgs?: readonly string[];
  /** Test-only: a module node preloads (`--import`) into the coordinator, to plant a defect in the real process (tests/live). */
  preload?: string;
  /** Sees every chunk the coordinator prints, each start (the live secret scan). */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
}

const flag = (name: string, v: number | undefined): string[] => (v === undefined ? [] : [name, String(v)]);

function breakerArgs(b: CoordinatorProcessOptions['breaker']): string[] {
  if (b === undefined) return [];
  if (b === false) return ['--no-breaker'];
  return ['--breaker-threshold', String(b.failureThreshold), '--breaker-reset-ms', String(b.resetTimeoutMs)];
}

/** node's argv for `squall coordinator` with these options. */
function coordinatorArgs(o: CoordinatorProcessOptions, host: string, port: number, tokenFile: string): string[] {
  return [
    ...(o.probeFile === undefined ? [] : ['--import', PROBE]),
    ...(o.preload === undefined ? [] : ['--import', o.preload]),
    SQUALL_BIN,
    'coordinator',
    '--host', host,
    '--port', String(port),
    ...(o.dataDir === undefined ? ['--store', 'memory'] : ['--data-dir', o.dataDir]),
    // The secret goes by environment (a --secret flag is visible in ps); signing exactly as asked.
    ...(o.secret === undefined ? [] : [o.signMessages === true ? '--sign-messages' : '--no-sign-messages']),
    '--bootstrap-token-file', tokenFile,
    ...flag('--heartbeat-ms', o.heartbeatMs),
    ...flag('--heartbeat-timeout-ms', o.heartbeatTimeoutMs),
    ...flag('--lease-ms', o.leaseMs),
    ...flag('--max-concurrent', o.maxConcurrent),
    ...flag('--max-pending', o.maxPending),
    ...flag('--retain-count', o.retention?.maxCount),
    ...(o.retention?.maxAgeMs === undefined ? [] : ['--retain-age', `${o.retention.maxAgeMs}ms`]),
    ...(o.retention?.sweepMs === undefined ? [] : ['--retain-sweep', `${o.retention.sweepMs}ms`]),
    ...breakerArgs(o.breaker),
    ...(o.eventsFile === undefined ? [] : ['--events-file', o.eventsFile]),
    '--log-level', o.logLevel ?? 'warn',
    ...(o.extraArgs ?? []),
  ];
}

function coordinatorEnv(o: CoordinatorProcessOptions): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SQUALL_SECRET: o.secret ?? '',
    SQUALL_SECRET_FILE: '',
    ...(o.probeFile === undefined ? {} : { SQUALL_PROBE_FILE: o.probeFile }),
    ...(o.storeFaultsFile === undefined ? {} : { SQUALL_STORE_FAULTS: o.storeFaultsFile }),
  };
}

/** A coordinator child process that survives kill -9 + restart on the same port and data dir. */
export class CoordinatorProcess extends ChildHandle {
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
    super();
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port;
    this.tokenFile = opts.tokenFile ?? join(mkdtempSync(join(tmpdir(), 'squall-live-token-')), 'admin.token');
  }

  /** The admin token every harness HTTP call sends (the API runs with token auth, as in production). */
  get token(): string {
    return readFileSync(this.tokenFile, 'utf8').trim();
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
    const args = coordinatorArgs(this.opts, this.host, this.port, this.tokenFile);
    const child = spawnChild(process.execPath, args, { cwd: REPO_ROOT, env: coordinatorEnv(this.opts), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.starts += 1;
    child.stdout?.on('data', (c: Buffer) => {
      this.output.push(c);
      this.opts.onOutput?.('stdout', c);
    });
    child.stderr?.on('data', (c: Buffer) => {
      this.output.push(c);
      this.opts.onOutput?.('stderr', c);
    });
    await waitHealthy(`${this.httpUrl}/healthz`, this.opts.startTimeoutMs ?? 60_000, () => {
      const exited = child.exitCode !== null ? ` (exited with ${child.exitCode})` : '';
      return `${exited}; coordinator output:\n${this.output.text()}`;
    });
  }

  /** kill -9 then start again on the same port and data dir. */
  async restart(): Promise<void> {
    await this.kill9();
    await this.start();
  }

  /** SIGCONT (in case it was paused), SIGTERM, then SIGKILL after graceMs. */
  stop(graceMs = 3_000): Promise<void> {
    return stopChild(this.child, { graceMs });
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
