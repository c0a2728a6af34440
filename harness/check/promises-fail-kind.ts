/**
 * Part of 16, task-contract: what an ended `fail {times, messageChars?}`
 * leaves its client to read, by the checker's own copy of the kind's contract
 * (docs/TASK-KINDS.md, system/tasks/fail.ts; task cover37):
 *
 * - completed: the result is `{attempt}`, an attempt past `times`;
 * - failed by its own failure (error code task_failed, or a message of the
 *   kind's): the error is `task_failed` with the message
 *   "failing on purpose: attempt A of the first T that fail" for an attempt
 *   A within 1..times, padded with dots to `messageChars` characters after a
 *   space when that is given, and cut to the protocol's 4000 characters;
 *   the worker's secret, where the message holds it, as "[redacted]"
 *   (secret-redaction.yaml's secret is "failing on purpose").
 *
 * Outcomes alone (promises-tasks.ts judgeOutcome) cannot see a message one
 * character short or a result naming the wrong attempt: only the read does
 * (cover37 #09 padded the message one character short). Read from the
 * end-of-run note `failResults` (harness/scenario/final-reads.ts: each ended
 * fail execution's status, result and error, as the client reads them).
 */
import type { TaskSubmitted } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The longest error message the protocol carries (ErrorInfo in system/protocol/messages.ts). */
const MAX_MESSAGE = 4000;
const OWN = /attempt (\d+) of the first (\d+) that fail/;
const REDACTED = '[redacted]';

/** The message fail's attempt `attempt` fails with, before the worker cuts it. */
function failText(attempt: number, times: number, messageChars: number | undefined): string {
  const base = `failing on purpose: attempt ${attempt} of the first ${times} that fail`;
  return messageChars === undefined ? base : `${base} `.padEnd(messageChars, '.');
}

/** The message fail's attempt `attempt` ends with, as the client reads it (no secret in it). */
export function failMessage(attempt: number, times: number, messageChars: number | undefined): string {
  return failText(attempt, times, messageChars).slice(0, MAX_MESSAGE);
}

interface FailRead {
  status?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown };
}

const num = (v: unknown, key: string): number | undefined => {
  const x = (v as Record<string, unknown> | null | undefined)?.[key];
  return typeof x === 'number' ? x : undefined;
};

/** What is wrong with one ended fail execution as read, or undefined. */
function failProblem(params: unknown, read: FailRead, secrets: readonly string[]): string | undefined {
  const times = num(params, 'times') ?? 0;
  if (read.status === 'completed') {
    const attempt = num(read.result, 'attempt');
    const keys = Object.keys((read.result ?? {}) as object);
    if (attempt === undefined || keys.length !== 1 || attempt <= times) return `completed with result ${JSON.stringify(read.result)}, but a completed fail returns {attempt} of an attempt after the first ${times}`;
    return undefined;
  }
  if (read.status !== 'failed' || read.error === undefined) return undefined;
  const { code, message } = read.error;
  const own = typeof message === 'string' ? OWN.exec(message) : null;
  if (code !== 'task_failed' && own === null) return undefined; // ended failed by something else (a dependency, a refused kind)
  const attempt = own === null ? undefined : Number(own[1]);
  if (attempt === undefined || attempt < 1 || attempt > times) return `ended failed with error ${JSON.stringify(read.error).slice(0, 160)}, but fail's own failure names an attempt within the first ${times}`;
  const text = failText(attempt, times, num(params, 'messageChars'));
  const redact = (m: string): string => secrets.reduce((x, secret) => (secret === '' ? x : x.replaceAll(secret, REDACTED)), m);
  // Cut then redacted, or redacted then cut: either order reads as the kind's message.
  const want = redact(text.slice(0, MAX_MESSAGE));
  const ok = new Set([want, redact(text).slice(0, MAX_MESSAGE)]);
  if (code !== 'task_failed' || typeof message !== 'string' || !ok.has(message)) {
    const got = typeof message === 'string' ? `${message.length} characters` : 'no message';
    return `ended failed with code ${JSON.stringify(code)} and a message of ${got}, but attempt ${attempt}'s failure is task_failed with "${want.slice(0, 70)}${want.length > 70 ? '…' : ''}" (${want.length} characters)`;
  }
  return undefined;
}

/** 16. Each ended fail execution as its client reads it (see the file comment). */
export function checkFailReads(view: HistoryView, tasks: ReadonlyMap<string, TaskSubmitted>, secrets: readonly string[] = []): Violation[] {
  const note = view.records.findLast((r) => r.f === 'note' && r.value.failResults !== undefined);
  const reads = note?.value.failResults as Record<string, FailRead> | undefined;
  if (note === undefined || reads === undefined) return [];
  const out: Violation[] = [];
  for (const [id, read] of Object.entries(reads)) {
    const task = tasks.get(id);
    if (task?.kind !== 'fail') continue;
    const problem = failProblem(task.params, read, secrets);
    if (problem !== undefined) out.push(violation(view.records, 'task-contract', `fail ${JSON.stringify(task.params)}: ${problem}`, { index: note.index, executionId: id }));
  }
  return out;
}
