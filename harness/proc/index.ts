/**
 * harness/proc: child processes for the live harness and the benchmarks, one
 * mechanism each: spawning (killed when we exit), readiness, stopping and
 * killing, free ports, output tails and CPU time.
 */
export { exitOnSignals, isRunning, kill9, signalChild, spawnChild, stopChild, waitExit, type StopOptions } from './children.js';
export { mainThreadCpuMs, procCpuMs, procCpuMsSync, processCpuMs } from './cpu.js';
export { JsonLinesTail, tailBuffer } from './output.js';
export { freePort } from './ports.js';
export { delay, firstLine, monoNow, waitHealthy } from './readiness.js';
export { REPO_ROOT } from './repo-root.js';
