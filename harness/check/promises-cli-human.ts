/**
 * Part of 31: what a client command shows a person on a terminal (scenario
 * `cli[].tty`), and the event lines of `executions watch` (every event),
 * judged from the API's own answers and the coordinator's events, with the
 * README's time format (human-format.ts, the checker's own copy):
 *
 * - every `<ISO> (<age>)` it printed is that time's age at the moment it
 *   printed it (`3s ago`, `in 1h30m`, two largest units, truncated);
 * - `workers`: a row per worker the API answered, with its state, the age
 *   of its connection (`down <age>` when not connected) and of its last
 *   sign of life, its round trip (`-` for none, else the API's rttMs in ms,
 *   to the 0.1 ms it shows: blind set 19 #07's class), and a footer
 *   counting them and the connected ones;
 * - `executions list`: a row per execution answered, in order, with its
 *   status, created and last-changed ages, and a footer counting them;
 * - `executions get`: its status, how long it ran, its created / finished /
 *   next-run times, and its status history (status and time of each entry,
 *   in order);
 * - `submit` (no --wait): `submitted <ids>` of what its answer created;
 *   `cancel`, `pause`, `resume`: the execution and the status answered;
 * - `executions watch <id>`: the status history of its latest read, each
 *   entry once, in order, then `<id> <status>` once it ended;
 * - `executions watch` (every event), JSON or not: each event line's
 *   detail is what the event reached, as the coordinator published it: the
 *   new status of a status change, else the outcome of a result, else its
 *   reason ("which status an execution went to", README).
 */
import { type CliRequest, type CliRun, cliCommand, cliRunsOf, ENDED, ownRequests, readsOf } from './cli-runs.js';
import type { HistoryRecord } from './history.js';
import { humanAge, isRunLength, tableRows, timesShown } from './human-format.js';
import type { HistoryView } from './view.js';
import { violation, type Violation } from './violation.js';

type Times = Record<string, number | null>;

/** The last answered request among these, with its time of answer. */
const lastAnswered = (rs: readonly CliRequest[]): CliRequest | undefined => rs.filter((r) => r.status !== undefined && r.status < 300).at(-1);

/** 31. Terminal output and event lines of every CLI command (see the file comment). */
export function checkCliHuman(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const { rec, run } of cliRunsOf(view)) {
    if ((run as { outCut?: boolean }).outCut === true || run.args[0] === 'tokens') continue;
    const cmd = cliCommand(run.args);
    const found: (string | undefined)[] = [];
    // Following every event never ends by itself: its lines are judged however it ended, or if it still ran.
    if (cmd.name === 'executions watch' && cmd.id === undefined) found.push(eventDetails(view, run));
    if (run.tty === true && run.endedAt !== undefined && (run.exitCode === 0 || run.exitCode === 1)) {
      found.push(ages(run));
      if (cmd.name === 'workers') found.push(workersPrint(run));
      if (cmd.name === 'executions list') found.push(listPrint(run));
      if (cmd.name === 'executions get') found.push(getPrint(run));
      if (cmd.name === 'submit' && !cmd.waits) found.push(submitPrint(run));
      if (['executions cancel', 'executions pause', 'executions resume'].includes(cmd.name) && !cmd.waits) found.push(controlPrint(run));
      if (cmd.name === 'executions watch' && cmd.id !== undefined) found.push(watchPrint(run, cmd.id));
    }
    for (const m of found) if (m !== undefined) out.push(violation(view.records, 'cli', `squall ${run.args.join(' ')} (t=${run.startedAt}, on a terminal: ${run.tty === true}): ${m}`, { index: rec.index }));
  }
  return out;
}

/** Every `<ISO> (<age>)` against the age of that time when it was printed. */
function ages(run: CliRun): string | undefined {
  for (const [at, text] of run.printed ?? []) {
    for (const [t, age] of timesShown(text)) {
      const want = humanAge(t, at);
      if (age !== want) return `printed ${new Date(t).toISOString()} (${age}) at ${new Date(at).toISOString()}, when that time was ${want}: ages print in their two largest units, truncated (README)`;
    }
  }
  return undefined;
}

/** The one print of a command that prints once: [time, text]. */
const lastPrint = (run: CliRun): [number, string] => run.printed?.at(-1) ?? [NaN, run.out];

