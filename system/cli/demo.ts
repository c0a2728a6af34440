/**
 * `squall demo` (npm run demo): a coordinator and three workers in this
 * process, on a free loopback port, with a memory store. It submits what a
 * newcomer wants to see work — a task graph, a flaky task retried with
 * backoff, a long task paused and resumed from its checkpoint, a cancel, a
 * refused submission — prints each status change as it happens, then the
 * executions and workers tables and the commands to do the same by hand.
 * Finishes in a few seconds; --keep leaves it running for the dashboard.
 */
import type { Command } from 'commander';
import { systemClock } from '../core/clock.js';
import { realCpu } from '../core/cpu.js';
import { nullSink } from '../core/events.js';
import { silentLogger } from '../core/logger.js';
import { cryptoRandom } from '../core/random.js';
import { createCoordinator } from '../coordinator/index.js';
import { openStore } from '../store/index.js';
import { builtinTaskKinds } from '../tasks/registry.js';
import { wsTransport } from '../transport/index.js';
import { Worker } from '../worker/worker.js';
import { apiCall, apiJson, type ApiTarget } from './api-client.js';
import { type CliIo, processIo, sleep } from './cli-io.js';
import { executionsTable, TERMINAL, type ExecutionView } from './execution-view.js';
import { duration } from './format.js';
import { workersTable } from './workers.js';

async function startSystem(): Promise<{ t: ApiTarget; ws: string; close(): Promise<void> }> {
  const deps = { transport: wsTransport(), clock: systemClock, random: cryptoRandom, logger: silentLogger, events: nullSink };
  const store = openStore({ kind: 'memory' });
  const c = await createCoordinator({ ...deps, store, taskKinds: builtinTaskKinds() }, { port: 0, heartbeatMs: 200, heartbeatTimeoutMs: 1000, leaseMs: 3000 });
  const workers = ['w1', 'w2', 'w3'].map((id) => new Worker({ ...deps, cpu: realCpu, taskKinds: builtinTaskKinds() }, { id, coordinatorUrl: c.url, concurrency: 2, heartbeatMs: 200 }));
  for (const w of workers) w.start();
  return {
    t: { base: c.httpUrl, token: undefined, ca: undefined },
    ws: c.url,
    close: async () => {
      await Promise.all(workers.map((w) => w.stop({ drain: false })));
      await c.close();
      await store.close();
    },
  };
}

const post = async (t: ApiTarget, path: string, body: unknown): Promise<unknown> => (await apiJson(t, 'POST', path, `POST ${path}`, body)).json;

/** Submits the demo's work; returns execution id -> label. */
async function submitWork(t: ApiTarget, io: CliIo): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  const graph = (await post(t, '/api/v1/graphs', {
    tasks: {
      fetch: { kind: 'sleep', params: { durationMs: 300 } },
      resize: { kind: 'cpu', params: { ms: 200 }, dependsOn: ['fetch'] },
      thumbnail: { kind: 'cpu', params: { ms: 100 }, dependsOn: ['fetch'] },
      publish: { kind: 'echo', params: { value: { published: true } }, dependsOn: ['resize', 'thumbnail'], priority: 'high' },
    },
  })) as { executions: { taskId: string; executionId: string }[] };
  for (const e of graph.executions) labels.set(e.executionId, `graph:${e.taskId}`);
  const flaky = (await post(t, '/api/v1/executions', { kind: 'fail', params: { times: 2 }, retry: { strategy: 'exponential', maxRetries: 3, delayMs: 200 }, taskId: 'flaky' })) as ExecutionView;
  labels.set(flaky.executionId, 'flaky');
  const long = (await post(t, '/api/v1/executions', { kind: 'sleep', params: { durationMs: 1500, checkpointEveryMs: 250 }, taskId: 'pause-me' })) as ExecutionView;
  labels.set(long.executionId, 'pause-me');
  const doomed = (await post(t, '/api/v1/executions', { kind: 'sleep', params: { durationMs: 60_000 }, taskId: 'cancel-me' })) as ExecutionView;
  labels.set(doomed.executionId, 'cancel-me');
  const bad = await apiCall(t, 'POST', '/api/v1/executions', { kind: 'sleep', params: { durationMS: 100 } });
  const err = (bad.json as { error?: { code: string; message: string } }).error;
  io.out(`  >> submitting a sleep with a typo (durationMS): refused at submission, nothing runs: HTTP ${bad.status} ${err?.code ?? ''}: ${err?.message ?? ''}\n`);
  return labels;
}

