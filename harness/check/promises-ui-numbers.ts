/**
 * Part of 29, api-contract: the dashboard's numbers and their freshness, as
 * its user reads them (harness/scenario/ui-page-look.ts, the `looks` of a
 * `uiPage` note), by the checker's own copy of README "Dashboard"
 * (ui-formats.ts). At each look:
 *
 * - workers table: each worker's round trip is the last push's `rttMs`
 *   (µs below 1 ms, ms below 10 s, s beyond: blind set 20 #27 wrote 0.3 ms
 *   as "300 ms") and its "last seen" the push's `now` minus its
 *   `lastSeenAt` (s, min, h ago: set 20 #18 subtracted the other way round,
 *   every worker "0 s ago"), its held tasks the push's running / concurrency;
 * - kinds table: each kind's completed, failed and cancelled are the
 *   push's, its success the percentage of completed among completed +
 *   failed, recomputed here (set 20 #16 showed a 95 % kind as "1 %");
 * - overview: workers connected / listed, executions, queued, running,
 *   completed, failed, retried, timed out and open breakers are the push's,
 *   the duration p50 / p95 its `durationsMs` in the duration units;
 * - executions table: each row's "created" is its listed `createdAt` from
 *   the server's now the page held when it loaded the table (between that
 *   and the last push's);
 * - freshness: a second after the last push that told the page executions
 *   changed (an execution's event, dropped events) or after its event
 *   stream came live (at load, or back after a drop: what was published
 *   while it was away never reaches it), plus SLACK_MS, the executions
 *   table is the API's listing at the
 *   look's instant, in order, each with its status, and an open detail shows
 *   its execution's listed status, its attempts and each status change's
 *   time (UTC, to the millisecond) and status the API's (set 20 #17
 *   refetched only on pushes whose
 *   every event was an execution's: a push also carrying a worker's event
 *   left both stale).
 */
import type { Violation } from './violation.js';
import { AGE, DURATION, misread, misreadRate } from './ui-formats.js';

/** The page refetches its executions at most once a second after a push saying they changed (README "Dashboard"). */
const REFRESH_MS = 1000;
/** Scheduling slack past REFRESH_MS. */
const SLACK_MS = 250;
/** Rows the page asks for (its newest page). */
const PAGE_ROWS = 200;

/** The numbers of a push the page shows (ui-page-look.ts). */
export interface PushedNumbers {
  now: number;
  /** [id, state, rttMs, lastSeenAt, running, concurrency]. */
  workers: [string, string, number | null, number | null, number, number][];
  total: number;
  queueLength: number;
  byStatus: Record<string, number>;
  retried: number;
  timedOut: number;
  p50: number | null;
  p95: number | null;
  /** [kind, completed, failed, cancelled]. */
  byKind: [string, number, number, number][];
  breakers: string[];
}

/** One look at the page's numbers (ui-page-look.ts). */
export interface UiPageLook {
  /** Virtual time of the look, of the last push saying executions changed, and the server's now when the page last asked for its table. */
  at: number;
  execPushAt: number;
  nowAtFetch: number;
  /** When the page's event stream last came live (its GET /ui/events answered with a stream) and how many times it has: more than once, it came back after a drop. */
  live?: [at: number, times: number];
  pushed: PushedNumbers | undefined;
  /** Rows as shown, under the page's own headers: workers [worker, round trip, last seen, held tasks], kinds [kind, completed, failed, cancelled, success], executions [execution, status, created]. */
  workers: string[][];
  kinds: string[][];
  executions: string[][];
  /** The overview's tiles [label, value]. */
  tiles: [string, string][];
  /** The open detail: its execution and the status it shows. */
  detail?: [string, string];
  /** The open detail's attempts and status history rows [at, to] as shown, next to GET /api/v1/executions/{id} at the look's instant. */
  history?: { attempts: string; rows: string[][]; api: { attempts: number; history: [number, string][] } };
  /** GET /api/v1/executions?limit=1000 at the look's instant: [id, status, createdAt]. */
  listed: [string, string, number][];
}

