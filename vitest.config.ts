import { defineConfig } from 'vitest/config';

// Default suite: units next to code, plus integration/sim/conformance suites.
// The Docker suite skips itself unless SQUALL_DOCKER_TESTS=1 (npm run test:docker).
export default defineConfig({
  test: {
    include: ['system/**/*.test.ts', 'harness/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // The caller's SQUALL_* settings cleared before each file (tests/squall-env.setup.ts says which are kept).
    setupFiles: ['tests/squall-env.setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest defaults to one fork per core minus one: a single fork on a 2-core
    // CI runner. Many files wait on child processes, sockets and browsers, so
    // two forks keep both cores busy (every test is seeded or waits on events,
    // never on wall-clock boxes, so the verdict does not depend on the overlap).
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
