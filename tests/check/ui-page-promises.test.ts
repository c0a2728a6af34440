/**
 * Synthetic histories for promise 29's dashboard-page rules
 * (harness/check/promises-ui-page.ts, blind set 19 #08 #09 #10 #18): a good
 * `uiPage` note passes, and each one-change neighbour is reported: the token
 * in localStorage or not sent, an element made of the system's text, a feed
 * that froze on old events, a graph drawn backwards.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { UiPageSession } from '../../harness/check/promises-ui-page.js';
import { H, baseContext } from './builder.js';

const carried = Array.from({ length: 320 }, (_, i): [string, string] => [i % 2 === 0 ? 'status' : 'task_started', `ex_${i}`]);
const feedOf = (events: [string, string][]): string[] => events.slice(-300).reverse().map(([type, id]) => `00:00:01.000${type} ${id}`);

function good(): UiPageSession {
  return {
    openedAt: 100,
    signIn: { at: 150, asked: true, session: true, local: false },
    requests: [['/ui/events', 'token', 200], ['/api/v1/executions?limit=200', 'token', 200], ['/ui/graph/a', 'token', 200]],
    signOut: { asked: true, session: false, local: false },
    feed: { carried: 320, tail: carried, shown: feedOf(carried) },
    injected: [['the live feed', 0, ''], ['the detail of a', 0, '']],
    texts: [['the detail of a', '<b data-injected>x</b> &amp;', true]],
    graphs: [{ id: 'a', edges: [['a', 'b']], nodes: [['a', 12, 12, 168, 46], ['b', 244, 12, 168, 46]], arrows: [[180, 35, 242, 35, true]] }],
    live: { conn: 'live', open: true },
    workers: { pushed: [['w1', 'connected', 0], ['w2', 'disconnected', 2]], shown: [['w1', 'connected', '0'], ['w2', 'disconnected', '2']] },
    executions: [
      { status: '', shown: [['a', 'completed'], ['b', 'failed']], listed: [['a', 'completed'], ['b', 'failed'], ['c', 'completed']] },
      { status: 'completed', shown: [['a', 'completed'], ['c', 'completed']], listed: [['a', 'completed'], ['c', 'completed']] },
    ],
  };
}

function check(s: UiPageSession): string[] {
  const h = new H().at(5_000);
  h.rec.recordInfo({ uiPage: s });
  return checkHistory(h.phase('end').history(), ['api-contract'], baseContext).map((v) => v.message);
}

describe('29 api-contract: the dashboard page as its user sees it', () => {
  it('passes a page that keeps the token in the tab, shows text as text, the newest events first and dependencies left', () => {
    expect(check(good())).toEqual([]);
  });

  it('reports a token kept in localStorage and data requests sent without it (set 19 #08)', () => {
    const s = good();
    s.signIn = { at: 150, asked: true, session: false, local: true };
    s.requests = [['/ui/events', 'none', 401]];
    s.signOut = { asked: true, session: false, local: true };
    const m = check(s).join('\n');
    expect(m).toMatch(/does not keep the token the user typed in sessionStorage/);
    expect(m).toMatch(/keeps the token in localStorage/);
    expect(m).toMatch(/sent 1 of 1 data request\(s\) while signed in without the token/);
    expect(m).toMatch(/still holds the token in localStorage after the user signed out/);
  });

  it('reports elements made of the system text and text that does not read as sent (set 19 #09)', () => {
    const s = good();
    s.injected = [['the detail of a', 2, 'img,b']];
    s.texts = [['the detail of a', '<b data-injected>x</b> &amp;', false]];
    const m = check(s).join('\n');
    expect(m).toMatch(/shows 2 element\(s\) \(img,b\) made from the system's text in the detail of a/);
    expect(m).toMatch(/does not show .* as text in the detail of a/);
  });

  it('reports a feed that froze on the first 300 events (set 19 #18)', () => {
    const s = good();
    s.feed = { carried: 320, tail: carried, shown: feedOf(carried.slice(0, 300)) };
    expect(check(s)).toEqual([expect.stringMatching(/shows "00:00:01.000task_started ex_299" as line 1 of the live feed, where the 1st \(newest\) newest event the stream carried is task_started ex_319/)]);
  });

  it("reports a feed line not stamped with its event's time (UTC, to the millisecond)", () => {
    const s = good();
    const timed = carried.map(([type, id], i): [string, string, number] => [type, id, 1000 + i]);
    const stamped = timed.slice(-300).reverse().map(([type, id, at]) => `${new Date(at).toISOString().slice(11, 23)}${type} ${id}`);
    s.feed = { carried: 320, tail: timed, shown: stamped };
    expect(check(s)).toEqual([]);
    s.feed = { carried: 320, tail: timed, shown: stamped.map((l) => l.replace(/^00:00:01\./, '00:00:00.')) };
    expect(check(s)).toEqual([expect.stringMatching(/shows "00:00:00.319task_started ex_319" as line 1 of the live feed, whose event \(task_started ex_319\) is of 00:00:01.319 UTC: each line starts with its event's time/)]);
  });

  it('reports a feed longer than its documented 300 lines', () => {
    const s = good();
    s.feed = { carried: 320, tail: carried, shown: [...feedOf(carried), 'x'] };
    expect(check(s)).toEqual([expect.stringMatching(/shows 301 line\(s\) in the live feed after its stream carried 320 event\(s\)/)]);
  });

  it('reports a graph drawn backwards (set 19 #10)', () => {
    const s = good();
    s.graphs = [{ id: 'a', edges: [['a', 'b']], nodes: [['a', 244, 12, 168, 46], ['b', 12, 12, 168, 46]], arrows: [[412, 35, 10, 35, true]] }];
    expect(check(s)).toEqual([expect.stringMatching(/draws a at x=244 and its dependent b at x=12 in the graph of a: a dependency is drawn left of its dependents/)]);
  });

  it('reports a workers table that is not the last push: a state shown stale, a worker missing', () => {
    const s = good();
    s.workers = { pushed: s.workers!.pushed, shown: [['w1', 'connected', '0'], ['w2', 'connected', '2']] };
    expect(check(s)).toEqual([expect.stringMatching(/shows 2 worker row\(s\) where its last push listed 2: w2 \(disconnected, 2 reconnects\) as connected 2/)]);
    s.workers = { pushed: s.workers.pushed, shown: [['w1', 'connected', '0']] };
    expect(check(s)).toEqual([expect.stringMatching(/w2 \(disconnected, 2 reconnects\) as nothing/)]);
  });

  it('reports an executions table that is not the listing: a status filter the page does not apply', () => {
    const s = good();
    s.executions![1]!.shown = [['a', 'completed'], ['b', 'failed']];
    expect(check(s)).toEqual([expect.stringMatching(/shows b failed as row 2 of the executions with the status filter at completed, where the API lists c completed there at the same instant/)]);
    s.executions![1]!.shown = [];
    expect(check(s)).toEqual([expect.stringMatching(/shows no execution with the status filter at completed, where the API lists 2/)]);
  });

  it('reports a page whose scripts could not run', () => {
    expect(check({ openedAt: 100, injected: [], texts: [], graphs: [], error: 'SyntaxError: Unexpected end of input' })).toEqual([expect.stringMatching(/could not run its scripts: SyntaxError: Unexpected end of input/)]);
  });

  it('reports a page no longer following the coordinator at the end', () => {
    const s = good();
    s.live = { conn: 'reconnecting…', open: false };
    expect(check(s)).toEqual([expect.stringMatching(/is not following the coordinator at the end \(no stream open on the running coordinator, indicator "reconnecting…"\)/)]);
  });

  it('reports an edge drawn without its arrow, or pointing from the dependent', () => {
    const s = good();
    s.graphs[0]!.arrows = [[242, 35, 180, 35, true]];
    expect(check(s)).toEqual([expect.stringMatching(/has no arrow from a to its dependent b in the graph of a/)]);
  });
});
