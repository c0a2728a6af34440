/**
 * 31. The CLI keeps its documented contract. Judged on every command the
 * simulated CLI client ran (scenario `cli`, harness/scenario/client-cli.ts;
 * records in cli-runs.ts), against the README ("Operating it from the
 * command line") and the commands' --help, with this file's own copy of the
 * exit-code table, never system/cli's (a wrong table there shows here):
 *
 * - exit code per outcome: 0 success; 1 a waited-for execution (watch <id>,
 *   submit --wait) ended failed, cancelled or timed out; 2 bad flags or
 *   input (nothing sent) or HTTP 400; 3 the coordinator unreachable (the
 *   request that ended the command got no answer; `executions watch`
 *   without an id: the event stream ended, or a refusal of it by the
 *   table); 4 HTTP 404; 5 HTTP 401/403;
 *   6 HTTP 409; 7 HTTP 5xx or 429. The outcome is the command's last
 *   request (its event stream aside);
 * - what it printed is what the API answered (JSON, since its stdout is
 *   not a terminal): `executions get` the execution's id and status;
 *   `executions list` every page's executions, in order; `workers` the
 *   workers and their states; `submit` the created execution; `cancel`,
 *   `pause`, `resume` the execution as the control answered it; `submit
 *   --wait` each execution as its last read answered it.
 *
 * That every command returns (no hang) is in promises-cli-hang.ts; the
 * pages a listing reads and prints in promises-cli-pages.ts. The watch's
 * pacing and ending are in promises-cli-watch.ts, that it follows its
 * event stream (no fallback to polling on a healthy stream) in
 * promises-cli-stream.ts; the wire (header
 * characters, content-length), valid tokens and JSON times in
 * promises-cli-wire.ts; every submit option on the wire and in
 * the created execution in promises-cli-options.ts; every option of
 * `executions get|list|cancel|pause|resume` in its request in
 * promises-cli-flags.ts; what a terminal shows
 * (tables, ages, durations) and the event lines of `watch` in
 * promises-cli-human.ts; `squall tokens` in promises-cli-tokens.ts.
 */
import { checkCliStdout } from './promises-cli-stdout.js';
import { type CliRequest, type CliRun, cliCommand, cliRunsOf, ENDED, ownRequests, readsOf, statusRead } from './cli-runs.js';
import { checkCliKinds } from './promises-cli-kinds.js';
import { checkCliHangs } from './promises-cli-hang.js';
import { checkCliHuman } from './promises-cli-human.js';
import { checkCliExecutionFlags } from './promises-cli-flags.js';
import { checkCliOptions } from './promises-cli-options.js';
import { checkCliPages } from './promises-cli-pages.js';
import { checkCliStreams } from './promises-cli-stream.js';
import { checkCliTokens } from './promises-cli-tokens.js';
import { checkCliWatches } from './promises-cli-watch.js';
import { checkCliWire } from './promises-cli-wire.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The README's exit-code table for an HTTP refusal. */
function exitOfStatus(status: number): number {
  if (status === 400) return 2;
  if (status === 401 || status === 403) return 5;
  if (status === 404) return 4;
  if (status === 409) return 6;
  if (status === 429 || status >= 500) return 7;
  return 2;
}

/** The documented exit code of a command that ended, and the outcome that gives it. */
function expectedExit(run: CliRun): { code: number; why: string } {
  const cmd = cliCommand(run.args);
  const all = cmd.name === 'executions watch' && cmd.id === undefined;
  // `executions watch` with no id only follows the stream: its end is the coordinator going away (3), its refusal the table's.
  const last = all ? run.requests.at(-1) : ownRequests(run).at(-1);
  if (all && last?.error === undefined && last?.status !== undefined && last.status < 300) return { code: 3, why: 'the event stream ended (the coordinator went away)' };
  if (last === undefined) return { code: 2, why: 'sending nothing (bad flags or input)' };
  const what = `${last.method} ${last.path} at t=${last.at}`;
  if (last.error !== undefined) return { code: 3, why: `${what} got no answer (${last.error})` };
  if (last.status !== undefined && last.status >= 300) return { code: exitOfStatus(last.status), why: `${what} was answered HTTP ${last.status}` };
  if (!cmd.waits || cmd.name === 'executions pause') return { code: 0, why: `${what} was answered HTTP ${last.status}` };
  const ended = waitedIds(run).map((id) => [id, readsOf(run, id).map(statusRead).filter((s) => s !== undefined).at(-1)]);
  const bad = ended.find(([, s]) => s !== 'completed' && s !== undefined && ENDED.has(s));
  return bad === undefined ? { code: 0, why: 'every waited-for execution completed' } : { code: 1, why: `the waited-for ${bad[0]} ended ${bad[1]}` };
}

