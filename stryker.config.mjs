// Mutation testing of the files that hold the system's promises (issue 10,
// deliverable 9): system/coordinator, system/worker, system/engine,
// system/store. Run with `npm run mutate` (scripts/mutate.sh) or
// `npx stryker run`; results and the notable survivors are in docs/MUTATION.md.
// Long by nature: not part of `npm test`. Incremental, so a rerun only tests
// mutants whose code or covering tests changed.
import process from 'node:process';

// Not mutated, and why (docs/MUTATION.md "Skipped"): tests and test doubles,
// re-export barrels, type-only shapes, the browser UI, and shapes whose only
// code is error wording for types the compiler already checks.
const SKIPPED = [
  '!system/**/*.test.ts',
  '!system/**/index.ts',
  '!system/**/testing.ts',
  '!system/coordinator/ui/**',
  '!system/engine/contract.ts',
  '!system/store/store.ts',
  '!system/worker/worker-types.ts',
];

/** The default file set: every source file of the four promise-holding folders. */
const DEFAULT = ['system/{coordinator,worker,engine,store}/*.ts', ...SKIPPED];

// SQUALL_MUTATE_OUT keeps a batch's reports apart (default reports/mutation);
// harness/cli/mutation-summary.ts reads several and merges them.
const OUT = process.env.SQUALL_MUTATE_OUT ?? 'reports/mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  coverageAnalysis: 'perTest',
  // SQUALL_MUTATE picks a subset (comma-separated globs, e.g.
  // 'system/worker/outbox.ts,system/store/*.ts'); the skip list still applies.
  mutate: process.env.SQUALL_MUTATE ? [...process.env.SQUALL_MUTATE.split(','), ...SKIPPED] : DEFAULT,
  // Module-level code (constants, tables) runs once at import: a mutant there
  // needs every test run with a fresh module graph, hours on this machine.
  // They are reported as Ignored, not as killed or survived.
  ignoreStatic: process.env.SQUALL_MUTATE_STATIC !== '1',
  // String literals here are log lines and error wording; nearly all survive and
  // each survivor costs every test that reaches it. Off by default (the error
  // codes tests pin are kept by the other mutators' kills of their branches);
  // SQUALL_MUTATE_STRINGS=1 puts them back.
  mutator: { excludedMutations: process.env.SQUALL_MUTATE_STRINGS === '1' ? [] : ['StringLiteral'] },
  concurrency: Number(process.env.SQUALL_MUTATE_CONCURRENCY ?? 1),
  incremental: true,
  incrementalFile: `${OUT}/stryker-incremental.json`,
  // event-recorder writes each mutant's result as it is known (${OUT}/events),
  // so a run stopped early still says what it measured (mutation-summary --events).
  reporters: ['clear-text', 'progress-append-only', 'html', 'json', 'event-recorder'],
  eventReporter: { baseDir: `${OUT}/events` },
  htmlReporter: { fileName: `${OUT}/index.html` },
  jsonReporter: { fileName: `${OUT}/mutation.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  timeoutMS: 30_000,
  ignorePatterns: ['reports', 'artifacts', '.squall-data', 'coverage', 'docker', 'benchmarks', 'dist'],
  thresholds: { high: 80, low: 60, break: null },
};
