/**
 * The checker's own copies of the tables and constants that define the
 * behaviour its rules judge, written from the README and docs, never
 * imported from system/. A rule that took them from the system would judge
 * the system by its own yardstick: blind set 18 #17 swapped the ranks of
 * high and critical in system/core/model.ts, and promise 21, which read
 * that table, agreed with every claim the swapped queue made.
 */

/**
 * Priority ranks (docs/TASK-KINDS.md, spec field `priority`: "low" |
 * "medium" | "high" | "critical", higher runs first; default medium).
 */
export const PRIORITY_RANK: Readonly<Record<string, number>> = { low: 0, medium: 1, high: 2, critical: 3 };

/** The rank of a priority name; no name, or one the README does not list, is medium (the default). */
export function priorityRank(p: string | undefined): number {
  return p !== undefined && Object.hasOwn(PRIORITY_RANK, p) ? (PRIORITY_RANK[p] ?? 1) : 1;
}

/** The name of a rank, for messages. */
export function priorityName(rank: number): string {
  return Object.entries(PRIORITY_RANK).find(([, v]) => v === rank)?.[0] ?? String(rank);
}

/**
 * Kinds a worker runs only when told to (README, worker flags: default every
 * kind but `command` and `container`; `--allow-kinds` adds them).
 */
export const DANGEROUS_KINDS: ReadonlySet<string> = new Set(['command', 'container']);

/** Statuses an execution ends in (README, "Executions": completed, failed, cancelled, timeout). */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled', 'timeout']);

/** The close code of an admission refusal (docs/PROTOCOL.md, "Admission control (close 4503, retry-after)"). */
export const ADMISSION_CLOSE_CODE = 4503;

/** The coordinator's default register timeout (docs/PROTOCOL.md, handshake step 2: default 5 s): how long a handshake may hold an admission slot. */
export const REGISTER_TIMEOUT_MS = 5000;

/**
 * The coordinator's documented defaults the check context falls back on
 * when a scenario leaves them out (docs/PROTOCOL.md: `maxPendingHandshakes`
 * default 256, "Admission control"; `maxFrameBytes` default 1 MiB, close
 * 4413; `sessionTtlMs` default 60 s, handshake step 3), not
 * COORDINATOR_DEFAULTS: a changed default would otherwise move the yardstick
 * with it.
 */
export const COORDINATOR_DOC_DEFAULTS = { maxPendingHandshakes: 256, maxFrameBytes: 1024 * 1024, sessionTtlMs: 60_000 } as const;

/**
 * The units of a duration flag (`squall coordinator --retain-age`,
 * `--retain-sweep`; README "Retention", the flags' --help: "500ms, 30s,
 * 15m, 12h or 7d, or plain milliseconds"): a positive integer and an
 * optional unit, none meaning milliseconds.
 */
const DURATION_UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration flag's value in ms as the README reads it (NaN: not a duration). */
export function readDuration(v: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v);
  return m === null ? NaN : Number(m[1]) * (DURATION_UNIT_MS[m[2] ?? 'ms'] ?? NaN);
}

/**
 * The task kinds and their params, each required or optional (README, "Task
 * kinds"; docs/TASK-KINDS.md): what `squall kinds` must show, with `?` on
 * the optional ones, and `--json-schema` must require.
 */
export const KIND_PARAMS: Readonly<Record<string, Readonly<Record<string, 'required' | 'optional'>>>> = {
  sleep: { durationMs: 'required', checkpointEveryMs: 'optional' },
  echo: { value: 'required' },
  fail: { times: 'required', messageChars: 'optional' },
  cpu: { ms: 'required' },
  command: { argv: 'required', env: 'optional', cwd: 'optional' },
  container: { image: 'required', cmd: 'required', env: 'optional', timeoutMs: 'optional' },
};

/**
 * A worker's documented backoff defaults (docs/PROTOCOL.md "Backoff", README "Configuration"),
 * the checker's own copy for workers built in code with a partial backoff: full-jitter, initialMs
 * 100 ms, multiplier 2, maxMs 10 000 ms or initialMs when that is larger (a larger first delay
 * raises the default cap, it is never refused for a maxMs nobody gave).
 */
export function workerBackoffDocDefaults(given: { strategy?: string; initialMs?: number; maxMs?: number; multiplier?: number }): { strategy: string; initialMs: number; maxMs: number; multiplier: number } {
  const initialMs = given.initialMs ?? 100;
  return { strategy: given.strategy ?? 'full-jitter', initialMs, maxMs: given.maxMs ?? Math.max(10_000, initialMs), multiplier: given.multiplier ?? 2 };
}
