import { defineConfig } from 'vitest/config';

// The test command for mutation testing (stryker.config.mjs): the unit tests of
// the folders that hold the promises plus the simulation suites that judge them
// end to end. Kept apart from vitest.config.ts so `npm test` is unaffected.
export default defineConfig({
  test: {
    include: [
      'system/coordinator/**/*.test.ts',
      'system/worker/**/*.test.ts',
      'system/engine/**/*.test.ts',
      'system/store/**/*.test.ts',
      'tests/sim/end-to-end.test.ts',
      'tests/sim/broken-variants.test.ts',
      'tests/mutation/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
