/**
 * Deployment probes of what a process reads and writes on its host's file
 * system across its lives (beside deploy-probe-cli.ts, adversary attack
 * `deployment`), each through the function the command runs, in the run's
 * own temp directory, on the probe's virtual clock where time matters:
 *
 * - `--events-file` (fileEventSink, what `squall coordinator` and `squall
 *   worker` open): "append every event as a JSON line". A process started
 *   twice on one file leaves both lives' events, the first life's first;
 *   a coordinator and a worker given one file at once leave every event of
 *   both, each line whole (blind set 18 #23: opened with 'w', a restart
 *   wiped the earlier life).
 * - `SQUALL_STORE_FAULTS=<file>` (openCoordinatorStore, the command's store
 *   path, on the probe's clock): the file is "re-read every 50 ms", so a
 *   fault written while the store is healthy, and a heal written while it
 *   fails, apply to writes within 50 ms (+ the probe's 5 ms step) (blind
 *   set 18 #16: cached 50 s).
 *
 * - the log format as `squall coordinator` chooses it (logsPretty over its
 *   stderr): pretty on a terminal, JSON on a pipe or a file, where node
 *   leaves `isTTY` absent ("Logs are pretty on a terminal and JSON
 *   otherwise").
 *
 * Recorded as `processEnvProbe` notes with what the README documents;
 * promise 39 (process-env, harness/check/promises-process-env.ts) judges
 * expect against outcome. The expectations are written from the README.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileEventSink, logsPretty, openCoordinatorStore } from '../../system/cli/index.js';
import { type SystemEvent, silentLogger } from '../../system/core/index.js';
import type { Store } from '../../system/store/index.js';
import type { CliDeployResult } from './deploy-probe-cli.js';
import { ProbeClock } from './store-contract-kit.js';

/** The probe's stand-in for a SystemEvent: the file keeps whatever it is given. */
const probeEvent = (tag: string): SystemEvent => ({ type: 'probe', tag }) as unknown as SystemEvent;

/** The tags of the file's lines (`unreadable` for a line that is not whole JSON). */
function tagsIn(path: string): string[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return ['no file'];
  }
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      try {
        return String((JSON.parse(l) as { tag?: unknown }).tag);
      } catch {
        return 'unreadable';
      }
    });
}

/** One process's life on `path`: opens the file, emits `n` events tagged `name.i`, stops. */
async function life(path: string, name: string, n: number): Promise<void> {
  const sink = fileEventSink(path);
  for (let i = 1; i <= n; i += 1) sink.emit(probeEvent(`${name}.${i}`));
  await sink.close();
}

/** --events-file across a restart and shared by two processes. */
async function eventsFileResults(dir: string): Promise<CliDeployResult[]> {
  const role = 'events-file';
  const restarted = join(dir, 'restarted.jsonl');
  await life(restarted, 'life1', 3);
  await life(restarted, 'life2', 2);
  const shared = join(dir, 'shared.jsonl');
  const a = fileEventSink(shared);
  const b = fileEventSink(shared);
  for (let i = 1; i <= 3; i += 1) {
    a.emit(probeEvent(`coordinator.${i}`));
    b.emit(probeEvent(`worker.${i}`));
  }
  await Promise.all([a.close(), b.close()]);
  const count = (tags: string[], prefix: string): number => tags.filter((t) => t.startsWith(prefix)).length;
  const sharedTags = tagsIn(shared);
  return [
    { role, what: 'a process started twice on one --events-file (3 events, then 2): the lines, in order', expect: JSON.stringify(['life1.1', 'life1.2', 'life1.3', 'life2.1', 'life2.2']), outcome: JSON.stringify(tagsIn(restarted)) },
    {
      role,
      what: 'a coordinator and a worker on one --events-file at once (3 events each): whole lines per process',
      expect: JSON.stringify({ coordinator: 3, worker: 3, unreadable: 0 }),
      outcome: JSON.stringify({ coordinator: count(sharedTags, 'coordinator.'), worker: count(sharedTags, 'worker.'), unreadable: count(sharedTags, 'unreadable') }),
    },
  ];
}

/** The probe's step between two writes (ms): the tolerance on the documented cadence. */
const STEP_MS = 5;
/** How long the probe waits for a mode written to the file to apply (virtual ms). */
const WAIT_MS = 2000;
/** README: the control file is re-read every 50 ms. */
const CADENCE_MS = 50;

/** Whether a write at the clock's time fails. */
async function writeFails(store: Store, clock: ProbeClock): Promise<boolean> {
  await clock.run(0);
  return store.update([]).then(
    () => false,
    () => true,
  );
}

/** Writes `mode` to the control file, then writes every STEP_MS until one `fails` as wanted: "within 50 ms", or how late. */
async function lagOf(store: Store, clock: ProbeClock, file: string, mode: string, fails: boolean): Promise<string> {
  writeFileSync(file, `${mode}\n`);
  const at = clock.now();
  while (clock.now() - at <= WAIT_MS) {
    if ((await writeFails(store, clock)) === fails) {
      const lag = clock.now() - at;
      return lag <= CADENCE_MS + STEP_MS ? `applies within ${CADENCE_MS} ms` : `applied after ${lag} ms`;
    }
    await clock.run(STEP_MS);
  }
  return `not applied within ${WAIT_MS} ms`;
}

/** SQUALL_STORE_FAULTS: a fault, its heal and a fault again, each applying at the documented cadence. */
async function faultControlResults(dir: string): Promise<CliDeployResult[]> {
  const role = 'store-faults-file';
  const file = join(dir, 'store-faults');
  writeFileSync(file, 'ok\n');
  const clock = new ProbeClock();
  const { store } = openCoordinatorStore({ store: 'memory' }, silentLogger, { SQUALL_STORE_FAULTS: file }, clock);
  const healthy = (await writeFails(store, clock)) ? 'failed' : 'written';
  await clock.run(20);
  const full = await lagOf(store, clock, file, 'disk_full', true);
  await clock.run(30);
  const healed = await lagOf(store, clock, file, 'ok', false);
  await clock.run(10);
  const again = await lagOf(store, clock, file, 'disk_error 1', true);
  writeFileSync(file, 'ok\n');
  await clock.run(CADENCE_MS + STEP_MS);
  await store.close().catch(() => {});
  const within = `applies within ${CADENCE_MS} ms`;
  return [
    { role, what: 'a write with "ok" in the file', expect: 'written', outcome: healthy },
    { role, what: '"disk_full" written to the file of a healthy store: its writes fail', expect: within, outcome: full },
    { role, what: '"ok" written to the file of a failing store: its writes succeed', expect: within, outcome: healed },
    { role, what: '"disk_error 1" written to the file again: its writes fail', expect: within, outcome: again },
  ];
}

/** README: "Logs are pretty on a terminal and JSON otherwise" (stderr as node gives it: `isTTY` true, or absent on a pipe or a file). */
function logFormatResults(): CliDeployResult[] {
  const role = 'logs';
  const format = (stderr: { isTTY?: boolean }): string => (logsPretty({}, stderr) ? 'pretty' : 'JSON');
  return [
    { role, what: 'squall coordinator, stderr a terminal', expect: 'pretty', outcome: format({ isTTY: true }) },
    { role, what: 'squall coordinator, stderr a pipe or a file (| tee, 2> log: isTTY absent)', expect: 'JSON', outcome: format({}) },
  ];
}

/** Every probe above, in `dir` (the caller's temp directory). */
export async function processFileResults(dir: string): Promise<CliDeployResult[]> {
  return [...logFormatResults(), ...(await eventsFileResults(dir)), ...(await faultControlResults(dir))];
}
