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
    'benchmarks/*.ts',
    'benchmarks/lib/worker-host.ts',
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
    // Installed for work landing in parallel (peer benchmarks, GitLab CI lint): drop once used.
    'ajv',
    'bullmq',
    'socket.io',
    'socket.io-client',
  ],
  // Files being rewritten by parallel work (harness/check promises, harness/sim, the
  // coordinator, engine, store, worker and protocol hot paths, the benchmarks' shared
  // cluster library): their unused exports are left to that work. Remove this block
  // after merging and fix what knip then reports.
  ignoreIssues: {
    'harness/check/**': ['exports', 'types'],
    'harness/sim/**': ['exports', 'types'],
    'system/coordinator/**': ['exports', 'types'],
    'system/engine/core.ts': ['exports', 'types'],
    'system/store/**': ['exports', 'types'],
    'benchmarks/lib/cluster.ts': ['exports', 'types'],
  },
};

export default config;
