/**
 * Validation and normalisation of what callers submit (ExecutionSpec, batch,
 * GraphSpec). Errors are InvalidArgumentError naming the path of the bad field
 * ("retry.maxRetries must be an integer >= 0"), unknown kinds are SquallError
 * unknown_task_kind listing the known ones, params are checked with the
 * kind's own schema (paths prefixed "params."), a cycle is SquallError cycle
 * naming it. Inputs are deep-copied first and never mutated or aliased.
 */
import { z } from 'zod';
import { ErrorCode, InvalidArgumentError, SquallError } from '../core/errors.js';
import { checkJsonLimits } from '../core/json-limits.js';
import type { TaskKind } from '../tasks/kind.js';
import { findCycle, topologicalOrder } from './graph.js';
import { type Priority, RETRY_STRATEGIES, type RetryPolicy } from '../core/model.js';
import { safeParseKeeping } from '../core/own-keys.js';

/** A validated spec with defaults applied (dependencies are still caller-given ids). */
export interface NormalizedSpec {
  kind: string;
  params: unknown;
  taskId: string | undefined;
  priority: Priority;
  retry: RetryPolicy;
  timeoutMs: number | undefined;
  dependencies: string[];
  scheduledAt: number | undefined;
  metadata: Record<string, unknown>;
  idempotencyKey: string | undefined;
}

export interface SpecContext {
  taskKinds: ReadonlyMap<string, TaskKind<unknown>>;
  defaultRetry: RetryPolicy;
}

const intAtLeast = (min: number) => {
  const msg = `must be an integer >= ${min}`;
  return z.number({ error: msg }).int({ error: msg }).min(min, { error: msg });
};
const text = (max: number) => {
  const msg = `must be a non-empty string of at most ${max} characters`;
  return z.string({ error: msg }).min(1, { error: msg }).max(max, { error: msg });
};

/** Documented maxima of every duration and date a spec accepts (README "Limits"); timers past 2^31-1 ms are chained. */
export const SPEC_LIMITS = {
  /** timeoutMs: 30 days. */
  maxTimeoutMs: 30 * 24 * 3600 * 1000,
  /** retry.delayMs and retry.maxDelayMs: 30 days. */
  maxRetryDelayMs: 30 * 24 * 3600 * 1000,
  /** scheduledAt: at most 366 days after submission. */
  maxScheduleAheadMs: 366 * 24 * 3600 * 1000,
  /** scheduledAt: an epoch-ms date JavaScript can represent. */
  maxDateMs: 8.64e15,
} as const;
const atMost = (max: number, what: string) => ({ error: `must be at most ${max} (${what})` });

const retrySchema = z.strictObject(
  {
    strategy: z.enum(RETRY_STRATEGIES, { error: `must be one of ${RETRY_STRATEGIES.join(', ')}` }).optional().describe('delay between attempts (default exponential; none = no retry)'),
    maxRetries: intAtLeast(0).max(1000, { error: 'must be an integer <= 1000' }).optional().describe('retries after the first attempt, at most 1 + maxRetries attempts (default 3; 0 with strategy none)'),
    delayMs: intAtLeast(0).max(SPEC_LIMITS.maxRetryDelayMs, atMost(SPEC_LIMITS.maxRetryDelayMs, '30 days')).optional().describe('base delay before a retry, in ms (default 1000)'),
    maxDelayMs: intAtLeast(0).max(SPEC_LIMITS.maxRetryDelayMs, atMost(SPEC_LIMITS.maxRetryDelayMs, '30 days')).optional().describe('cap on a growing delay (exponential, fibonacci), in ms (default 60000, or delayMs if larger)'),
  },
  { error: 'must be an object' },
);

