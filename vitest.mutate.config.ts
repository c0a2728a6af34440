import process from 'node:process';
import { defineConfig } from 'vitest/config';

// The test command for mutation testing (stryker.config.mjs). Stryker runs per
// mutant only the tests that reach it (perTest coverage) and stops at the
// first failure, so the order below is cheapest first: the unit tests of the
// four promise-holding folders, the engine/worker/store integration suites,
// the impostor-coordinator attack (mutual authentication),
// the end-to-end simulation suite. SQUALL_MUTATE_SIM=1 adds the simulation
// broken-variant suites (protocol, engine features, adversaries, storage
// faults, commit windows; about a second per test, and a core.ts mutant is
// reached by all of them: hours for the four folders on a shared 2-core
// machine, so meant for a subset of files). Left out always: the pinned
// regression seeds (~18 s each); SQUALL_MUTATE_BROKEN=1 adds
// tests/sim/broken-variants.test.ts (26 full scenario runs). Kept apart from
// vitest.config.ts so `npm test` is unaffected.
const ORDER = [
  'system/coordinator/**/*.test.ts',
  'system/worker/**/*.test.ts',
  'system/engine/**/*.test.ts',
  'system/store/**/*.test.ts',
  'tests/engine/**/*.test.ts',
  'tests/worker/**/*.test.ts',
  // The worker's check of the coordinator's proof (worker-session.ts) is tested only here.
  'tests/security/impostor-coordinator.test.ts',
  'tests/conformance/store.test.ts',
  'tests/sim/end-to-end.test.ts',
];
const SIM = [
  'tests/sim/broken-protocol.test.ts',
  'tests/sim/broken-variants-engine.test.ts',
  'tests/sim/broken-adversary.test.ts',
  'tests/sim/acked-committed.test.ts',
  'tests/sim/storage-faults.test.ts',
  'tests/sim/slow-commit.test.ts',
  'tests/sim/sqlite-store.test.ts',
  'tests/sim/late-fin.test.ts',
  'tests/sim/backoff-cap.test.ts',
];
const files = [
  ...ORDER,
  ...(process.env.SQUALL_MUTATE_SIM === '1' ? SIM : []),
  ...(process.env.SQUALL_MUTATE_BROKEN === '1' ? ['tests/sim/broken-variants.test.ts'] : []),
];
// Files that replace a module (vi.mock) need a module graph of their own.
const ISOLATED = ['tests/sim/broken-adversary.test.ts'];

/** The part of vitest's TestSpecification the order needs. */
interface Spec {
  moduleId: string;
}
/** Runs files in the order of `files` (units before simulations), not slowest first; never shards. */
class CheapFirst {
  shard<T extends Spec>(specs: T[]): Promise<T[]> {
    return Promise.resolve(specs);
  }
  sort<T extends Spec>(specs: T[]): Promise<T[]> {
    const rank = (s: Spec): number => {
      const id = s.moduleId.replace(`${process.cwd()}/`, '');
      if (id.startsWith('system/')) return id.endsWith('.property.test.ts') ? 1 : 0;
      const i = files.findIndex((f) => id === f || id.startsWith(f.replace('**/*.test.ts', '')));
      return i < 0 ? files.length : i;
    };
    return Promise.resolve([...specs].sort((a, b) => rank(a) - rank(b)));
  }
}

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    sequence: { sequencer: CheapFirst },
    // The rest share one module graph per worker: re-importing the system for
    // every test file was most of the time of each mutant's run.
    projects: [
      { extends: true, test: { name: 'shared', include: files.filter((f) => !ISOLATED.includes(f)), isolate: false } },
      { extends: true, test: { name: 'isolated', include: files.filter((f) => ISOLATED.includes(f)), isolate: true } },
    ],
  },
});
