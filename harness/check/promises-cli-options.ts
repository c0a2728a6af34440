/**
 * Part of 31: every documented `squall submit` option reaches the wire and
 * the execution (README, "Operating it from the command line"; `squall
 * submit --help`; docs/TASK-KINDS.md). The command line is read here with
 * this file's own table of the documented options, never system/cli's
 * parser, and the request it must make is derived from it:
 *
 * - `--kind K [--params J] [--priority P] [--timeout-ms N] [--retry J]
 *   [--idempotency-key K]`: POST /api/v1/executions with exactly
 *   {kind, params (J, or {}), priority, timeoutMs, retry, idempotencyKey}
 *   for the options given, nothing else;
 * - `--file F`: F's spec as written, to /api/v1/executions, or an array of
 *   them as {executions: [...]} to /api/v1/executions/batch;
 * - `--graph F`: F's graph as written, to /api/v1/graphs;
 *
 * and the executions the answer created carry it: the kind and params
 * sent, the priority asked for (medium when none), the timeoutMs and
 * idempotency key asked for (null when none), every retry field given; a
 * graph's, as the command read them back (--wait), also depend on exactly
 * the executions of the tasks their dependsOn names.
 * An option outside the table, or a --params/--retry that is not JSON, is
 * not judged here (nothing is sent: the exit-code rule judges it).
 */
import { type CliRequest, type CliRun, type CreatedView, cliRunsOf, ownRequests } from './cli-runs.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** `squall submit`'s documented options (--help, README): true when the option takes a value. */
export const SUBMIT_OPTIONS: Readonly<Record<string, boolean>> = {
  '--kind': true,
  '--params': true,
  '--priority': true,
  '--timeout-ms': true,
  '--retry': true,
  '--idempotency-key': true,
  '--file': true,
  '--graph': true,
  '--wait': false,
  '--poll-ms': true,
  '--url': true,
  '--token-file': true,
  '--token': true,
  '--tls-ca': true,
  '--json': false,
};

/** The request a submit command line asks for, as the docs describe it. */
interface Asked {
  path: string;
  body: unknown;
  /** Each execution's spec, in the answer's order (a graph's are not judged on the answer). */
  specs?: Record<string, unknown>[];
}

/** A submit command line's options (undefined: an option outside the table, or a value missing). */
function submitOptions(args: readonly string[]): Map<string, string | true> | undefined {
  const opts = new Map<string, string | true>();
  for (let i = args[0] === 'submit' ? 1 : 0; i < args.length; i++) {
    const a = args[i] as string;
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    const takes = SUBMIT_OPTIONS[name];
    if (takes === undefined) return undefined;
    if (!takes) opts.set(name, true);
    else if (eq > 0) opts.set(name, a.slice(eq + 1));
    else if (i + 1 < args.length) opts.set(name, args[++i] as string);
    else return undefined;
  }
  return opts;
}

