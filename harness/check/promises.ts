/**
 * The promises the checker holds the system to, numbered and named once:
 * the ten of ARCHITECTURE.md (outcomes), then what docs/PROTOCOL.md and the
 * task kinds promise (11–17), then what the store promises under storage faults (18–19), then that an
 * acknowledged worker message was committed (20). Scenario files name them in `checks.promises`;
 * violations carry number and name.
 */
import { assert } from '../../system/core/index.js';

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
  { number: 11, name: 'delivery', title: 'Reliable delivery' },
  { number: 12, name: 'acked-not-resent', title: 'Acknowledged messages are not re-sent' },
  { number: 13, name: 'lease-expiry', title: 'Leases expire only for silent holders' },
  { number: 14, name: 'prompt-completion', title: 'Work of connected workers finishes without lease expiry' },
  { number: 15, name: 'result-recorded', title: 'A live lease\'s result is recorded, not redone' },
  { number: 16, name: 'task-contract', title: 'Task kinds keep their contract' },
  { number: 17, name: 'timeouts', title: 'Timeouts are enforced' },
  { number: 18, name: 'no-phantom', title: 'No phantom (a refused submission never runs)' },
  { number: 19, name: 'store-health', title: 'Honest health while the store cannot commit' },
  { number: 20, name: 'acked-committed', title: 'An acknowledged message was committed' },
  // Engine features the workload uses (issue 10, promises-engine.ts, promises-control.ts); numbered from 21 so 11-20 stay free for protocol promises.
  { number: 21, name: 'priority', title: 'Priority order' },
  { number: 22, name: 'idempotency', title: 'Idempotency keys' },
  { number: 23, name: 'worker-timeouts', title: 'Workers stop attempts at their timeout' },
  { number: 24, name: 'client-control', title: 'Cancel and pause reach the worker' },
  // Worker features the workload uses (issue 10, promises-drain.ts).
  { number: 25, name: 'drain', title: 'A draining worker gets no new work and finishes what it holds' },
  // Self-healing judged at its trigger (issue 10, promises-capacity.ts).
  { number: 26, name: 'capacity', title: 'Workers use their concurrency and are never given more' },
  // Future-dated work (issue 10, promises-idle.ts).
  { number: 27, name: 'due-time', title: 'Nothing is claimed before its scheduledAt' },
  // Circuit breakers replayed from the history (issue 10, promises-breaker.ts).
  { number: 28, name: 'breaker', title: 'An open breaker holds claims; a half-open one lets halfOpenMaxCalls trials through' },
  // The HTTP layer on the client's path (issue 10, promises-api.ts).
  { number: 29, name: 'api-contract', title: 'The HTTP API keeps its documented contract (refusal statuses, scopes, quota, listing, stats)' },
  // Retention (issue 10, promises-retention.ts).
  { number: 30, name: 'retention', title: 'Terminal executions are forgotten only as the retention policy allows' },
  // The CLI's client commands driven in simulation (promises-cli.ts).
  { number: 31, name: 'cli', title: 'The CLI keeps its documented contract (exit codes, watch pacing and ending, what it prints)' },
  // What the container and command kinds create (issue 10, promises-resources.ts).
  { number: 32, name: 'resources', title: 'What a task kind creates ends with its attempt: containers removed, aborted work killed, nothing pulled, no secret passed on' },
  // What a client reads back across restarts and store reloads (promises-reload.ts).
  { number: 33, name: 'reload', title: 'What a client reads back (params, metadata, results, every field a life keeps) survives restarts and reloads unchanged' },
  // Ids, nonces and tokens drawn from the Random seam's pool (promises-ids.ts).
  { number: 34, name: 'identifiers', title: 'Identifiers, nonces and tokens have their documented form and are never minted twice' },
  // Runtime hygiene: leaks seen as process warnings and idle gauges (promises-hygiene.ts).
  { number: 35, name: 'hygiene', title: 'The system leaks nothing at run time: no process warning, and idle resources back to their baseline' },
  // The long-running commands' stop on SIGTERM, run through their own signal handling (promises-process-exit.ts).
  { number: 36, name: 'process-exit', title: 'squall coordinator and squall worker stop as documented on SIGINT/SIGTERM: every step of the stop, exit 0 when it ended cleanly, 1 when it failed, 130 at a second signal; a worker drains what it runs' },
  // The Store seam's contract under failure and graceful stops, on the run's kind of store (promises-store-contract.ts).
  { number: 37, name: 'store-contract', title: 'The store commits a batch all or nothing, a failed commit leaves no trace, close() settles every write, and a reopened store holds what was acknowledged' },
  // What the wire carries of a close, and what the peer does with it (promises-wire.ts).
  { number: 38, name: 'wire', title: 'A close reaches the peer as sent, and the peer acts on it as the protocol says (fatal codes stop the worker, 4503 delays it by the hint); binary frames are refused with 1003; connects verify the certificate; a frame at or past a bound of its schema is judged as the schema judges it' },
  // What a real process sees of its host: its stderr, its files across lives, its control files' cadence (promises-process-env.ts).
  { number: 39, name: 'process-env', title: 'A process reads its host as documented: logs JSON unless stderr is a terminal, --events-file appends across restarts, SQUALL_STORE_FAULTS applies within 50 ms' },
] as const;

export type PromiseName = (typeof PROMISES)[number]['name'];
export const PROMISE_NAMES = PROMISES.map((p) => p.name) as [PromiseName, ...PromiseName[]];

/** The promise entry for a name. */
export function promiseByName(name: PromiseName): (typeof PROMISES)[number] {
  const p = PROMISES.find((x) => x.name === name);
  assert(p !== undefined, `unknown promise ${name}`);
  return p;
}