/** Prints each status change; pauses, resumes and cancels on cue; returns when everything ended. */
async function follow(t: ApiTarget, labels: Map<string, string>, io: CliIo, start: number): Promise<void> {
  const seen = new Map<string, number>();
  const acted = new Set<string>();
  const stop = io.interrupted();
  for (;;) {
    const xs = await Promise.all([...labels.keys()].map(async (id) => (await apiJson(t, 'GET', `/api/v1/executions/${id}`, `reading ${id}`)).json as ExecutionView));
    const fresh = xs.flatMap((x) => x.statusHistory.slice(seen.get(x.executionId) ?? 0).map((h) => ({ h, label: labels.get(x.executionId) ?? x.executionId })));
    for (const { h, label } of fresh.sort((a, b) => a.h.at - b.h.at)) {
      const why = h.reason === null || h.reason === h.status ? '' : h.reason;
      io.out(`  +${duration(Math.max(0, h.at - start)).padStart(6)}  ${label.padEnd(16)} ${h.status.padEnd(9)} ${why}`.trimEnd() + '\n');
    }
    for (const x of xs) {
      seen.set(x.executionId, x.statusHistory.length);
      await cue(t, labels.get(x.executionId) ?? x.executionId, x, acted, io);
    }
    if (xs.every((x) => TERMINAL.has(x.status)) || stop.aborted) return;
    await sleep(100, stop);
  }
}

async function cue(t: ApiTarget, label: string, x: ExecutionView, acted: Set<string>, io: CliIo): Promise<void> {
  const once = async (key: string, say: string, path: string): Promise<void> => {
    if (acted.has(key)) return;
    acted.add(key);
    io.out(`  >> ${say}\n`);
    await apiJson(t, 'POST', `/api/v1/executions/${x.executionId}/${path}`, path, {});
  };
  if (label === 'pause-me' && x.status === 'running' && (x.checkpoint?.seq ?? 0) >= 2) await once('pause', `pausing ${label} (its worker checkpoints and stops it)`, 'pause');
  if (label === 'pause-me' && x.status === 'paused') await once('resume', `resuming ${label} from checkpoint ${x.checkpoint?.seq ?? 0}`, 'resume');
  if (label === 'cancel-me' && x.status === 'running') await once('cancel', `cancelling ${label}`, 'cancel');
}

async function demo(flags: { keep?: boolean }, io: CliIo): Promise<void> {
  const sys = await startSystem();
  try {
    io.out(`squall demo: a coordinator and 3 workers in this process at ${sys.t.base} (memory store: gone when the demo ends)\n\n`);
    const start = io.now();
    const labels = await submitWork(sys.t, io);
    await follow(sys.t, labels, io, start);
    const list = (await apiJson(sys.t, 'GET', '/api/v1/executions?limit=50', 'listing')).json as { executions: ExecutionView[] };
    const workers = (await apiJson(sys.t, 'GET', '/api/v1/workers', 'workers')).json as { workers: Parameters<typeof workersTable>[0] };
    io.out(`\n${executionsTable(list.executions, io.now())}\n\n${workersTable(workers.workers, io.now())}\n\n${tryIt(sys.t.base, sys.ws)}\n`);
    if (flags.keep === true) {
      io.out(`\nstill running: dashboard ${sys.t.base}/ui, API ${sys.t.base} (no token needed); Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => io.interrupted().addEventListener('abort', () => resolve()));
    }
  } finally {
    await sys.close();
  }
}

function tryIt(base: string, ws: string): string {
  return [
    'Do the same by hand (README "Running the system for real"):',
    '  npx squall coordinator --store memory --api-auth none            # a coordinator on :7070',
    '  npx squall worker --coordinator ws://127.0.0.1:7070 --id w1      # in another terminal',
    `  npx squall submit --kind fail --params '{"times":1}' --retry '{"strategy":"fixed","maxRetries":2,"delayMs":200}' --wait`,
    '  npx squall executions list | get ID | watch ID | pause ID | resume ID | cancel ID',
    '  npx squall workers          npx squall kinds          open http://127.0.0.1:7070/ui',
    `(this demo's coordinator was ${base}, workers connected to ${ws}/ws; \`squall demo --keep\` keeps it up)`,
  ].join('\n');
}

/** Registers `squall demo`. */
export function registerDemoCommand(program: Command, io: CliIo = processIo): void {
  program
    .command('demo')
    .description('run a coordinator and 3 workers in-process and show a graph, retries, pause/resume and cancel, then how to do it by hand')
    .option('--keep', 'keep the demo system running afterwards (dashboard, CLI) until Ctrl-C')
    .action((flags: { keep?: boolean }) => demo(flags, io));
}
