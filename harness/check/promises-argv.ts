/**
 * Part of promise 16, `task-contract`: the command kind runs its argv
 * without a shell, "no word splitting or expansion" (docs/TASK-KINDS.md):
 * each element is one literal argument, whatever it holds (blanks, `*`,
 * quotes, `$NAME`, `;`). Judged on the end-of-run reads of command
 * executions (`kindResults`, harness/scenario/final-reads.ts) whose
 * submitted argv is `echo ARGS...`: echo exits 0 and prints its arguments
 * joined by one space, so a completion must carry exactly that stdout and a
 * failure naming an exit code is one no literal echo gives (blind set 18
 * #12: `shell: true`, the argv joined and interpreted by /bin/sh). The
 * simulated process table honours the spawn options production passes
 * (harness/sim/resources/process-table.ts), so a shell there splits,
 * expands and runs what follows a `;`, as /bin/sh would.
 */
import type { TaskSubmitted } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** An ended command execution as the client read it. */
interface CommandRead {
  status?: string;
  result?: { stdout?: unknown };
  error?: { message?: unknown };
}

/** What `echo ARGS...` prints run without a shell, or undefined when the argv is not such an echo (its output to stderr: `>&2` last). */
function literalEcho(task: TaskSubmitted): string | undefined {
  const argv = (task.params as { argv?: unknown } | undefined)?.argv;
  if (task.kind !== 'command' || !Array.isArray(argv) || argv[0] !== 'echo' || argv.at(-1) === '>&2' || !argv.every((a) => typeof a === 'string')) return undefined;
  return `${argv.slice(1).join(' ')}\n`;
}

/** Every rule of this file (see the file comment), against the tasks the client submitted. */
export function checkLiteralArgv(view: HistoryView, tasks: ReadonlyMap<string, TaskSubmitted>): Violation[] {
  const note = view.records.findLast((r) => r.f === 'note' && r.value.kindResults !== undefined);
  const reads = note?.value.kindResults as Record<string, CommandRead> | undefined;
  if (note === undefined || reads === undefined) return [];
  const out: Violation[] = [];
  for (const [id, read] of Object.entries(reads)) {
    const task = tasks.get(id);
    const want = task === undefined ? undefined : literalEcho(task);
    if (want === undefined) continue;
    const argv = JSON.stringify((task?.params as { argv: string[] }).argv).slice(0, 200);
    const v = (m: string): Violation => violation(view.records, 'task-contract', `command ${argv} ${m}: argv runs without a shell, each element one literal argument, so echo prints ${JSON.stringify(want)}`, { index: note.index, executionId: id });
    if (read.status === 'completed' && read.result?.stdout !== want) out.push(v(`completed printing ${JSON.stringify(read.result?.stdout).slice(0, 200)}`));
    const message = typeof read.error?.message === 'string' ? read.error.message : '';
    if (read.status === 'failed' && /exited with code/.test(message)) out.push(v(`failed: ${message.slice(0, 200)}`));
  }
  return out;
}