type V = (m: string) => Violation;

function workerNumbers(l: UiPageLook, p: PushedNumbers, v: V): Violation[] {
  const out: Violation[] = [];
  const shown = new Map(l.workers.map(([id, rtt, seen, held]) => [id, [rtt ?? '', seen ?? '', held ?? '']]));
  for (const [id, , rtt, seenAt, running, concurrency] of p.workers) {
    const row = shown.get(id);
    if (row === undefined) continue; // the workers table rule reports a missing row
    const r = misread(row[0]!, rtt, rtt, DURATION);
    if (r !== undefined) out.push(v(`${r} as the round trip of ${id} (the push's rttMs)`));
    const age = seenAt === null ? null : Math.max(0, p.now - seenAt);
    const s = misread(row[1]!, age, age, AGE);
    if (s !== undefined) out.push(v(`${s} as when ${id} was last seen (the push's now minus its lastSeenAt)`));
    if (row[2] !== `${running} / ${concurrency}`) out.push(v(`shows ${JSON.stringify(row[2])} as the held tasks of ${id}, where the push says ${running} running of ${concurrency}`));
  }
  return out;
}

function kindNumbers(l: UiPageLook, p: PushedNumbers, v: V): Violation[] {
  const out: Violation[] = [];
  const shown = new Map(l.kinds.map((r) => [r[0], r]));
  for (const [kind, completed, failed, cancelled] of p.byKind) {
    const row = shown.get(kind);
    if (row === undefined) {
      out.push(v(`shows no row for kind ${kind} in "By task kind", which the push's stats count`));
      continue;
    }
    const counts = `${completed} ${failed} ${cancelled}`;
    if (row.slice(1, 4).join(' ') !== counts) out.push(v(`shows ${row.slice(1, 4).join(' ')} as kind ${kind}'s completed, failed and cancelled, where the push counts ${counts}`));
    const r = misreadRate(row[4] ?? '', completed, failed);
    if (r !== undefined) out.push(v(`${r} (kind ${kind})`));
  }
  return out;
}

function tileNumbers(l: UiPageLook, p: PushedNumbers, v: V): Violation[] {
  const out: Violation[] = [];
  const tiles = new Map(l.tiles);
  const connected = p.workers.filter(([, state]) => state === 'connected').length;
  const want: [string, string][] = [
    ['workers connected', `${connected} / ${p.workers.length}`], ['executions', String(p.total)], ['queued', String(p.queueLength)],
    ['running', String(p.byStatus.running ?? 0)], ['completed', String(p.byStatus.completed ?? 0)], ['failed', String(p.byStatus.failed ?? 0)],
    ['retried', String(p.retried)], ['timed out', String(p.timedOut)], ['open breakers', String(p.breakers.filter((b) => b !== 'closed').length)],
  ];
  for (const [k, value] of want) if (tiles.get(k) !== value) out.push(v(`shows ${JSON.stringify(tiles.get(k) ?? 'no tile')} as "${k}" in the overview, where the push says ${value}`));
  const [p50, p95] = (tiles.get('duration p50 / p95') ?? '').split(' / ');
  for (const [name, text, value] of [['p50', p50, p.p50], ['p95', p95, p.p95]] as const) {
    const r = misread(text ?? '', value, value, DURATION);
    if (r !== undefined) out.push(v(`${r} as the duration ${name} in the overview (the push's durationsMs)`));
  }
  return out;
}

