/**
 * `--coordinator-node-flags "<V8/node flags>"` for benchmarks whose
 * coordinator runs in the benchmark's own process (bench:dispatch's split and
 * single topologies): V8 reads heap sizes such as `--max-semi-space-size`
 * when the heap is set up, so they cannot be set from inside a running
 * process (`v8.setFlagsFromString` after start leaves the young generation
 * as it was, measured in docs/BENCHMARKS.md round 9). The script re-runs
 * itself once with the flags in front of its own node arguments. Not through
 * NODE_OPTIONS: the worker process (spawned with process.execPath) must not
 * get them.
 */
import { spawn } from 'node:child_process';

const MARK = 'SQUALL_BENCH_NODE_FLAGS_APPLIED';

/** The flags asked for with --coordinator-node-flags (its value starts with `--`, so not argString's), split on spaces; empty when absent. */
export function coordinatorNodeFlags(argv: readonly string[] = process.argv): string[] {
  const i = argv.indexOf('--coordinator-node-flags');
  const raw = i < 0 ? undefined : argv[i + 1];
  if (i >= 0 && (raw === undefined || !raw.startsWith('--'))) throw new Error(`--coordinator-node-flags needs node flags, e.g. "--max-semi-space-size=32"; got ${JSON.stringify(raw)}`);
  return (raw ?? '').split(' ').filter((f) => f !== '');
}

/**
 * Re-runs this script under `node <flags> <this process's node args> <script> <args>`
 * when flags were asked for and are not applied yet; resolves true when it did
 * (the caller then exits with `process.exitCode`, set to the child's), false
 * when this process is the one to measure.
 */
export async function reexecWithNodeFlags(flags: readonly string[]): Promise<boolean> {
  if (flags.length === 0 || process.env[MARK] === '1') return false;
  const child = spawn(process.execPath, [...flags, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [MARK]: '1' },
  });
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  process.exitCode = code;
  return true;
}
