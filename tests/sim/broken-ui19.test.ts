/**
 * Blind set 19's dashboard-script misses (#08, #09, #10, #18), each served
 * to the simulated page as a modified asset (the seam `pageAssets.rewrite`,
 * harness/scenario/ui-page-runtime.ts) and caught under promise 29 by what
 * the page shows its user (harness/check/promises-ui-page.ts), while the
 * real scripts pass at the same seed:
 * - #08: client.js keeps the typed token in localStorage (getToken reads
 *   sessionStorage): it sits on disk, is never sent, and outlives sign-out;
 * - #09: client.js's el() inserts text as HTML: the workload's markup
 *   taskIds and cancel reason become elements;
 * - #10: graph.js layers nodes by their dependents: graphs drawn backwards;
 * - #18: app.js trims its 300-line feed from the newest end: it freezes;
 * - and a status filter the page sends under another name (the API ignores
 *   it): the filtered table lists failed and cancelled executions; the
 *   workers table's round-trip and reconnects cells swapped under their
 *   headers (checkpoint-heavy: workers killed and reconnected); an event
 *   stream that gives up after a drop (coordinator-crash-restart: the page
 *   no longer follows the restarted coordinator).
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { servedAsset } from './broken/served-asset.js';
import { simVerdict, withPlanted } from './broken/verdict.js';

async function caught(scenario: string, asset: string, from: string, to: string): Promise<string> {
  const s = await loadScenario(scenario);
  const seen = { applied: false };
  const broken = await withPlanted(servedAsset(asset, from, to, seen), () => simVerdict(s));
  expect(seen.applied).toBe(true);
  expect(broken.promises).toContain('api-contract');
  return broken.text;
}

describe('blind set 19: the dashboard as its user sees it (29)', () => {
  it('the real scripts pass dashboard-graphs and dashboard-burst', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await loadScenario('scenarios/dashboard-graphs.yaml'))).text).toBe('');
    expect((await simVerdict(await loadScenario('scenarios/dashboard-burst.yaml'))).text).toBe('');
  });

  it('#08 a token kept in localStorage, never sent, kept after sign-out is reported', { timeout: 60_000 }, async () => {
    const text = await caught('scenarios/dashboard-graphs.yaml', 'client.js', 'if (token) sessionStorage.setItem(TOKEN_KEY, token);', 'if (token) localStorage.setItem(TOKEN_KEY, token);');
    expect(text).toMatch(/keeps the token in localStorage, on disk past the tab/);
    expect(text).toMatch(/data request\(s\) while signed in without the token as Authorization: Bearer \(\/ui\/events: none, 401/);
    expect(text).toMatch(/still holds the token in localStorage after the user signed out/);
  });

  it('#09 text inserted as HTML is reported: the markup became elements', { timeout: 60_000 }, async () => {
    const text = await caught('scenarios/dashboard-graphs.yaml', 'client.js', 'e.append(c instanceof Node ? c : String(c));', "{ if (c instanceof Node) e.append(c); else e.insertAdjacentHTML('beforeend', String(c)); }");
    expect(text).toMatch(/shows \d+ element\(s\) \((img|b)[a-z,]*\) made from the system's text in the executions filtered by a task id with markup/);
    expect(text).toMatch(/does not show "<img src=x onerror=alert\(0\) data-injected> <b data-injected>cancelled<\/b> &amp; &lt;0" as text/);
  });

  it('#10 graphs layered by dependents are reported: drawn backwards', { timeout: 60_000 }, async () => {
    const text = await caught('scenarios/dashboard-graphs.yaml', 'graph.js', 'for (const [from, to] of edges) deps.get(to)?.push(from);', 'for (const [from, to] of edges) deps.get(from)?.push(to);');
    expect(text).toMatch(/draws ex_\w+ at x=\d+ and its dependent ex_\w+ at x=\d+ in the graph of ex_\w+: a dependency is drawn left of its dependents/);
  });

  it('#18 a feed trimmed from its newest end is reported: it froze on old events', { timeout: 60_000 }, async () => {
    const text = await caught('scenarios/dashboard-burst.yaml', 'app.js', 'while (list.children.length > 300) list.lastChild.remove();', 'while (list.children.length > 300) list.firstChild.remove();');
    expect(text).toMatch(/as line 1 of the live feed, where the 1st \(newest\) newest event the stream carried is/);
  });

  it('a status filter the page does not apply is reported: the table is not the filtered listing', { timeout: 60_000 }, async () => {
    const text = await caught('scenarios/dashboard-graphs.yaml', 'app.js', "q.set('status', $('f-status').value)", "q.set('state', $('f-status').value)");
    expect(text).toMatch(/shows ex_\w+ (failed|cancelled) as row \d+ of the executions with the status filter at completed, where the API lists/);
  });

  it('a workers table whose cells do not match its headers is reported', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await loadScenario('scenarios/checkpoint-heavy.yaml'))).text).toBe('');
    const text = await caught('scenarios/checkpoint-heavy.yaml', 'app.js', 'td(fmtMs(w.rttMs), true), td(w.reconnects, true)', 'td(w.reconnects, true), td(fmtMs(w.rttMs), true)');
    expect(text).toMatch(/shows 12 worker row\(s\) where its last push listed 12: w\d+ \(connected, \d reconnects\) as connected [\d.]+ (ms|µs)/);
  });

  it('an event stream that gives up after a drop is reported: the page stops following the restarted coordinator', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await loadScenario('scenarios/coordinator-crash-restart.yaml'))).text).toBe('');
    const text = await caught('scenarios/coordinator-crash-restart.yaml', 'client.js', '} catch {\n        if (stopped) return;\n      }', '} catch {\n        return;\n      }');
    expect(text).toMatch(/is not following the coordinator at the end \(no stream open on the running coordinator, indicator "live"\)/);
  });
});