function tableNumbers(l: UiPageLook, p: PushedNumbers | undefined, v: V): Violation[] {
  const out: Violation[] = [];
  const created = new Map(l.listed.map(([id, , at]) => [id, at]));
  const latest = Math.max(l.nowAtFetch, p?.now ?? l.nowAtFetch);
  for (const [id, , text] of l.executions) {
    const at = created.get(id ?? '');
    if (at === undefined) continue;
    const r = misread(text ?? '', Math.max(0, l.nowAtFetch - at), Math.max(0, latest - at), AGE);
    if (r !== undefined) out.push(v(`${r} as when ${id} was created (its createdAt, from the server's now the page held when it loaded the table)`));
  }
  return out;
}

/** Since when the page must be fresh: the later of the last push saying executions changed and its stream coming (back) live; how to say it. */
function freshSince(l: UiPageLook): [number, string] {
  const [liveAt, times] = l.live ?? [-Infinity, 0];
  if (liveAt <= l.execPushAt) return [l.execPushAt, 'the last push saying executions changed'];
  return [liveAt, times > 1 ? 'its event stream came back live after a drop (what was published while it was away never reaches it)' : 'its event stream came live'];
}

function freshness(l: UiPageLook, v: V): Violation[] {
  const [from, what] = freshSince(l);
  if (l.at - from < REFRESH_MS + SLACK_MS) return [];
  const out: Violation[] = [];
  const since = `${Math.round(l.at - from)} ms after ${what}`;
  const want = l.listed.slice(0, PAGE_ROWS);
  const i = want.findIndex(([id, st], k) => l.executions[k]?.[0] !== id || l.executions[k]?.[1] !== st);
  if (i >= 0) out.push(v(`shows ${l.executions[i]?.slice(0, 2).join(' ') ?? 'nothing'} as row ${i + 1} of the executions table ${since}, where the API lists ${want[i]!.slice(0, 2).join(' ')} there: the table is refreshed within ${REFRESH_MS} ms of a push carrying an execution's event, whatever else it carries, and of its stream coming back live`));
  else if (l.executions.length > want.length) out.push(v(`shows ${l.executions.length} executions ${since}, where the API lists ${want.length}`));
  if (l.detail !== undefined) {
    const [id, shown] = l.detail;
    const listed = l.listed.find(([x]) => x === id)?.[1];
    if (listed !== undefined && listed !== shown) out.push(v(`shows ${id} as ${shown} in its open detail ${since}, where the API lists it ${listed}: an open detail is refreshed with the table`));
    if (l.history !== undefined) out.push(...historyViolations(id, l.history, since, v));
  }
  return out;
}

/** The open detail's attempts and status history: each change's time (UTC, to the millisecond) and status, as the API gives them. */
function historyViolations(id: string, h: NonNullable<UiPageLook['history']>, since: string, v: V): Violation[] {
  const out: Violation[] = [];
  if (h.attempts !== String(h.api.attempts)) out.push(v(`shows ${JSON.stringify(h.attempts)} as the attempts of ${id} in its open detail ${since}, where the API gives ${h.api.attempts}`));
  const want = h.api.history.map(([at, st]) => [new Date(at).toISOString().slice(11, 23), st]);
  const i = want.findIndex(([at, st], k) => h.rows[k]?.[0] !== at || h.rows[k]?.[1] !== st);
  if (i >= 0) out.push(v(`shows ${h.rows[i]?.join(' ') ?? 'nothing'} as change ${i + 1} of ${id}'s status history ${since}, where the API gives ${want[i]!.join(' ')} (UTC, to the millisecond)`));
  else if (h.rows.length > want.length) out.push(v(`shows ${h.rows.length} changes in ${id}'s status history ${since}, where the API gives ${want.length}`));
  return out;
}

/** Every rule of this file on one look. */
export function lookViolations(l: UiPageLook, v: V): Violation[] {
  const at: V = (m) => v(`at t=${l.at} ${m}`);
  const p = l.pushed;
  const numbers = p === undefined ? [] : [...workerNumbers(l, p, at), ...kindNumbers(l, p, at), ...tileNumbers(l, p, at)];
  return [...numbers, ...tableNumbers(l, p, at), ...freshness(l, at)];
}
