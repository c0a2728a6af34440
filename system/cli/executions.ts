/**
 * `squall executions list|get|cancel|pause|resume|watch`: operating a
 * running system from a terminal or a script, over the HTTP API (read scope
 * for list/get/watch, submit scope for the rest). A table and human times on
 * a terminal, JSON otherwise (--json); every failure is one line naming the
 * coordinator and the cause, with the exit codes of exit-codes.ts.
 */
import type { Command } from 'commander';
import { EXECUTION_STATUSES } from '../core/model.js';
import { apiJson, type ApiTarget } from './api-client.js';
import { type CliIo, processIo } from './cli-io.js';
import { addClientOptions, type ClientFlags, clientTarget, wantsJson } from './client-options.js';
import { executionDetail, executionsTable, type ExecutionView } from './execution-view.js';
import { isoTimes } from './format.js';
import { choiceOption, intOption } from './options.js';
import { watchAll, watchExecution, type WatchFlags } from './watch.js';

interface ListFlags extends ClientFlags {
  status?: string;
  taskId?: string;
  limit: number;
  cursor?: string;
  all?: boolean;
}

const ID = (id: string): string => `/api/v1/executions/${encodeURIComponent(id)}`;

function print(io: CliIo, flags: ClientFlags, json: unknown, human: () => string): void {
  io.out(`${wantsJson(flags, io.isTTY) ? JSON.stringify(isoTimes(json), null, 2) : human()}\n`);
}

async function list(t: ApiTarget, flags: ListFlags, io: CliIo): Promise<void> {
  const out: ExecutionView[] = [];
  let cursor: string | null = flags.cursor ?? null;
  do {
    const q = new URLSearchParams({ limit: String(flags.limit) });
    if (flags.status !== undefined) q.set('status', flags.status);
    if (flags.taskId !== undefined) q.set('taskId', flags.taskId);
    if (cursor !== null) q.set('cursor', cursor);
    const { json } = await apiJson(t, 'GET', `/api/v1/executions?${q}`, 'listing executions');
    const page = json as { executions: ExecutionView[]; nextCursor: string | null };
    out.push(...page.executions);
    cursor = page.nextCursor;
  } while (flags.all === true && cursor !== null);
  print(io, flags, { executions: out, nextCursor: cursor }, () => {
    const more = cursor === null ? '' : `; more with --cursor ${cursor} (or --all)`;
    return `${executionsTable(out, io.now())}\n${out.length} execution(s)${more}`;
  });
}

async function control(t: ApiTarget, action: 'cancel' | 'pause' | 'resume', id: string, body: unknown, flags: ClientFlags & WatchFlags, io: CliIo): Promise<void> {
  const { status, json } = await apiJson(t, 'POST', `${ID(id)}/${action}`, `${action} ${id}`, body);
  const x = json as ExecutionView;
  if (action === 'pause' && status === 202 && flags.wait === true) {
    // The worker checkpoints and stops the attempt; follow it until it is paused (or ends).
    await watchExecution(t, id, { ...flags, quiet: true, until: new Set(['paused']) }, io);
    const { json: now } = await apiJson(t, 'GET', ID(id), `reading ${id}`);
    return print(io, flags, now, () => `${id} is now ${(now as ExecutionView).status}`);
  }
  print(io, flags, json, () => {
    if (status === 202) {
      const on = x.lease === null ? '' : ` on ${x.lease.workerId}`;
      return `pause requested: ${id} is ${x.status}${on}; its worker checkpoints and stops it (follow with: squall executions watch ${id}, or pause --wait)`;
    }
    return `${id} is now ${x.status}`;
  });
}

/** Registers `squall executions` and its subcommands. */
export function registerExecutionsCommand(program: Command, io: CliIo = processIo): void {
  const cmd = program.command('executions').description('list, inspect, cancel, pause, resume and watch executions on a running coordinator');
  addClientOptions(cmd.command('list').description('list executions, oldest first (as the API pages them: createdAt, then id)'))
    .option('--status <status>', `only this status (${EXECUTION_STATUSES.join(', ')})`, choiceOption('--status', EXECUTION_STATUSES))
    .option('--task-id <id>', 'only executions of this task id')
    .option('--limit <n>', 'page size (1-1000)', intOption('--limit', 1, 1000), 50)
    .option('--cursor <cursor>', 'continue from a previous page (printed under the table)')
    .option('--all', 'follow every page')
    .action((flags: ListFlags) => list(clientTarget(flags, io), flags, io));
  addClientOptions(cmd.command('get').argument('<id>', 'execution id').description('show one execution: status, worker, checkpoint, result or error, status history'))
    .action(async (id: string, flags: ClientFlags) => {
      const { json } = await apiJson(clientTarget(flags, io), 'GET', ID(id), `reading ${id}`);
      print(io, flags, json, () => executionDetail(json as ExecutionView, io.now()));
    });
  addClientOptions(cmd.command('cancel').argument('<id>', 'execution id').description('cancel an unfinished execution (its worker aborts the attempt)'), 'submit')
    .option('--reason <text>', 'recorded in the status history', 'cancelled from the CLI')
    .action((id: string, flags: ClientFlags & { reason: string }) => control(clientTarget(flags, io), 'cancel', id, { reason: flags.reason }, flags, io));
  addClientOptions(cmd.command('pause').argument('<id>', 'execution id').description('pause an execution; a running one is checkpointed and stopped by its worker (HTTP 202 until then)'), 'submit')
    .option('--wait', 'wait until it is actually paused (or finished)')
    .action((id: string, flags: ClientFlags & WatchFlags) => control(clientTarget(flags, io), 'pause', id, undefined, flags, io));
  addClientOptions(cmd.command('resume').argument('<id>', 'execution id').description('resume a paused execution from its latest checkpoint'), 'submit')
    .action((id: string, flags: ClientFlags) => control(clientTarget(flags, io), 'resume', id, undefined, flags, io));
  addClientOptions(cmd.command('watch').argument('[id]', 'execution id (omit to follow every event)').description('follow one execution until it ends (exit 0 completed, 1 otherwise), or every event'))
    .option('--poll-ms <ms>', 're-read at least this often (the event stream usually says sooner)', intOption('--poll-ms', 100, 60000), 2000)
    .action((id: string | undefined, flags: ClientFlags & WatchFlags) => (id === undefined ? watchAll(clientTarget(flags, io), flags, io) : watchExecution(clientTarget(flags, io), id, flags, io)));
}
