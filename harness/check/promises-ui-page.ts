/**
 * Part of 29, api-contract: the dashboard as its user sees it, judged on what
 * a simulated browser running the page's own scripts showed
 * (harness/scenario/ui-page.ts, note `uiPage`), by the checker's own copy of
 * README "Dashboard":
 *
 * - token: the API asks for a token, so the page asks the user for one; the
 *   token typed is kept in the tab (sessionStorage), never in localStorage;
 *   every data request the page makes while signed in (`/api/...`,
 *   `/ui/events`, `/ui/graph/...`) carries it as `Authorization: Bearer`;
 *   signing out removes it and asks again (blind set 19 #08: stored in
 *   localStorage, never sent);
 * - text: whatever the system sends (task ids, kinds, errors, reasons,
 *   worker ids) shows as text: no element made from the system's data is in
 *   the page (the workload's markup carries `data-injected`, and the page
 *   draws no image), and each text the user looked for reads as submitted,
 *   `&amp;` included (set 19 #09: text inserted as HTML);
 * - live feed: the newest FEED_MAX events the page's stream carried, newest
 *   first, one line each starting with the event's time (UTC, HH:MM:SS.mmm)
 *   and naming the event's type and its execution or worker
 *   (set 19 #18: the list trimmed from its newest end froze on old events);
 * - tables: the workers table shows each worker of the page's last push
 *   with its state and reconnects, and nothing else; the executions table,
 *   unfiltered and with the status filter, shows the executions the API
 *   lists at that instant, in its order, each with its listed status;
 * - live: at the end the page follows the running coordinator (a stream open
 *   on it, its indicator "live"), a restart or a drop since included;
 * - graph: drawn left to right, each dependency's box wholly left of its
 *   dependents' boxes, and each edge an arrow from the dependency's box to
 *   the dependent's (set 19 #10: layers by dependents, drawn backwards).
 */
import type { HistoryRecord } from './history.js';
import { lookViolations, type UiPageLook } from './promises-ui-numbers.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The checker's copy of the feed's documented length (README "Dashboard": the newest 300 events, newest first). */
const FEED_MAX = 300;
/** Slack, in px, between an arrow's end and the box it touches. */
const SLACK = 4;

/** What the user saw (ui-page.ts). */
export interface UiPageSession {
  openedAt: number;
  /** Sign-in: whether the page asked for a token first, and where the token sat after. */
  signIn?: { at: number; asked: boolean; session: boolean; local: boolean };
  /** Each data request from sign-in to sign-out: path, the token it carried ('token', 'none', 'other'), status. */
  requests?: [string, string, number][];
  signOut?: { asked: boolean; session: boolean; local: boolean };
  /** The feed: how many events the stream carried, the newest of them (oldest first) and each line's text, top to bottom. */
  feed?: { carried: number; tail: [string, string, number?][]; shown: string[] };
  /** [where the user looked, elements made of the system's data, their tags]. */
  injected: [string, number, string][];
  /** [where, the text looked for, whether it read as such]. */
  texts: [string, string, boolean][];
  /** Each graph opened: the page's /ui/graph edges, each node's box [id, x, y, w, h], each arrow [x1, y1, x2, y2, has arrowhead]. */
  graphs: { id: string; edges: [string, string][]; nodes: [string, number, number, number, number][]; arrows: [number, number, number, number, boolean][] }[];
  warnings?: string[];
  /** The page's scripts could not run at all (the error thrown). */
  error?: string;
  /** At the end: the connection indicator's text, and whether the page held a stream open on the coordinator then running. */
  live?: { conn: string; open: boolean };
  /** The workers table: the last push's workers [id, state, reconnects] and the rows shown [worker, state, reconnects]. */
  workers?: { pushed: [string, string, number][]; shown: string[][] };
  /** The user's looks at the page's numbers (promises-ui-numbers.ts). */
  looks?: UiPageLook[];
  /** The executions table with the status filter at `status` ('' any): rows [id, status] and the API's listing at that instant. */
  executions?: { status: string; shown: [string, string][]; listed: [string, string][] }[];
}

type V = (m: string) => Violation;

function tokenViolations(s: UiPageSession, v: V): Violation[] {
  const out: Violation[] = [];
  if (s.signIn === undefined) return [v('never got to sign in')];
  if (!s.signIn.asked) out.push(v('did not ask for a token, though the API asks for one'));
  if (!s.signIn.session) out.push(v('does not keep the token the user typed in sessionStorage (README: kept in the tab)'));
  if (s.signIn.local) out.push(v('keeps the token in localStorage, on disk past the tab (README: kept in the tab, sessionStorage)'));
  const bare = (s.requests ?? []).filter(([, auth]) => auth !== 'token');
  if (bare.length > 0) out.push(v(`sent ${bare.length} of ${(s.requests ?? []).length} data request(s) while signed in without the token as Authorization: Bearer (${bare.slice(0, 3).map(([p, a, st]) => `${p}: ${a}, ${st}`).join('; ')})`));
  if (s.signOut !== undefined) {
    if (s.signOut.session || s.signOut.local) out.push(v(`still holds the token in ${s.signOut.session ? 'sessionStorage' : 'localStorage'} after the user signed out`));
    if (!s.signOut.asked) out.push(v('did not ask for a token again after the user signed out'));
  }
  return out;
}

function textViolations(s: UiPageSession, v: V): Violation[] {
  const out: Violation[] = [];
  for (const [where, n, tags] of s.injected) if (n > 0) out.push(v(`shows ${n} element(s) (${tags}) made from the system's text in ${where}: text must show as text, never as markup`));
  for (const [where, text, shown] of s.texts) if (!shown) out.push(v(`does not show ${JSON.stringify(text)} as text in ${where}`));
  return out;
}

