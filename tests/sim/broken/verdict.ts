/**
 * The verdict the broken-variant tests compare: did the run pass, which
 * promises fired, and the violations as text (one helper for every
 * tests/sim/broken-*.test.ts instead of a copy in each).
 */
import type { PromiseName } from '../../../harness/check/promises.js';
import { formatViolation } from '../../../harness/check/violation.js';
import type { Scenario } from '../../../harness/scenario/schema.js';
import { runChecked } from '../../../harness/scenario/run.js';
import type { SimWiring } from '../../../harness/sim/index.js';

export interface Verdict {
  passed: boolean;
  promises: PromiseName[];
  text: string;
}

/** Runs `scenario` at `seed` (default 1) with an optional broken wiring and checks it. */
export async function simVerdict(scenario: Scenario, wiring?: SimWiring, seed = 1): Promise<Verdict> {
  const r = await runChecked(scenario, { seed, ...(wiring === undefined ? {} : { wiring }) });
  return { passed: r.passed, promises: [...new Set(r.violations.map((v) => v.promise.name))], text: r.violations.map((v) => formatViolation(v)).join('\n') };
}

/** The scenario with only the named workload items. */
export function onlyItems(s: Scenario, names: readonly string[]): Scenario {
  return { ...s, workload: { ...s.workload, items: s.workload.items.filter((i) => names.includes(i.name ?? '')) } };
}

/** Runs `body` with a defect planted by `plant` (which returns its undo), undone afterwards whatever happens. */
export async function withPlanted<T>(plant: () => () => void, body: () => Promise<T>): Promise<T> {
  const undo = plant();
  try {
    return await body();
  } finally {
    undo();
  }
}

/** A plant that sets one switch of a `vi.mock`ed module's switchboard for the run. */
export function flagOn<K extends string>(switches: Record<K, boolean>, flag: K): () => () => void {
  return () => {
    switches[flag] = true;
    return () => void (switches[flag] = false);
  };
}
