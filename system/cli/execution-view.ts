/**
 * How an execution (the API's JSON view) is shown on a terminal: one row in
 * `executions list`, a detail block with the status history in `executions
 * get`, a line per status change in `executions watch`.
 */
import { ago, duration, renderTable, when } from './format.js';

/** The fields of GET /api/v1/executions/{id} the CLI shows. */
export interface ExecutionView {
  executionId: string;
  taskId: string;
  kind: string;
  status: string;
  attempts: number;
  priority: string;
  result: unknown;
  error: { code: string; message: string } | null;
  statusHistory: { status: string; at: number; previous: string | null; attempt: number; reason: string | null }[];
  lease: { workerId: string; attempt: number; expiresAt: number } | null;
  checkpoint: { seq: number; attempt: number; at: number } | null;
  dependencies: string[];
  nextRunAt: number | null;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  /** Set by a pause answered 202: the pause is requested, the worker has not stopped yet. */
  requested?: string;
}

/** Statuses after which nothing changes. */
export const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'timeout']);

/** The executions list as a table. */
export function executionsTable(xs: readonly ExecutionView[], now: number): string {
  const rows = xs.map((x) => [
    x.executionId,
    x.taskId === x.executionId ? '-' : x.taskId,
    x.kind,
    x.status,
    String(x.attempts),
    x.lease?.workerId ?? '-',
    ago(x.createdAt, now),
    ago(x.statusHistory.at(-1)?.at, now),
  ]);
  return renderTable(['execution', 'task', 'kind', 'status', 'attempts', 'worker', 'created', 'changed'], rows, ['l', 'l', 'l', 'l', 'r']);
}

/** One status-history entry as a line: "2026-...Z (3s ago)  running  attempt 1  claimed by w1". */
export function historyLine(h: ExecutionView['statusHistory'][number], now: number): string {
  return `${when(h.at, now)}  ${h.status.padEnd(9)}  attempt ${h.attempt}${h.reason === null ? '' : `  ${h.reason}`}`;
}

/** The detail view of one execution. */
export function executionDetail(x: ExecutionView, now: number): string {
  const took = x.startedAt !== null && x.completedAt !== null ? ` (ran ${duration(x.completedAt - x.startedAt)})` : '';
  const lines = [
    `execution  ${x.executionId}${x.taskId === x.executionId ? '' : `  task ${x.taskId}`}`,
    `kind       ${x.kind}  priority ${x.priority}`,
    `status     ${x.status}${x.requested === undefined ? '' : ` (${x.requested} requested)`}  attempts ${x.attempts}${took}`,
    `created    ${when(x.createdAt, now)}`,
  ];
  if (x.completedAt !== null) lines.push(`finished   ${when(x.completedAt, now)}`);
  if (x.lease !== null) lines.push(`worker     ${x.lease.workerId} (attempt ${x.lease.attempt}, lease expires ${ago(x.lease.expiresAt, now)})`);
  if (x.nextRunAt !== null) lines.push(`next run   ${when(x.nextRunAt, now)}`);
  if (x.checkpoint !== null) lines.push(`checkpoint seq ${x.checkpoint.seq} (attempt ${x.checkpoint.attempt}, ${ago(x.checkpoint.at, now)})`);
  if (x.dependencies.length > 0) lines.push(`depends on ${x.dependencies.join(', ')}`);
  if (x.error !== null) lines.push(`error      ${x.error.code}: ${x.error.message}`);
  if (x.result !== null) lines.push(`result     ${JSON.stringify(x.result).slice(0, 500)}`);
  lines.push('', 'history', ...x.statusHistory.map((h) => `  ${historyLine(h, now)}`));
  return lines.join('\n');
}
