// Mutation testing of the files that hold the system's promises (issue 10,
// deliverable 9). Run with `npm run mutate` (scripts/mutate.sh) or
// `npx stryker run`; results and the notable survivors are in docs/MUTATION.md.
// Long by nature: not part of `npm test`. Incremental, so a rerun only tests
// mutants whose code or covering tests changed.
import process from 'node:process';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  coverageAnalysis: 'perTest',
  // The promise-holding files a run on a shared 2-core machine finishes within the hour;
  // SQUALL_MUTATE picks others (comma-separated globs, e.g. 'system/worker/outbox.ts,system/store/memory-store.ts').
  mutate: process.env.SQUALL_MUTATE
    ? process.env.SQUALL_MUTATE.split(',')
    : [
        'system/worker/backoff.ts',
        'system/engine/retry.ts',
        'system/coordinator/heartbeat-monitor.ts',
        'system/coordinator/session.ts',
      ],
  concurrency: Number(process.env.SQUALL_MUTATE_CONCURRENCY ?? 1),
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  timeoutMS: 30_000,
  ignorePatterns: ['reports', 'artifacts', '.squall-data', 'coverage', 'docker', 'benchmarks'],
  thresholds: { high: 80, low: 60, break: null },
};
