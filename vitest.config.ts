import { defineConfig } from 'vitest/config';

// Default suite: units next to code, plus integration/sim/conformance suites.
// The Docker suite skips itself unless SQUALL_DOCKER_TESTS=1 (npm run test:docker).
export default defineConfig({
  test: {
    include: ['system/**/*.test.ts', 'harness/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
