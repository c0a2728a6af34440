/**
 * Promise 31 (cli), what a command prints where its stdout is not a
 * terminal (README: "a table on a terminal; JSON when piped or with
 * --json"): run with stdout a pipe or a file (client-cli.ts gives the
 * command a process whose stdout has no `isTTY`, as node leaves it), a
 * client command that ended 0 or 1 and printed something printed JSON: one
 * document, or one per line (`executions watch`). Blind set 18 #04: the
 * CLI took an absent isTTY for a terminal and printed its tables to pipes.
 * `squall tokens` prints its token for a human or a script alike and is
 * judged by promises-cli-tokens.ts; `squall kinds` prints its table either way (JSON: --json-schema), judged by promises-cli-kinds.ts.
 */
import { cliRunsOf } from './cli-runs.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Whether `out` is one JSON document or one per non-empty line. */
function printsJson(out: string): boolean {
  const parses = (t: string): boolean => {
    try {
      JSON.parse(t);
      return true;
    } catch {
      return false;
    }
  };
  if (parses(out)) return true;
  const lines = out.split('\n').filter((l) => l.trim() !== '');
  return lines.length > 0 && lines.every(parses);
}

/** 31. A command whose stdout is a pipe or a file prints JSON. */
export function checkCliStdout(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const { rec, run } of cliRunsOf(view)) {
    if (run.tty === true || run.args[0] === 'tokens' || run.args[0] === 'kinds' || (run.exitCode !== 0 && run.exitCode !== 1)) continue;
    if ((run as { outCut?: boolean }).outCut === true || run.out.trim() === '' || printsJson(run.out)) continue;
    const where = run.stdout ?? 'not a terminal';
    const head = run.out.trim().split('\n')[0]?.slice(0, 80) ?? '';
    out.push(violation(view.records, 'cli', `squall ${run.args.join(' ')} (t=${run.startedAt}, stdout ${where === 'file' ? 'a file' : where === 'pipe' ? 'a pipe' : where}) printed ${JSON.stringify(head)}...: not JSON; the README prints a table on a terminal and JSON when piped`, { index: rec.index }));
  }
  return out;
}
