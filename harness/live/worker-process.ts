/**
 * One worker as its own CLI process (`bin/squall.js worker`), events tailed
 * from its --events-file. For per-process faults on single workers outside a
 * swarm host, and to exercise the real CLI.
 */
import { resolve } from 'node:path';
import type { SystemEvent } from '../../system/core/index.js';
import { JsonLinesTail, REPO_ROOT, spawnChild, stopChild, tailBuffer } from '../proc/index.js';
import { ChildHandle } from './child-handle.js';
import type { StampedEvent } from './swarm-host-process.js';

const SQUALL_BIN = resolve(REPO_ROOT, 'bin/squall.js');

export interface WorkerProcessOptions {
  id: string;
  coordinatorUrl: string;
  eventsFile: string;
  secret?: string;
  concurrency?: number;
  backoff?: { strategy: string; initialMs: number; maxMs: number; multiplier?: number };
  heartbeatMs?: number;
}

/** The backoff flags; with `none` only the delay (`squall worker` refuses the cap and multiplier there: no effect). */
function backoffArgs(b: WorkerProcessOptions['backoff']): string[] {
  if (b === undefined) return [];
  if (b.strategy === 'none') return ['--backoff', 'none', '--backoff-initial-ms', String(Math.min(b.initialMs, b.maxMs))];
  return [
    '--backoff', b.strategy, '--backoff-initial-ms', String(b.initialMs), '--backoff-max-ms', String(b.maxMs),
    ...(b.multiplier === undefined ? [] : ['--backoff-multiplier', String(b.multiplier)]),
  ];
}

/** A `squall worker` child process. */
export class WorkerProcess extends ChildHandle {
  private output = tailBuffer();
  private tail: JsonLinesTail<SystemEvent & { mono: number }> | undefined;

  constructor(
    private readonly opts: WorkerProcessOptions,
    private readonly onEvent: (e: StampedEvent) => void,
  ) {
    super();
  }

  start(): void {
    const o = this.opts;
    const args = [
      SQUALL_BIN, 'worker', '--coordinator', o.coordinatorUrl, '--id', o.id,
      '--events-file', o.eventsFile, '--log-level', 'warn',
      ...(o.concurrency === undefined ? [] : ['--concurrency', String(o.concurrency)]),
      ...(o.heartbeatMs === undefined ? [] : ['--heartbeat-ms', String(o.heartbeatMs)]),
      ...backoffArgs(o.backoff),
    ];
    const env = { ...process.env, SQUALL_SECRET: o.secret ?? '', SQUALL_SECRET_FILE: '' };
    const child = spawnChild(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (c: Buffer) => this.output.push(c));
    child.stderr?.on('data', (c: Buffer) => this.output.push(c));
    this.tail ??= new JsonLinesTail(o.eventsFile, ({ mono, ...event }) => this.onEvent({ mono, event: event as SystemEvent }), 25);
    this.tail.start();
  }

  async stop(graceMs = 5_000): Promise<void> {
    await stopChild(this.child, { graceMs });
    this.tail?.stop();
  }
  outputTail(): string {
    return this.output.text();
  }
}