const specShape = {
  kind: text(100).describe('task kind (see the kinds below)'),
  params: z.unknown().optional().describe("the kind's params (checked against the kind's schema at submission)"),
  taskId: text(256).optional().describe("your name for it (default: the execution id; a graph task's: its name in the graph); list by it with ?taskId="),
  priority: z.enum(['low', 'medium', 'high', 'critical'], { error: 'must be one of low, medium, high, critical' }).optional().describe('higher runs first among ready work of a kind (default medium)'),
  retry: retrySchema.optional().describe('retry policy of failed attempts'),
  timeoutMs: intAtLeast(1).max(SPEC_LIMITS.maxTimeoutMs, atMost(SPEC_LIMITS.maxTimeoutMs, '30 days')).optional().describe('per-attempt timeout in ms (the worker stops the attempt; it ends timeout)'),
  dependencies: z.array(text(256), { error: 'must be an array of execution ids' }).max(10_000).optional().describe('execution ids that must complete first; if one fails, this fails (dependency_failed)'),
  scheduledAt: intAtLeast(0).max(SPEC_LIMITS.maxDateMs, atMost(SPEC_LIMITS.maxDateMs, 'the largest epoch-ms date')).optional().describe('not started before this time (epoch ms; at most 366 days ahead)'),
  metadata: z.record(z.string(), z.unknown(), { error: 'must be an object' }).optional().describe('kept with the execution, never interpreted'),
  idempotencyKey: text(256).optional().describe('a repeat with the same key and spec returns the first execution (200); another spec is 409'),
};
/** One execution spec's shape: the engine's check, the HTTP body schema and the generated docs (one source). */
export const specSchema = z.strictObject(specShape, { error: 'must be an object' });
/** A graph node: a spec plus dependsOn (task names of the same graph). */
export const graphNodeSchema = z.strictObject(
  { ...specShape, dependsOn: z.array(text(256), { error: 'must be an array of task names' }).max(10_000).optional().describe('names of tasks of the same graph that must complete first') },
  { error: 'must be an object' },
);

/** "a" + ["retry","maxRetries"] -> "a.retry.maxRetries"; numbers become [i]. */
function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

function fail(prefix: string, error: z.ZodError): never {
  const issue = error.issues[0];
  if (issue === undefined) throw new InvalidArgumentError(`${prefix || 'spec'} is invalid`, prefix || undefined);
  const path = joinPath(prefix, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const allowed = Object.keys(graphNodeSchema.shape).join(', ');
    throw new InvalidArgumentError(
      `${path || 'spec'} has unknown field(s) ${issue.keys.join(', ')}; allowed: ${allowed}`,
      joinPath(path, [issue.keys[0] ?? '']),
    );
  }
  throw new InvalidArgumentError(`${path || 'spec'} ${issue.message}`, path || undefined);
}

function plainCopy<T>(input: T, what: string): T {
  try {
    return structuredClone(input);
  } catch {
    throw new InvalidArgumentError(`${what || 'spec'} must be plain data (no functions or class instances)`, what || undefined);
  }
}

function finish(raw: z.infer<typeof specSchema>, ctx: SpecContext, prefix: string): NormalizedSpec {
  const kind = ctx.taskKinds.get(raw.kind);
  if (kind === undefined) {
    const known = [...ctx.taskKinds.keys()].sort().join(', ');
    throw new SquallError(ErrorCode.UnknownTaskKind, `unknown task kind ${JSON.stringify(raw.kind)}; known kinds: ${known}`, {
      path: joinPath(prefix, ['kind']),
    });
  }
  // The client's data as sent, `__proto__` members included (own-keys.ts).
  const parsed = safeParseKeeping(kind.params, raw.params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = joinPath(prefix, ['params', ...(issue?.path ?? [])]);
    throw new InvalidArgumentError(`${path}: ${issue?.message ?? 'invalid'} (kind ${raw.kind})`, path);
  }
  const r = raw.retry ?? {};
  const retry: RetryPolicy = {
    strategy: r.strategy ?? ctx.defaultRetry.strategy,
    maxRetries: r.maxRetries ?? ctx.defaultRetry.maxRetries,
    delayMs: r.delayMs ?? ctx.defaultRetry.delayMs,
    maxDelayMs: r.maxDelayMs ?? Math.max(ctx.defaultRetry.maxDelayMs, r.delayMs ?? 0),
  };
  if (retry.strategy === 'none') retry.maxRetries = 0;
  return {
    kind: raw.kind,
    params: parsed.data,
    taskId: raw.taskId,
    priority: raw.priority ?? 'medium',
    retry,
    timeoutMs: raw.timeoutMs,
    dependencies: [...new Set(raw.dependencies ?? [])],
    scheduledAt: raw.scheduledAt,
    metadata: raw.metadata ?? {},
    idempotencyKey: raw.idempotencyKey,
  };
}

