/**
 * Part of 31: commands that follow an execution until it ends (`executions
 * watch <id>`, `submit --wait`, `pause --wait`) do it as the README and
 * --help say: `watch` "follows the coordinator's event stream ... and
 * re-reads only what it mentions, with a slow poll (--poll-ms, 2 s) as a
 * safety net"; it prints "one line per status change until it ends (exit 0
 * completed, 1 otherwise)". Judged on each such command of the simulated CLI
 * client (cli-runs.ts):
 *
 * - pacing: no two reads of the execution closer than the poll interval
 *   (`--poll-ms`, default 2000; pause --wait has none, so 2000) unless a
 *   push of the event stream naming that execution came between them
 *   (from the first one's sending to the second's); the read right after
 *   one that saw the end (submit/pause --wait print what they waited for)
 *   is not paced; and none later than --poll-ms after the previous read's
 *   answer ("re-read at least this often"). And in all, at most
 *   elapsed / pollMs + 1 reads plus one
 *   per push naming it, plus 2 (a watch that hammers the API shows here
 *   even when each gap is excused);
 * - ending: a command that ended by itself (exit 0 or 1) last read the
 *   execution ended (pause --wait: or paused); none reads it again after
 *   a read that saw it ended (submit/pause --wait: once, to print it); none
 *   is still running at the end of the run once it read the execution ended;
 * - printing (watch <id>): every status-history entry of its latest read,
 *   once each, in order, and nothing else (status and time of each).
 */
import { type CliRequest, type CliRun, cliCommand, cliRunsOf, ENDED, readsOf, statusRead } from './cli-runs.js';
import { waitedIds } from './promises-cli.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** How much later than --poll-ms after an answer the next read may go out (the wait is on the same clock: nothing but scheduling in between). */
const LATE_MS = 5;

/** Reads a pacing bound forgives beyond elapsed / pollMs + 1 + pushes. */
const SLACK_READS = 2;

/** 31. Pacing, ending and the printed history of every following command (see the file comment). */
export function checkCliWatches(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const { rec, run } of cliRunsOf(view)) {
    const cmd = cliCommand(run.args);
    if (!cmd.waits) continue;
    const v = (m: string, executionId: string): Violation => violation(view.records, 'cli', `squall ${run.args.join(' ')} (t=${run.startedAt}): ${m}`, { index: rec.index, executionId });
    const stopAt: ReadonlySet<string> = cmd.name === 'executions pause' ? new Set([...ENDED, 'paused']) : ENDED;
    const printsAfter = cmd.name === 'executions watch' ? 0 : 1;
    for (const id of waitedIds(run)) {
      const reads = readsOf(run, id);
      for (const m of [pacing(run, id, reads, cmd.pollMs, stopAt), ending(run, id, reads, stopAt, printsAfter)]) if (m !== undefined) out.push(v(m, id));
      if (cmd.name === 'executions watch' && run.tty !== true) {
        const m = printedHistory(run, reads);
        if (m !== undefined) out.push(v(m, id));
      }
    }
  }
  return out;
}

function pacing(run: CliRun, id: string, reads: readonly CliRequest[], pollMs: number, stopAt: ReadonlySet<string>): string | undefined {
  const pushes = run.pushes.filter(([, ids]) => ids.includes(id)).map(([t]) => t);
  for (let i = 1; i < reads.length; i++) {
    const a = reads[i - 1] as CliRequest;
    const b = reads[i] as CliRequest;
    const seen = statusRead(a);
    if (seen !== undefined && stopAt.has(seen)) continue;
    if (b.at - a.at < pollMs && !pushes.some((t) => t >= a.at && t <= b.at)) {
      return `read ${id} at t=${a.at} (${seen ?? a.error ?? a.status}) and again at t=${b.at}, ${b.at - a.at} ms later, with no push of the event stream naming it in between: reads are paced by the poll interval (${pollMs} ms) unless the stream mentions the execution`;
    }
    const waited = b.at - (a.answeredAt ?? a.at);
    if (waited > pollMs + LATE_MS) return `read ${id} at t=${b.at}, ${waited} ms after the previous read (t=${a.at}, ${seen ?? a.status}) was answered: --poll-ms ${pollMs} re-reads at least that often`;
  }
  const first = reads[0];
  const last = reads.at(-1);
  if (first === undefined || last === undefined) return undefined;
  const allowed = Math.floor((last.at - first.at) / pollMs) + 1 + pushes.length + SLACK_READS;
  if (reads.length > allowed) return `read ${id} ${reads.length} times in ${last.at - first.at} ms with ${pushes.length} push(es) naming it: at most ${allowed} at one read per ${pollMs} ms plus one per push`;
  return undefined;
}

function ending(run: CliRun, id: string, reads: readonly CliRequest[], stopAt: ReadonlySet<string>, printsAfter: number): string | undefined {
  const statuses = reads.map(statusRead);
  const firstEnd = statuses.findIndex((s) => s !== undefined && stopAt.has(s));
  if (firstEnd >= 0 && reads.length - 1 - firstEnd > printsAfter) {
    return `read ${id} ${reads.length - 1 - firstEnd} more time(s) after it answered ${statuses[firstEnd]} at t=${reads[firstEnd]?.at}: it stops following an execution that ended`;
  }
  if (run.endedAt === undefined) {
    return firstEnd >= 0 ? `was still running at the end of the run although it read ${id} ${statuses[firstEnd]} at t=${reads[firstEnd]?.at}` : undefined;
  }
  if (run.exitCode !== 0 && run.exitCode !== 1) return undefined;
  const last = statuses.filter((s) => s !== undefined).at(-1);
  if (last === undefined || !stopAt.has(last)) return `ended (exit ${run.exitCode}) at t=${run.endedAt} while its last read of ${id} answered ${last ?? 'nothing'}: it ends exactly when the execution reaches a terminal status`;
  return undefined;
}

/** The watch's lines against its latest read's status history. */
function printedHistory(run: CliRun, reads: readonly CliRequest[]): string | undefined {
  if ((run as { outCut?: boolean }).outCut === true) return undefined;
  const want = reads.filter((r) => r.history !== undefined && r.status !== undefined && r.status < 300).at(-1)?.history ?? [];
  const got: [string, number][] = [];
  for (const line of run.out.split('\n').filter((l) => l.trim() !== '')) {
    try {
      const o = JSON.parse(line) as { status?: unknown; at?: unknown };
      got.push([String(o.status), typeof o.at === 'string' ? Date.parse(o.at) : NaN]);
    } catch {
      return `printed a line that is not JSON (${JSON.stringify(line.slice(0, 80))}) though its stdout is not a terminal`;
    }
  }
  const show = (h: [string, number][]): string => h.map(([s, at]) => `${s}@${at}`).join(' ');
  if (JSON.stringify(got) === JSON.stringify(want)) return undefined;
  return `printed the status history ${show(got) || '(nothing)'}, but its latest read answered ${show(want) || '(none)'}: each entry is printed once, in order`;
}
