// V8 tuning for the harness's commands (`squall sim`, sweeps, suites: the
// TypeScript CLI bin/squall.js runs from sources) and for `npm run bench:sim`,
// which imports this same file so the benchmark measures what users run.
// Not applied to the system's own commands (coordinator, worker: dist/).
//
// A simulation is one short, cold, single-threaded burst: a 500-worker herd
// spent ~40% of its CPU on V8's background threads, mostly TurboFan
// optimising functions that had run only a few thousand bytecodes. A 4x
// interrupt budget (the bytecodes a function runs before V8 considers
// tiering it up; default 67,584) optimises only what stays hot: -10 to -20%
// CPU on the 500-worker herd and mixed-chaos, no gain on the longer
// 2,000-worker herd, same trace hashes (docs/BENCHMARKS.md, round 6). Set at
// run time, before tsx loads any module: measured as effective as the
// command-line flag, and no second process is needed.
// SQUALL_V8_DEFAULTS=1 keeps V8's defaults.
import { setFlagsFromString } from 'node:v8';

if (process.env.SQUALL_V8_DEFAULTS !== '1') setFlagsFromString('--interrupt-budget=270336');
