/**
 * The system under measurement, as production runs it: the standalone build
 * in dist/ (`npm run build`: what `squall coordinator`, `squall worker` and
 * the Docker image run). Loaded from SQUALL_SYSTEM_DIR (a built system/
 * directory) when set; otherwise from dist/system, built here first when
 * missing or older than a source file (the rule bin/squall.js applies,
 * bin/dist-fresh.js), and SQUALL_SYSTEM_DIR is set so that child processes
 * (worker hosts, peer sides) load the same build.
 * SYSTEM=tsx measures the TypeScript sources through tsx instead: tsx keeps
 * function names (esbuild keepNames), so every closure it creates costs a
 * defineProperty call and a property dictionary that the compiled system
 * does not pay (measured in docs/BENCHMARKS.md, "Benchmarks run the
 * compiled system").
 *
 * One module for every benchmark that runs squall: cluster.ts,
 * worker-host.ts, idle-side.ts (and idle-fleet.ts, which loads it to build
 * first and to hand SQUALL_SYSTEM_DIR to its sides).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { distFreshness } from '../../bin/dist-fresh.js';
import type * as Clock from '../../system/core/clock.js';
import type * as Cpu from '../../system/core/cpu.js';
import type * as Events from '../../system/core/events.js';
import type * as Log from '../../system/core/logger.js';
import type * as Rand from '../../system/core/random.js';
import type * as Coord from '../../system/coordinator/index.js';
import type * as Stores from '../../system/store/index.js';
import type * as Tasks from '../../system/tasks/registry.js';
import type * as Transport from '../../system/transport/index.js';
import type * as WorkerMod from '../../system/worker/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The built system/ directory to load, building it if needed; undefined for SYSTEM=tsx. */
function systemDir(): string | undefined {
  if (process.env.SYSTEM === 'tsx') return undefined;
  if (process.env.SQUALL_SYSTEM_DIR !== undefined) return process.env.SQUALL_SYSTEM_DIR;
  if (!distFreshness().fresh) {
    process.stderr.write('building the system into dist/ (npm run build)\n');
    execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/build-system.ts')], { stdio: 'inherit', cwd: ROOT });
  }
  const out = join(ROOT, 'dist', 'system');
  process.env.SQUALL_SYSTEM_DIR = out;
  return out;
}

const dir = systemDir();
const base = dir === undefined ? new URL('../../system/', import.meta.url) : pathToFileURL(`${dir.replace(/\/?$/, '/')}`);
const from = async <T>(rel: string): Promise<T> => (await import(new URL(rel, base).href)) as T;

/** The command-line entry that runs `coordinator` / `worker` on the same system: the build's cli/main.js, or bin/squall.js. */
export const SYSTEM_CLI = dir === undefined ? join(ROOT, 'bin/squall.js') : join(dir, 'cli/main.js');

/** What is measured, for the benchmarks' output. */
export const SYSTEM_UNDER_TEST = dir === undefined ? 'TypeScript sources through tsx (SYSTEM=tsx)' : `compiled system (${dir})`;

export const { systemClock } = await from<typeof Clock>('core/clock.js');
export const { realCpu } = await from<typeof Cpu>('core/cpu.js');
export const { nullSink } = await from<typeof Events>('core/events.js');
export const { silentLogger } = await from<typeof Log>('core/logger.js');
export const { cryptoRandom } = await from<typeof Rand>('core/random.js');
export const { createCoordinator } = await from<typeof Coord>('coordinator/index.js');
export const { openStore, MemoryStore } = await from<typeof Stores>('store/index.js');
export const { builtinTaskKinds } = await from<typeof Tasks>('tasks/registry.js');
export const { wsTransport } = await from<typeof Transport>('transport/index.js');
export const { Worker } = await from<typeof WorkerMod>('worker/index.js');