function workersPrint(run: CliRun): string | undefined {
  const answer = lastAnswered(ownRequests(run));
  if (answer?.seen === undefined) return undefined;
  const [at, text] = lastPrint(run);
  const times = new Map(answer.times ?? []);
  const rows = tableRows(text, 'worker');
  if (rows.length !== answer.seen.length) return `printed ${rows.length} worker row(s), but the API answered ${answer.seen.length} worker(s)`;
  for (const [id, state] of answer.seen) {
    const row = rows.find((r) => r[0] === id);
    const t = times.get(id) ?? ({} as Times);
    const want = [state === 'connected' ? humanAge(t.connectedAt, at) : `down ${humanAge(t.disconnectedAt, at)}`, humanAge(t.lastSeenAt, at)];
    // A draining worker's state reads `connected (draining)` (README); older records did not keep draining.
    const shown = answer.draining === undefined ? (row?.[1] ?? '').split(' ')[0] : row?.[1];
    const stateWant = answer.draining?.includes(id) === true ? `${state} (draining)` : state;
    if (row === undefined || shown !== stateWant || row[5] !== want[0] || row[6] !== want[1]) {
      return `printed the row ${JSON.stringify(row?.join(' | ') ?? 'none')} for ${id}, but the API answered it ${stateWant}, connected ${want[0]}, last seen ${want[1]} at the time it printed`;
    }
  }
  const rtt = rttShown(rows, times);
  if (rtt !== undefined) return rtt;
  const connected = answer.seen.filter(([, s]) => s === 'connected').length;
  const footer = `${answer.seen.length} worker(s), ${connected} connected`;
  return text.includes(footer) ? undefined : `did not print "${footer}" under its table`;
}

/** The rtt column of each row against the API's rttMs (an older record without it: not judged). */
function rttShown(rows: readonly string[][], times: ReadonlyMap<string, Times>): string | undefined {
  for (const row of rows) {
    const t = times.get(row[0] ?? '');
    if (t === undefined || !('rttMs' in t)) continue;
    const want = t.rttMs;
    const shown = row[3] ?? '';
    const ms = /^(\d+(?:\.\d+)?)ms$/.exec(shown)?.[1];
    const ok = want === null ? shown === '-' : ms !== undefined && Math.abs(Number(ms) - want) <= 0.05 + 1e-9;
    if (!ok) return `printed ${row[0]}'s round trip as ${JSON.stringify(shown)}, but the API answered rttMs ${JSON.stringify(want)} (milliseconds; "-" for none)`;
  }
  return undefined;
}

function listPrint(run: CliRun): string | undefined {
  const pages = ownRequests(run).filter((r) => r.status !== undefined && r.status < 300);
  const seen = pages.flatMap((r) => r.seen ?? []);
  const times = new Map(pages.flatMap((r) => r.times ?? []));
  const [at, text] = lastPrint(run);
  const rows = tableRows(text, 'execution');
  if (rows.length !== seen.length) return `printed ${rows.length} execution row(s), but the API answered ${seen.length}`;
  for (const [i, [id, status]] of seen.entries()) {
    const row = rows[i] as string[];
    const t = times.get(id) ?? ({} as Times);
    const want = [id, status, humanAge(t.createdAt, at), humanAge(t.changedAt, at)];
    const got = [row[0], row[3], row[6], row[7]];
    if (JSON.stringify(got) !== JSON.stringify(want)) return `printed row ${i + 1} as ${got.join(' | ')}, but the API answered ${want.join(' | ')} (execution, status, created, changed) at the time it printed`;
  }
  return text.includes(`${seen.length} execution(s)`) ? undefined : `did not print "${seen.length} execution(s)" under its table`;
}

function getPrint(run: CliRun): string | undefined {
  const read = lastAnswered(ownRequests(run));
  const seen = read?.seen?.[0];
  if (read === undefined || seen === undefined) return undefined;
  const [, text] = lastPrint(run);
  const status = /^status +(\S+)/m.exec(text)?.[1];
  if (status !== seen[1]) return `printed status ${status ?? 'none'}, but the API answered ${seen[1]}`;
  const t = read.times?.[0]?.[1] ?? {};
  const ran = /^status .*\(ran (\S+)\)/m.exec(text)?.[1];
  const took = t.startedAt !== null && t.startedAt !== undefined && t.completedAt !== null && t.completedAt !== undefined ? t.completedAt - t.startedAt : undefined;
  if ((ran === undefined) !== (took === undefined) || (ran !== undefined && took !== undefined && !isRunLength(ran, took))) return `printed ${ran === undefined ? 'no run length' : `ran ${ran}`}, but the API answered startedAt ${t.startedAt ?? null} and completedAt ${t.completedAt ?? null}${took === undefined ? '' : ` (${took} ms)`}`;
  for (const [label, key] of [['created', 'createdAt'], ['finished', 'completedAt'], ['next run', 'nextRunAt']] as const) {
    const shown = new RegExp(`^${label} +(\\S+Z)`, 'm').exec(text)?.[1];
    const want = t[key] ?? null;
    if ((shown === undefined ? null : Date.parse(shown)) !== want) return `printed ${label} ${shown ?? '(none)'}, but the API answered ${key} ${want === null ? 'null' : new Date(want).toISOString()}`;
  }
  return historyMismatch(text.slice(text.indexOf('\nhistory')), read.history ?? []);
}

