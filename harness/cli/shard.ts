/**
 * Sharding: `--shard I/K` splits a planned list of runs (scenario × seed)
 * into K disjoint slices, so a CI matrix or Kubernetes indexed Jobs can act
 * as the distributed engine. The rule is round-robin over the plan's order
 * (unit n goes to shard (n mod K) + 1): deterministic, disjoint, covering,
 * and balanced when neighbouring seeds cost about the same.
 */
import { InvalidArgumentError } from '../../system/core/index.js';

/** One slice of K; `index` is 1-based, as people and CI matrices count. */
export interface Shard {
  index: number;
  count: number;
}

/** One planned run. */
export interface RunUnit {
  scenario: string;
  seed: number;
}

/** Largest K accepted: far more machines than anyone runs a sweep on. */
const MAX_SHARDS = 10_000;

/** Parses "I/K" (e.g. "2/4"); the error names the flag and the expected form. */
export function parseShard(text: string, flag = '--shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null) throw new InvalidArgumentError(`${flag} must look like I/K (e.g. 2/4: the second of four slices), got "${text.slice(0, 50)}"`, flag);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw new InvalidArgumentError(`${flag}: K must be between 1 and ${MAX_SHARDS}, got ${count}`, flag);
  if (index < 1 || index > count) throw new InvalidArgumentError(`${flag}: I must be between 1 and K=${count}, got ${index}`, flag);
  return { index, count };
}

/** The units of `plan` that belong to `shard` (all of them without a shard), in plan order. */
export function shardSlice<T>(plan: readonly T[], shard: Shard | undefined): T[] {
  if (shard === undefined) return [...plan];
  return plan.filter((_u, n) => n % shard.count === shard.index - 1);
}

/** "2/4" for messages and file names. */
export function shardLabel(shard: Shard | undefined): string {
  return shard === undefined ? 'all' : `${shard.index}/${shard.count}`;
}

