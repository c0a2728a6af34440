/**
 * The HTTP API's request bodies and query as zod schemas: the same schemas
 * the engine checks specs with (engine/spec.ts) wrapped in the API's
 * envelopes, and the source of the generated API reference (`squall kinds`,
 * docs/TASK-KINDS.md). A bad body is InvalidArgumentError naming the field
 * path ("executions.1.retry.maxRetries"); params are checked against the
 * task kind's own schema at the edge, so a typo is a 400 now rather than a
 * failed attempt later.
 */
import { z } from 'zod';
import { ErrorCode, InvalidArgumentError, SquallError } from '../core/errors.js';
import { EXECUTION_STATUSES } from '../core/model.js';
import type { ExecutionSpec, GraphSpec, ListQuery } from '../engine/contract.js';
import { graphNodeSchema, specSchema } from '../engine/spec.js';
import type { TaskKind } from '../tasks/kind.js';
import { safeParseKeeping } from '../core/own-keys.js';

/** POST /api/v1/executions/batch: {"executions": [spec, ...]} ("tasks" is accepted as an alias), or a bare array. */
const batchBodySchema = z.union([
  z.strictObject({ executions: z.array(specSchema).min(1, { error: 'must contain at least one spec' }).max(10_000) }),
  z.strictObject({ tasks: z.array(specSchema).min(1, { error: 'must contain at least one spec' }).max(10_000) }),
  z.array(specSchema).min(1, { error: 'must contain at least one spec' }).max(10_000),
]);

/** POST /api/v1/graphs: task name -> spec with dependsOn naming other tasks of the graph. */
const graphBodySchema = z.strictObject({
  tasks: z.record(z.string().min(1).max(256), graphNodeSchema, { error: 'must be an object mapping task names to specs' }),
});

/** POST /api/v1/executions/{id}/cancel|pause|resume: an optional reason (cancel records it). */
export const controlBodySchema = z.strictObject({ reason: z.string().max(1000, { error: 'must be at most 1000 characters' }).optional() });

/** GET /api/v1/executions query string. */
const listQuerySchema = z.strictObject({
  status: z.enum(EXECUTION_STATUSES, { error: `must be one of ${EXECUTION_STATUSES.join(', ')}` }).optional(),
  taskId: z.string().max(256).optional(),
  limit: z.coerce.number({ error: 'must be an integer from 1 to 1000' }).int({ error: 'must be an integer from 1 to 1000' }).min(1, { error: 'must be an integer from 1 to 1000' }).max(1000, { error: 'must be an integer from 1 to 1000' }).optional(),
  cursor: z.string().max(1000).optional(),
});

/**
 * The bodies around the spec, for the generated reference (docs/TASK-KINDS.md,
 * system/cli/kinds-doc.ts): each body-taking route's own fields and bounds
 * (the batch's envelope as `{"executions": [...]}`; its aliases take the same).
 */
export const REQUEST_BODIES: readonly { title: string; route: string; schema: z.ZodType }[] = [
  { title: 'Batch body', route: '`POST /api/v1/executions/batch` (`tasks` is an alias of `executions`; a bare array takes the same bounds)', schema: batchBodySchema.options[0] },
  { title: 'Graph body', route: '`POST /api/v1/graphs` (each task a spec as above, with `dependsOn`)', schema: graphBodySchema },
  { title: 'Control body', route: '`POST /api/v1/executions/{id}/cancel`, `/pause`, `/resume` (optional; cancel records the reason)', schema: controlBodySchema },
];

/** "executions" + [1, "retry"] -> "executions.1.retry" (the API's path style). */
function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  return [prefix, ...path.map(String)].filter((x) => x !== '').join('.');
}

/** Parses `value` with `schema`; on failure throws InvalidArgumentError naming the deepest field path. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, prefix = ''): T {
  // Bodies carry the client's data (params, metadata): kept as sent, `__proto__` members included (own-keys.ts).
  const r = safeParseKeeping(schema, value);
  if (r.success) return r.data;
  throw issueError(r.error.issues, prefix);
}

function issueError(issues: readonly z.core.$ZodIssue[], prefix: string): InvalidArgumentError {
  // A union failing everywhere: report the branch that got furthest (its deepest issue), not "invalid input".
  const flat = issues.flatMap((i) => (i.code === 'invalid_union' ? i.errors.flat().map((e) => ({ ...e, path: [...i.path, ...e.path] })) : [i]));
  const issue = flat.sort((a, b) => b.path.length - a.path.length)[0];
  if (issue === undefined) return new InvalidArgumentError(`${prefix || 'body'} is invalid`, prefix);
  const path = joinPath(prefix, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const at = joinPath(path, [issue.keys[0] ?? '']);
    return new InvalidArgumentError(`${path || 'body'} has unknown field(s) ${issue.keys.join(', ')}`, at);
  }
  return new InvalidArgumentError(`${path || 'body'} ${issue.message}`, path);
}

/** Checks one spec's kind and params against the registered task kinds; returns it typed. */
function checkKind<S extends ExecutionSpec>(spec: S, prefix: string, kinds: ReadonlyMap<string, TaskKind<unknown>>): S {
  const kind = kinds.get(spec.kind);
  if (kind === undefined) {
    throw new SquallError(ErrorCode.UnknownTaskKind, `unknown task kind "${spec.kind.slice(0, 100)}"; known kinds: ${[...kinds.keys()].sort().join(', ')}`, {
      path: joinPath(prefix, ['kind']),
    });
  }
  const parsed = kind.params.safeParse(spec.params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = joinPath(prefix, ['params', ...(issue?.path ?? [])]);
    throw new InvalidArgumentError(`invalid params for kind "${spec.kind}": ${issue?.message ?? 'schema mismatch'} at "${where}"`, where);
  }
  return spec;
}

/** A submission body: one spec, kind and params checked. */
export function parseSpecBody(body: unknown, kinds: ReadonlyMap<string, TaskKind<unknown>>): ExecutionSpec {
  return checkKind(parseWith(specSchema, body), '', kinds);
}

/** A batch body: its specs, each checked, with the prefix errors use. */
export function parseBatchBody(body: unknown, kinds: ReadonlyMap<string, TaskKind<unknown>>): ExecutionSpec[] {
  const parsed = parseWith(batchBodySchema, body);
  const [specs, prefix] = Array.isArray(parsed) ? [parsed, ''] : 'executions' in parsed ? [parsed.executions, 'executions'] : [parsed.tasks, 'tasks'];
  return specs.map((s, i) => checkKind(s, joinPath(prefix, [i]), kinds));
}

/** A graph body: its tasks, each checked. */
export function parseGraphBody(body: unknown, kinds: ReadonlyMap<string, TaskKind<unknown>>): GraphSpec {
  const { tasks } = parseWith(graphBodySchema, body);
  if (Object.keys(tasks).length === 0) throw new InvalidArgumentError('tasks must contain at least one task', 'tasks');
  for (const [name, spec] of Object.entries(tasks)) checkKind(spec, joinPath('tasks', [name]), kinds);
  return tasks;
}

/** The list query, from the URL's search params. */
export function parseListQuery(q: URLSearchParams): ListQuery {
  const raw = Object.fromEntries([...q.entries()].filter(([, v]) => v !== ''));
  return parseWith(listQuerySchema, raw);
}