/** `submitted <ids>`: the executions its answer created, in order. */
function submitPrint(run: CliRun): string | undefined {
  const post = lastAnswered(ownRequests(run).filter((r) => r.method === 'POST'));
  if (post?.seen === undefined) return undefined;
  const want = `submitted ${post.seen.map(([id]) => id).join(', ')}`;
  return run.out.split('\n')[0]?.startsWith(want) === true ? undefined : `printed ${JSON.stringify(run.out.split('\n')[0])}, but the API created ${post.seen.map(([id]) => id).join(', ')}: it prints "${want}"`;
}

/** A control's line names the execution and the status the API answered. */
function controlPrint(run: CliRun): string | undefined {
  const answer = lastAnswered(ownRequests(run));
  const seen = answer?.seen?.[0];
  if (seen === undefined) return undefined;
  const [id, status] = seen;
  return new RegExp(`${id} is (now )?${status}\\b`).test(run.out) ? undefined : `printed ${JSON.stringify(run.out.trim().slice(0, 120))}, but the API answered ${id} ${status}`;
}

/** The status-history lines of a text (`<ISO> (<age>)  <status>  attempt N ...`) against the API's [status, at] entries. */
function historyMismatch(text: string, want: readonly [string, number][]): string | undefined {
  const got = [...text.matchAll(/(\d{4}-\d\d-\d\dT\S+Z) \([^)]*\) +(\S+) +attempt/g)].map((m): [string, number] => [m[2] as string, Date.parse(m[1] as string)]);
  const show = (h: readonly [string, number][]): string => h.map(([s, at]) => `${s}@${at}`).join(' ') || '(none)';
  return JSON.stringify(got) === JSON.stringify(want) ? undefined : `printed the status history ${show(got)}, but the API answered ${show(want)}: each entry once, in order`;
}

function watchPrint(run: CliRun, id: string): string | undefined {
  const read = lastAnswered(readsOf(run, id));
  if (read === undefined) return undefined;
  const m = historyMismatch(run.out, read.history ?? []);
  if (m !== undefined) return m;
  const status = read.seen?.[0]?.[1];
  if (status === undefined || !ENDED.has(status)) return undefined;
  return new RegExp(`^${id} ${status}(:|$)`, 'm').test(run.out) ? undefined : `did not print "${id} ${status}" once ${id} ended ${status}`;
}

/** What an event reached, as its record in the history holds it: the new status, else the outcome, else the reason. */
function reached(r: HistoryRecord): string | undefined {
  const x = r.value as { to?: unknown; outcome?: unknown; reason?: unknown };
  const d = x.to ?? x.outcome ?? x.reason;
  return d === undefined || d === null ? undefined : String(d).slice(0, 200);
}

/** Each event line of `executions watch` (every event): [type, at, execution or worker id, detail]. */
function eventLines(run: CliRun): [string, number, string, string | undefined][] {
  const out: [string, number, string, string | undefined][] = [];
  for (const line of run.out.split('\n').filter((l) => l.trim() !== '')) {
    if (run.tty === true) {
      const [at, type, worker, ex, ...rest] = line.split(/ {2,}/);
      out.push([String(type), Date.parse(String(at)), ex !== undefined && ex !== '-' ? ex : String(worker), rest.length === 0 ? undefined : rest.join('  ')]);
      continue;
    }
    try {
      const e = JSON.parse(line) as { type?: unknown; at?: unknown; executionId?: unknown; workerId?: unknown; detail?: unknown };
      out.push([String(e.type), Date.parse(String(e.at)), String(e.executionId ?? e.workerId ?? ''), typeof e.detail === 'string' ? e.detail : undefined]);
    } catch {
      // Not JSON: promises-cli-wire.ts judges JSON output.
    }
  }
  return out;
}

/** The first event line whose detail is not what the coordinator's event reached. */
function eventDetails(view: HistoryView, run: CliRun): string | undefined {
  const byKey = new Map<string, HistoryRecord[]>();
  for (const r of view.records) {
    if (r.process !== 'coordinator') continue;
    // The emitter's `at` (its clock) when recorded, else the record's time (as promises-dashboard-events.ts reads it).
    const key = `${r.f}|${typeof r.value.at === 'number' ? r.value.at : r.time}|${String(r.value.executionId ?? r.value.workerId ?? '')}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  for (const [type, at, id, detail] of eventLines(run)) {
    const events = byKey.get(`${type}|${at}|${id}`);
    if (events === undefined) continue;
    const wants = events.map(reached);
    if (!wants.includes(detail)) return `printed the ${type} event of ${id} at ${new Date(at).toISOString()} with detail ${JSON.stringify(detail ?? null)}, but the coordinator's event reached ${wants.map((w) => JSON.stringify(w ?? null)).join(' or ')}: a status change names the status reached, a result its outcome, else its reason`;
  }
  return undefined;
}