function json(text: string | true | undefined): { ok: boolean; value?: unknown } {
  if (typeof text !== 'string') return { ok: text === undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** What the command line asks to send (undefined: nothing judged here). */
export function askedOf(run: Pick<CliRun, 'args' | 'files'>): Asked | undefined {
  const o = submitOptions(run.args);
  if (o === undefined) return undefined;
  const file = (flag: string): unknown => run.files?.[o.get(flag) as string];
  if (typeof o.get('--graph') === 'string') return { path: '/api/v1/graphs', body: file('--graph') };
  if (typeof o.get('--file') === 'string') {
    const spec = file('--file');
    return Array.isArray(spec) ? { path: '/api/v1/executions/batch', body: { executions: spec }, specs: spec as Record<string, unknown>[] } : { path: '/api/v1/executions', body: spec, specs: [spec as Record<string, unknown>] };
  }
  const kind = o.get('--kind');
  const params = json(o.get('--params'));
  const retry = json(o.get('--retry'));
  if (typeof kind !== 'string' || !params.ok || !retry.ok) return undefined;
  const str = (flag: string, key: string, as: (s: string) => unknown = (s) => s): Record<string, unknown> => (typeof o.get(flag) === 'string' ? { [key]: as(o.get(flag) as string) } : {});
  const body = { kind, params: params.value ?? {}, ...str('--priority', 'priority'), ...str('--timeout-ms', 'timeoutMs', Number), ...(retry.value === undefined ? {} : { retry: retry.value }), ...str('--idempotency-key', 'idempotencyKey') };
  return { path: '/api/v1/executions', body, specs: [body] };
}

/** JSON with keys sorted, so two documents compare by content. */
function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (x !== null && typeof x === 'object') return `{${Object.keys(x).sort().map((k) => `${JSON.stringify(k)}:${canonical((x as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(x) ?? 'undefined';
}

/** Where a created execution differs from the spec it was created from. */
function createdMismatch(spec: Record<string, unknown>, got: CreatedView): string | undefined {
  const want: [string, unknown, unknown][] = [
    ['kind', spec.kind, got.kind],
    ['params', spec.params ?? {}, got.params ?? {}],
    ['priority', spec.priority ?? 'medium', got.priority],
    ['timeoutMs', spec.timeoutMs ?? null, spec.timeoutMs === undefined ? null : got.timeoutMs],
    ['idempotencyKey', spec.idempotencyKey ?? null, got.idempotencyKey],
  ];
  const retry = (spec.retry ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(retry)) want.push([`retry.${k}`, retry[k], (got.retry as Record<string, unknown> | undefined)?.[k]]);
  const bad = want.find(([, w, g]) => canonical(w) !== canonical(g));
  return bad === undefined ? undefined : `${got.executionId} was created with ${bad[0]} ${canonical(bad[2])} where the command line asked for ${canonical(bad[1])}`;
}

/** The first difference between what a submit command line asks for and what it sent and created. */
function submitMismatch(run: CliRun, asked: Asked): string | undefined {
  const post = ownRequests(run).find((r) => r.method === 'POST');
  if (post === undefined) return run.exitCode === 2 ? undefined : `sent no submission, though its command line asks for POST ${asked.path}`;
  if (post.path !== asked.path) return `sent POST ${post.path} at t=${post.at}, but its command line asks for POST ${asked.path}`;
  if (post.sent !== undefined && canonical(post.sent) !== canonical(asked.body)) {
    return `sent POST ${post.path} at t=${post.at} with ${canonical(post.sent)}, but its command line asks for ${canonical(asked.body)}: every submit option given reaches the request`;
  }
  return asked.path === '/api/v1/graphs' ? graphMismatch(run, post, asked.body) : createdOf(post, asked);
}

/** The last view of an execution the command read (GET /api/v1/executions/<id>). */
function lastRead(run: CliRun, id: string): CreatedView | undefined {
  const path = `/api/v1/executions/${encodeURIComponent(id)}`;
  return ownRequests(run).filter((r) => r.method === 'GET' && r.path === path && r.created !== undefined).at(-1)?.created?.[0];
}

/** A graph's executions as the command read them: each task's options, and its dependencies the executions of the tasks it names. */
function graphMismatch(run: CliRun, post: CliRequest, graph: unknown): string | undefined {
  const tasks = ((graph as { tasks?: unknown } | null)?.tasks ?? {}) as Record<string, Record<string, unknown>>;
  const names = Object.keys(tasks);
  const answered = post.created ?? [];
  if (answered.length !== names.length) return `its graph of ${names.length} tasks was answered ${answered.length} executions (POST ${post.path} at t=${post.at})`;
  const idOf = new Map(names.map((n, i) => [n, (answered[i] as CreatedView).executionId]));
  for (const name of names) {
    const spec = tasks[name] as Record<string, unknown>;
    const view = lastRead(run, idOf.get(name) as string);
    if (view === undefined) continue;
    const deps = Array.isArray(spec.dependsOn) ? (spec.dependsOn as string[]).map((d) => idOf.get(d) ?? d).sort() : [];
    const m = createdMismatch(spec, view) ?? (canonical(deps) === canonical([...((view.dependencies as string[] | undefined) ?? [])].sort()) ? undefined : `${view.executionId} depends on ${canonical(view.dependencies)} where its task ${name} names ${canonical(spec.dependsOn ?? [])} (${canonical(deps)})`);
    if (m !== undefined) return `graph task ${name}, as read back: ${m}`;
  }
  return undefined;
}

function createdOf(post: CliRequest, asked: Asked): string | undefined {
  if (asked.specs === undefined || post.created === undefined) return undefined;
  for (const [i, got] of post.created.entries()) {
    const spec = asked.specs[i];
    const m = spec === undefined ? undefined : createdMismatch(spec, got);
    if (m !== undefined) return `its submission (POST ${post.path} at t=${post.at}) answered ${post.status}: ${m}`;
  }
  return undefined;
}

/** 31. Every `squall submit` run: the request and the executions its options ask for (see the file comment). */
export function checkCliOptions(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const { rec, run } of cliRunsOf(view)) {
    if (run.args[0] !== 'submit' || run.endedAt === undefined) continue;
    const asked = askedOf(run);
    const m = asked === undefined ? undefined : submitMismatch(run, asked);
    if (m !== undefined) out.push(violation(view.records, 'cli', `squall ${run.args.join(' ')} (t=${run.startedAt}): ${m}`, { index: rec.index }));
  }
  return out;
}