/** The executions a waiting command follows: watch's id, or what submit --wait created. */
export function waitedIds(run: CliRun): string[] {
  const cmd = cliCommand(run.args);
  if (cmd.id !== undefined) return [cmd.id];
  const created = ownRequests(run).find((r) => r.method === 'POST' && r.status !== undefined && r.status < 300);
  return (created?.seen ?? []).map(([id]) => id);
}

/** 31. Every CLI command's exit code and print, judged (see the file comment), plus the watches (promises-cli-watch.ts) and the wire (promises-cli-wire.ts). */
export function checkCli(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const { rec, run } of cliRunsOf(view)) {
    const v = (m: string): Violation => violation(view.records, 'cli', `squall ${run.args.join(' ')} (t=${run.startedAt}): ${m}`, { index: rec.index });
    // `squall tokens` works on the token file, not over HTTP: promises-cli-tokens.ts judges it.
    // `squall kinds` reads no coordinator: promises-cli-kinds.ts judges it.
    if (run.endedAt === undefined || run.exitCode === undefined || run.args[0] === 'tokens' || run.args[0] === 'kinds') continue;
    const want = expectedExit(run);
    if (run.exitCode !== want.code) out.push(v(`exited ${run.exitCode} after ${want.why}; the README documents exit ${want.code} for that`));
    // On a terminal it prints tables, not JSON: promises-cli-human.ts judges those.
    if ((run.exitCode !== 0 && run.exitCode !== 1) || run.tty === true) continue;
    const printed = printMismatch(run);
    if (printed !== undefined) out.push(v(printed));
  }
  return [...out, ...checkCliHangs(view), ...checkCliPages(view), ...checkCliWatches(view), ...checkCliStreams(view), ...checkCliWire(view), ...checkCliOptions(view), ...checkCliExecutionFlags(view), ...checkCliHuman(view), ...checkCliTokens(view), ...checkCliStdout(view), ...checkCliKinds(view)];
}

type Pairs = [string, string][];

function parseOut(run: CliRun): unknown {
  try {
    return JSON.parse(run.out) as unknown;
  } catch {
    return undefined;
  }
}

function pairsOf(x: unknown, idKey: 'executionId' | 'id', statusKey: 'status' | 'state'): Pairs {
  const list = Array.isArray(x) ? (x as Record<string, unknown>[]) : [x as Record<string, unknown>];
  return list.map((o) => [String(o?.[idKey]), String(o?.[statusKey])]);
}

const show = (p: Pairs): string => (p.length === 0 ? 'nothing' : p.map(([id, s]) => `${id} ${s}`).join(', '));

/** What the command should have printed (from its answers) against what it did; undefined when they agree or it is not judged. */
function printMismatch(run: CliRun): string | undefined {
  if ((run as { outCut?: boolean }).outCut === true) return undefined;
  const cmd = cliCommand(run.args);
  const own = ownRequests(run);
  const answered = (r: CliRequest): boolean => r.status !== undefined && r.status < 300;
  let want: Pairs | undefined;
  let got: Pairs | undefined;
  const body = parseOut(run) as Record<string, unknown> | undefined;
  if (['executions get', 'executions cancel', 'executions pause', 'executions resume'].includes(cmd.name) || (cmd.name === 'submit' && !cmd.waits)) {
    want = own.filter(answered).at(-1)?.seen;
    // A batch's answer (--file with an array) is `{executions: [...]}`, as the API answered it.
    got = body === undefined ? [] : pairsOf(cmd.name === 'submit' && Array.isArray(body.executions) ? body.executions : body, 'executionId', 'status');
  } else if (cmd.name === 'executions list') {
    want = own.filter(answered).flatMap((r) => r.seen ?? []);
    got = Array.isArray(body?.executions) ? pairsOf(body.executions, 'executionId', 'status') : [];
  } else if (cmd.name === 'workers') {
    want = own.filter(answered).at(-1)?.seen;
    got = Array.isArray(body?.workers) ? pairsOf(body.workers, 'id', 'state') : [];
  } else if (cmd.name === 'submit') {
    want = waitedIds(run).map((id): [string, string] => [id, readsOf(run, id).map(statusRead).filter((s) => s !== undefined).at(-1) ?? '?']);
    got = body === undefined ? [] : pairsOf(body, 'executionId', 'status');
  }
  if (want === undefined || got === undefined || JSON.stringify(want) === JSON.stringify(got)) return undefined;
  return `printed ${show(got)}, but the API answered ${show(want)}: a client command prints what the API returned`;
}
