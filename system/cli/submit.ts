/**
 * `squall submit`: a small client of the HTTP API. Submits one execution, a
 * batch or a graph (from flags or a JSON file), optionally waits for the
 * outcome (following the event stream, like `executions watch`) and prints
 * it: JSON with ISO-8601 times when piped or with --json, a readable summary
 * on a terminal. Exit codes: exit-codes.ts (1 when a waited-for execution did
 * not complete).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ErrorCode } from '../core/errors.js';
import { Priority } from '../core/model.js';
import { apiJson, type ApiTarget } from './api-client.js';
import { type CliIo, processIo } from './cli-io.js';
import { addClientOptions, type ClientFlags, clientTarget, wantsJson } from './client-options.js';
import { executionDetail, TERMINAL, type ExecutionView } from './execution-view.js';
import { CliError, EXIT } from './exit-codes.js';
import { isoTimes } from './format.js';
import { refuseConflictingFlags } from './flag-rules.js';
import { submitInertFlag } from './inert-flags.js';
import { choiceOption, intOption, jsonOption } from './options.js';
import { watchExecution } from './watch.js';

/** The parsed submit flags. */
export interface SubmitFlags extends ClientFlags {
  kind?: string;
  params?: unknown;
  file?: string;
  graph?: string;
  priority?: string;
  timeoutMs?: number;
  retry?: unknown;
  idempotencyKey?: string;
  wait?: boolean;
  pollMs: number;
}

function readJsonFile(path: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(ErrorCode.InvalidArgument, `${flag} ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`, EXIT.usage);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(ErrorCode.InvalidArgument, `${flag} ${path} is not JSON: ${(err as Error).message}`, EXIT.usage);
  }
}

/** The request `squall submit` sends for these flags (path and body), the files they name read: --graph, else --file (an array: a batch), else --kind and its fields. */
export function submissionRequest(flags: SubmitFlags): { path: string; body: unknown } {
  if (flags.graph !== undefined) return { path: '/api/v1/graphs', body: readJsonFile(flags.graph, '--graph') };
  if (flags.file !== undefined) {
    const spec = readJsonFile(flags.file, '--file');
    return Array.isArray(spec) ? { path: '/api/v1/executions/batch', body: { executions: spec } } : { path: '/api/v1/executions', body: spec };
  }
  if (flags.kind === undefined) throw new CliError(ErrorCode.InvalidArgument, 'give --kind (with --params), --file or --graph (task kinds and their params: squall kinds)', EXIT.usage);
  return {
    path: '/api/v1/executions',
    body: {
      kind: flags.kind,
      params: flags.params ?? {},
      ...(flags.priority === undefined ? {} : { priority: flags.priority }),
      ...(flags.timeoutMs === undefined ? {} : { timeoutMs: flags.timeoutMs }),
      ...(flags.retry === undefined ? {} : { retry: flags.retry }),
      ...(flags.idempotencyKey === undefined ? {} : { idempotencyKey: flags.idempotencyKey }),
    },
  };
}

function submission(flags: SubmitFlags, t: ApiTarget): Promise<{ status: number; json: unknown }> {
  const { path, body } = submissionRequest(flags);
  return apiJson(t, 'POST', path, 'submit', body);
}

async function waitAll(t: ApiTarget, ids: readonly string[], flags: SubmitFlags, io: CliIo): Promise<ExecutionView[]> {
  const out: ExecutionView[] = [];
  for (const id of ids) {
    await watchExecution(t, id, { ...flags, quiet: true, until: TERMINAL }, io);
    out.push((await apiJson(t, 'GET', `/api/v1/executions/${encodeURIComponent(id)}`, `reading ${id}`)).json as ExecutionView);
  }
  return out;
}

async function run(flags: SubmitFlags, io: CliIo): Promise<void> {
  const t = clientTarget(flags, io);
  const res = await submission(flags, t);
  const json = wantsJson(flags, io.isTTY);
  const body = res.json as { executionId?: string; executions?: { executionId: string }[] };
  if (flags.wait !== true) {
    const ids = body.executionId !== undefined ? [body.executionId] : (body.executions ?? []).map((e) => e.executionId);
    io.out(json ? `${JSON.stringify(isoTimes(res.json), null, 2)}\n` : `submitted ${ids.join(', ')}${res.status === 200 ? ' (existing execution: same idempotency key)' : ''}\nfollow with: squall executions watch ${ids[0] ?? ''}\n`);
    return;
  }
  const ids = body.executionId !== undefined ? [body.executionId] : (body.executions ?? []).map((e) => e.executionId);
  const done = await waitAll(t, ids, flags, io);
  if (json) io.out(`${JSON.stringify(isoTimes(done.length === 1 ? done[0] : done), null, 2)}\n`);
  else io.out(`${done.map((d) => executionDetail(d, io.now())).join('\n\n')}\n`);
  if (done.some((d) => d.status !== 'completed')) io.setExitCode(EXIT.workFailed);
}

/** Registers `squall submit`. */
export function registerSubmitCommand(program: Command, io: CliIo = processIo): void {
  submitCommand(program.command('submit'), io);
}

/** `squall submit`'s flags on `cmd`, a flag that would do nothing refused before the action (exit 2), and the action. */
export function submitCommand(cmd: Command, io: CliIo = processIo): Command {
  return refuseConflictingFlags(addSubmitOptions(cmd), submitInertFlag).action((flags: SubmitFlags) => run(flags, io));
}

/** The spec's priorities, lowest first (core/model.ts), the only values --priority takes. */
const PRIORITIES = Object.keys(Priority) as Priority[];

function addSubmitOptions(cmd: Command): Command {
  return addClientOptions(cmd.description('submit work to a coordinator over its HTTP API (task kinds and params: squall kinds)'), 'submit')
    .option('--kind <kind>', 'task kind: sleep, echo, fail, cpu, command, container')
    .option('--params <json>', 'task params as JSON', jsonOption('--params'))
    .option('--priority <p>', `${PRIORITIES.join(' | ')} (default medium)`, choiceOption('--priority', PRIORITIES))
    .option('--timeout-ms <ms>', 'per-attempt timeout', intOption('--timeout-ms', 1))
    .option('--retry <json>', 'retry policy as JSON, e.g. {"strategy":"fixed","maxRetries":3,"delayMs":100}', jsonOption('--retry'))
    .option('--idempotency-key <key>', 'a repeat with the same key and spec returns the first execution')
    .option('--file <path>', 'a JSON execution spec, or an array of them (batch)')
    .option('--graph <path>', 'a JSON graph: {"tasks": {"a": {...}, "b": {"dependsOn": ["a"], ...}}}')
    .option('--wait', 'wait until every submitted execution ends and print them (exit 1 unless all completed)')
    .option('--poll-ms <ms>', 'with --wait: re-read at least this often (the event stream usually says sooner)', intOption('--poll-ms', 100, 60000), 2000);
}