/** Each feed line starts with its event's time, UTC to the millisecond (the checker's copy: HH:MM:SS.mmm). */
function stampViolations(want: readonly [string, string, number?][], shown: readonly string[], v: V): Violation[] {
  const stamp = (at: number): string => new Date(at).toISOString().slice(11, 23);
  const i = want.findIndex(([, , at], k) => at !== undefined && Number.isFinite(at) && !shown[k]!.startsWith(stamp(at)));
  if (i < 0) return [];
  return [v(`shows ${JSON.stringify(shown[i]!.slice(0, 120))} as line ${i + 1} of the live feed, whose event (${want[i]![0]} ${want[i]![1]}) is of ${stamp(want[i]![2]!)} UTC: each line starts with its event's time`)];
}

function feedViolations(s: UiPageSession, v: V): Violation[] {
  if (s.feed === undefined) return [];
  const { carried, tail, shown } = s.feed;
  const want = tail.slice(-FEED_MAX).reverse();
  if (shown.length !== Math.min(FEED_MAX, carried)) return [v(`shows ${shown.length} line(s) in the live feed after its stream carried ${carried} event(s): it shows the newest ${FEED_MAX}`)];
  const i = want.findIndex(([type, id], k) => !shown[k]!.includes(type) || (id !== '' && !shown[k]!.includes(id)));
  if (i < 0) return stampViolations(want, shown, v);
  const [type, id] = want[i]!;
  return [v(`shows ${JSON.stringify(shown[i]!.slice(0, 120))} as line ${i + 1} of the live feed, where the ${i + 1}${i === 0 ? 'st (newest)' : 'th'} newest event the stream carried is ${type} ${id}: the feed shows the newest events, newest first`)];
}

function graphViolations(s: UiPageSession, v: V): Violation[] {
  const out: Violation[] = [];
  for (const g of s.graphs) {
    const box = new Map(g.nodes.map(([id, x, y, w, h]) => [id, { x, y, w, h }]));
    const inY = (b: { y: number; h: number }, y: number): boolean => y >= b.y - SLACK && y <= b.y + b.h + SLACK;
    for (const [a, b] of g.edges) {
      const from = box.get(a), to = box.get(b);
      if (from === undefined || to === undefined) {
        out.push(v(`draws the graph of ${g.id} without ${from === undefined ? a : b}, a node of the edge [${a}, ${b}] it read`));
        continue;
      }
      if (!(from.x + from.w <= to.x)) out.push(v(`draws ${a} at x=${from.x} and its dependent ${b} at x=${to.x} in the graph of ${g.id}: a dependency is drawn left of its dependents`));
      const arrow = g.arrows.some(([x1, y1, x2, y2, head]) => head && Math.abs(x1 - (from.x + from.w)) <= SLACK && inY(from, y1) && Math.abs(x2 - to.x) <= SLACK && inY(to, y2));
      if (!arrow) out.push(v(`has no arrow from ${a} to its dependent ${b} in the graph of ${g.id}`));
    }
  }
  return out;
}

function liveViolations(s: UiPageSession, v: V): Violation[] {
  if (s.live === undefined || (s.live.open && s.live.conn === 'live')) return [];
  return [v(`is not following the coordinator at the end (${s.live.open ? 'its stream is open' : 'no stream open on the running coordinator'}, indicator "${s.live.conn}"): it updates by server-sent events, reconnecting after the stream drops`)];
}

function tableViolations(s: UiPageSession, v: V): Violation[] {
  const out: Violation[] = [];
  if (s.workers !== undefined) {
    const shown = new Map(s.workers.shown.map(([id, state, reconnects]) => [id, `${state} ${reconnects}`]));
    const wrong = s.workers.pushed.filter(([id, state, r]) => shown.get(id) !== `${state} ${r}`).map(([id, state, r]) => `${id} (${state}, ${r} reconnects) as ${shown.has(id) ? shown.get(id) : 'nothing'}`);
    if (wrong.length > 0 || shown.size !== s.workers.pushed.length) out.push(v(`shows ${s.workers.shown.length} worker row(s) where its last push listed ${s.workers.pushed.length}: ${wrong.slice(0, 3).join('; ') || 'rows no push listed'} (README: workers with their state and reconnects)`));
  }
  for (const t of s.executions ?? []) {
    const filter = t.status === '' ? 'no status filter' : `the status filter at ${t.status}`;
    if (t.listed.length > 0 && t.shown.length === 0) out.push(v(`shows no execution with ${filter}, where the API lists ${t.listed.length}`));
    const i = t.shown.findIndex(([id, st], k) => t.listed[k]?.[0] !== id || t.listed[k]?.[1] !== st);
    if (i >= 0) out.push(v(`shows ${t.shown[i]!.join(' ')} as row ${i + 1} of the executions with ${filter}, where the API lists ${t.listed[i]?.join(' ') ?? 'nothing'} there at the same instant`));
  }
  return out;
}

/** Every rule of this file, on each `uiPage` note. */
export function checkUiPage(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records as readonly HistoryRecord[]) {
    if (rec.f !== 'note' || rec.value.uiPage === undefined) continue;
    const s = rec.value.uiPage as UiPageSession;
    const v: V = (m) => violation(view.records, 'api-contract', `the dashboard page opened at t=${s.openedAt} ${m}`, { index: rec.index });
    if (s.error !== undefined) {
      out.push(v(`could not run its scripts: ${s.error}`));
      continue;
    }
    out.push(...tokenViolations(s, v), ...textViolations(s, v), ...feedViolations(s, v), ...graphViolations(s, v), ...tableViolations(s, v), ...liveViolations(s, v), ...(s.looks ?? []).flatMap((l) => lookViolations(l, v)));
  }
  return out;
}