/** Validates one spec; `prefix` is prepended to error paths (e.g. "[3]" in a batch). */
export function normalizeSpec(input: unknown, ctx: SpecContext, prefix = ''): NormalizedSpec {
  checkJsonLimits(input, prefix);
  const copy = plainCopy(input, prefix);
  const parsed = safeParseKeeping(specSchema, copy);
  if (!parsed.success) fail(prefix, parsed.error);
  return finish(parsed.data, ctx, prefix);
}

/** Validates a batch (a non-empty array of specs, at most 10000). */
export function normalizeBatch(input: unknown, ctx: SpecContext): NormalizedSpec[] {
  if (!Array.isArray(input)) throw new InvalidArgumentError('batch must be an array of execution specs', '');
  if (input.length === 0) throw new InvalidArgumentError('batch must contain at least one execution spec', '');
  if (input.length > 10_000) throw new InvalidArgumentError(`batch has ${input.length} specs; at most 10000 are allowed`, '');
  return input.map((spec, i) => normalizeSpec(spec, ctx, `[${i}]`));
}

export interface GraphNode {
  name: string;
  spec: NormalizedSpec;
  dependsOn: string[];
}

/**
 * Validates a graph and returns its nodes in topological order (dependencies
 * first). Unknown dependsOn names are invalid_argument with the path; a cycle
 * is SquallError cycle whose message names it.
 */
export function normalizeGraph(input: unknown, ctx: SpecContext): GraphNode[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidArgumentError('graph must be an object mapping task names to specs', '');
  }
  checkJsonLimits(input, '');
  const copy = plainCopy(input as Record<string, unknown>, '');
  const names = Object.keys(copy);
  if (names.length === 0) throw new InvalidArgumentError('graph must contain at least one task', '');
  if (names.length > 10_000) throw new InvalidArgumentError(`graph has ${names.length} tasks; at most 10000 are allowed`, '');
  const nodes = new Map<string, GraphNode>();
  for (const name of names) {
    const parsed = safeParseKeeping(graphNodeSchema, copy[name]);
    if (!parsed.success) fail(name, parsed.error);
    const { dependsOn = [], ...rest } = parsed.data;
    dependsOn.forEach((dep, i) => {
      if (!Object.hasOwn(copy, dep)) {
        throw new InvalidArgumentError(
          `${name}.dependsOn[${i}] names unknown task ${JSON.stringify(dep)}; tasks in this graph: ${names.join(', ')}`,
          `${name}.dependsOn[${i}]`,
        );
      }
    });
    nodes.set(name, { name, spec: finish(rest, ctx, name), dependsOn: [...new Set(dependsOn)] });
  }
  const edges = new Map([...nodes].map(([name, n]) => [name, n.dependsOn] as const));
  const cycle = findCycle(edges);
  if (cycle !== undefined) {
    throw new SquallError(ErrorCode.Cycle, `the graph has a dependency cycle: ${cycle.join(' -> ')}`, { path: cycle[0] });
  }
  return topologicalOrder(edges).map((name) => nodes.get(name) as GraphNode);
}
