import { defineConfig } from 'vitest/config';

// Default suite: units next to code, plus integration/sim/conformance suites.
// Live-process and Docker suites are opt-in (see package.json scripts).
export default defineConfig({
  test: {
    include: ['system/**/*.test.ts', 'harness/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'tests/docker/**', 'tests/soak/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
