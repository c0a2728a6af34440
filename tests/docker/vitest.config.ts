/**
 * Config for the opt-in Docker suite alone: the default vitest.config.ts
 * excludes tests/docker/**, and a CLI path filter cannot undo an exclude.
 *   SQUALL_DOCKER_TESTS=1 npx vitest run --config tests/docker/vitest.config.ts
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['tests/docker/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
