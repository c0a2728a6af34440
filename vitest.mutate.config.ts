import process from 'node:process';
import { defineConfig } from 'vitest/config';

// The test command for mutation testing (stryker.config.mjs): the unit tests of
// the folders that hold the promises plus the end-to-end simulation suite.
// tests/sim/broken-variants.test.ts (26 full scenario runs) is left out by
// default: every mutant of session/engine code is covered by all of it, which
// made a run ~4x slower than a 2-core machine shared by eight allows;
// SQUALL_MUTATE_BROKEN=1 adds it. Kept apart from vitest.config.ts so
// `npm test` is unaffected.
export default defineConfig({
  test: {
    include: [
      'system/coordinator/**/*.test.ts',
      'system/worker/**/*.test.ts',
      'system/engine/**/*.test.ts',
      'system/store/**/*.test.ts',
      'tests/sim/end-to-end.test.ts',
      ...(process.env.SQUALL_MUTATE_BROKEN === '1' ? ['tests/sim/broken-variants.test.ts'] : []),
      'tests/mutation/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
