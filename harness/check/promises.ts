/**
 * The ten promises of ARCHITECTURE.md, numbered and named once. Scenario
 * files name them in `checks.promises`; violations carry number and name.
 */
import { assert } from '../../system/core/errors.js';

export const PROMISES = [
  { number: 1, name: 'no-lost-work', title: 'No lost work' },
  { number: 2, name: 'exactly-once', title: 'Exactly-once completion' },
  { number: 3, name: 'no-double-ownership', title: 'No double ownership' },
  { number: 4, name: 'order', title: 'Order' },
  { number: 5, name: 'retries', title: 'Retries' },
  { number: 6, name: 'checkpoints', title: 'Checkpoints' },
  { number: 7, name: 'durability', title: 'Durability' },
  { number: 8, name: 'auth', title: 'Auth' },
  { number: 9, name: 'backoff', title: 'Backoff' },
  { number: 10, name: 'liveness', title: 'Liveness of connections' },
  // Engine features the workload uses (issue 10, promises-engine.ts, promises-control.ts); numbered from 21 so 11-20 stay free for protocol promises.
  { number: 21, name: 'priority', title: 'Priority order' },
  { number: 22, name: 'idempotency', title: 'Idempotency keys' },
  { number: 23, name: 'worker-timeouts', title: 'Workers stop attempts at their timeout' },
  { number: 24, name: 'client-control', title: 'Cancel and pause reach the worker' },
] as const;

export type PromiseName = (typeof PROMISES)[number]['name'];
export type PromiseNumber = (typeof PROMISES)[number]['number'];
export const PROMISE_NAMES = PROMISES.map((p) => p.name) as [PromiseName, ...PromiseName[]];

/** The promise entry for a name. */
export function promiseByName(name: PromiseName): (typeof PROMISES)[number] {
  const p = PROMISES.find((x) => x.name === name);
  assert(p !== undefined, `unknown promise ${name}`);
  return p;
}
