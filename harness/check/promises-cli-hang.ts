/**
 * Part of 31: every CLI command returns. A command that reads and prints
 * (get, list, workers, submit, cancel, pause and resume without --wait)
 * makes its requests and ends on its last answer; only the waiting ones
 * (watch, submit --wait, pause --wait) may still run when the run ends.
 * Judged on what the simulated client recorded (client-cli.ts), with the
 * requests the command made so far in the message:
 *
 * - a command the client stopped (`capped`: it kept asking without
 *   returning, or sent one request again and again with no wait between)
 *   hung;
 * - a command given a budget (scenario `cli[].budgetMs`) that ended later
 *   than that after it started, or was still running that long after, hung;
 * - a command that does not wait and was still running when the run ended
 *   hung if every request it made had been answered at least IDLE_MS
 *   before (it waits on nothing), or one of them had gone unanswered past
 *   the CLI's request timeout (it gives up on a request then: exit 3).
 */
import { type CliRequest, type CliRun, cliCommand, cliRunsOf, ownRequests } from './cli-runs.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** How long after its last answer a command that does not wait must have returned (virtual ms): it has nothing left to wait for. */
const IDLE_MS = 1000;

/** The CLI's request timeout (README: a request gives up after 30 s, exit 3), plus the exchange's latency. */
const REQUEST_TIMEOUT_MS = 30_000 + 10;

/** The requests a command made, shortly: how many, the first three and the last. */
function requestsSoFar(run: CliRun): string {
  const rs = ownRequests(run);
  const one = (r: CliRequest): string => `${r.method} ${r.path} t=${r.at}${r.status === undefined ? (r.error === undefined ? ' (unanswered)' : ` ${r.error}`) : ` ${r.status}${r.nextCursor === undefined ? '' : ` next=${r.nextCursor ?? 'null'}`}`}`;
  if (rs.length === 0) return 'no request';
  const shown = rs.length <= 4 ? rs.map(one) : [...rs.slice(0, 3).map(one), '...', one(rs.at(-1) as CliRequest)];
  return `${rs.length} request(s): ${shown.join('; ')}`;
}

/** Why the command hung, if it did; `end` is when the run ended. */
function hang(run: CliRun, end: number): string | undefined {
  const c = run.capped;
  if (c !== undefined) return c.same === undefined ? `made ${c.made} requests without returning (the simulated client stops a command there): it hung` : `sent ${c.same} again and again with nothing in between (${c.made} requests in ${(ownRequests(run).at(-1)?.at ?? run.startedAt) - run.startedAt} ms) without returning: it hung`;
  const took = (run.endedAt ?? end) - run.startedAt;
  if (run.budgetMs !== undefined && took > run.budgetMs) return `${run.endedAt === undefined ? 'had not returned' : 'returned only'} ${took} ms after it started, over its budget of ${run.budgetMs} ms: it hung`;
  if (run.endedAt !== undefined) return undefined;
  const cmd = cliCommand(run.args);
  if (cmd.waits || cmd.name === 'executions watch') return undefined;
  const rs = ownRequests(run);
  const stuck = rs.find((r) => r.answeredAt === undefined && end - r.at > REQUEST_TIMEOUT_MS);
  if (stuck !== undefined) return `had waited ${end - stuck.at} ms on ${stuck.method} ${stuck.path} (sent t=${stuck.at}) when the run ended: a request gives up after 30 s`;
  if (rs.some((r) => r.answeredAt === undefined)) return undefined;
  const idle = end - Math.max(run.startedAt, ...rs.map((r) => r.answeredAt ?? r.at));
  return idle > IDLE_MS ? `had not returned ${idle} ms after its last answer when the run ended (t=${end}), and it does not wait for anything: it hung` : undefined;
}

/** 31. Every command returns (see the file comment). */
export function checkCliHangs(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const { rec, run } of cliRunsOf(view)) {
    if (run.args[0] === 'tokens') continue;
    const m = hang(run, view.endAt);
    if (m !== undefined) out.push(violation(view.records, 'cli', `squall ${run.args.join(' ')} (t=${run.startedAt}): ${m}; ${requestsSoFar(run)}`, { index: rec.index }));
  }
  return out;
}
