// knip: unused files, exports and dependencies, run by `npm test` (`npm run knip`).
// Entry points are everything that is run rather than imported: the `squall`
// binary and its CLI, children the harness spawns, benchmarks, scripts, test
// fixtures run as processes. Tests count as entries (knip's vitest plugin reads
// vitest.config.ts), so an export used only by a test is "used": system/'s testing
// helpers (system/engine/testing.ts, system/store/testing.ts) are legitimate.
// Every folder's index.ts is an entry too: it is that folder's public surface
// (embedders import system/<folder>/index.ts; harness/ must, see eslint.config.js).
import type { KnipConfig } from 'knip';

const config: KnipConfig = {
  entry: [
    'harness/cli/main.ts',
    'system/*/index.ts',
    'harness/*/index.ts',
    'harness/live/probe.mjs',
    'harness/live/swarm-host.ts',
    'harness/live/proxy-host.ts',
    'harness/cli/mutation-summary.ts', // scripts/mutate.sh
    'system/store/sqlite-thread.ts', // the SQLite store's worker thread, started by path (sqlite-thread-client.ts)
    'benchmarks/*.ts',
    'benchmarks/lib/worker-host.ts',
    'benchmarks/lib/peer-side.ts', // spawned by path (benchmarks/peers.ts)
    'benchmarks/lib/bullmq-host.ts', // spawned by path (benchmarks/lib/peer-side.ts)
    'benchmarks/lib/profile-load.ts', // benchmarks/profile-coordinator.sh
    'benchmarks/lib/cpuprofile-top.ts', // docs/BENCHMARKS.md
    'scripts/*.ts',
    'tests/**/fixtures/**/*.ts',
    'tests/report/render-example.ts', // harness/report/README.md
    'tests/docker/vitest.config.ts', // npm run test:docker
  ],
  project: ['bin/**/*.js', 'system/**/*.{ts,mjs}', 'harness/**/*.{ts,mjs}', 'benchmarks/**/*.ts', 'scripts/**/*.ts', 'tests/**/*.ts'],
  ignoreDependencies: [
    'pino-pretty', // a pino transport named by string (system/cli/logger.ts)
    '@types/sinonjs__fake-timers', // types of @sinonjs/fake-timers
    '@stryker-mutator/api', // stryker.config.mjs's types, installed with @stryker-mutator/core
    '@action-validator/cli', // scripts/lint-workflows.sh
    '@action-validator/core',
    'autocannon', // benchmarks/profile-coordinator.sh
    'clinic', // benchmarks/profile-coordinator.sh
  ],
};

export default config;
