/**
 * The dashboard stale after its event stream reconnects (task uistale; ui20's
 * report, "Left alone"): app.js refetched its executions table and open
 * detail only on pushes carrying an execution's event, so what was published
 * while its stream was away (a coordinator killed and restarted) never
 * reached it, and with nothing published after, the page stayed stale. Each
 * variant is served to the simulated page as a modified asset (the seam
 * `pageAssets.rewrite`, harness/scenario/ui-page-runtime.ts) on
 * dashboard-reconnect.yaml and caught under promise 29 by the end-of-run
 * look (harness/check/promises-ui-numbers.ts: the page is the API's a
 * second after its stream came back live), while the real scripts pass at
 * the same seed:
 * - no reload on a reconnect (the old page): the table and the open detail
 *   still show a sleep running that completed while the page was away;
 * - a reconnect reloading the table alone: the open detail stays stale.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { servedAsset } from './broken/served-asset.js';
import { simVerdict, withPlanted } from './broken/verdict.js';

const SCENARIO = 'scenarios/dashboard-reconnect.yaml';
const RELOAD = "if (s === 'live' && state.dropped) reload();";

async function caught(from: string, to: string): Promise<string> {
  const seen = { applied: false };
  const broken = await withPlanted(servedAsset('app.js', from, to, seen), async () => simVerdict(await loadScenario(SCENARIO)));
  expect(seen.applied).toBe(true);
  expect(broken.promises).toContain('api-contract');
  return broken.text;
}

describe('the dashboard fresh after its event stream reconnects (29)', () => {
  it('the real scripts pass dashboard-reconnect', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await loadScenario(SCENARIO))).text).toBe('');
  });

  it('a page that does not reload on a reconnect is reported: its table and open detail stay stale', { timeout: 60_000 }, async () => {
    const text = await caught(RELOAD, '');
    expect(text).toMatch(/shows ex_\w+ running as row \d+ of the executions table \d+ ms after its event stream came back live after a drop .* where the API lists ex_\w+ completed there/);
    expect(text).toMatch(/shows ex_\w+ as running in its open detail \d+ ms after its event stream came back live after a drop .* where the API lists it completed/);
  });

  it('a reconnect reloading the table alone is reported: the open detail stays stale', { timeout: 60_000 }, async () => {
    const text = await caught(RELOAD, "if (s === 'live' && state.dropped) loadExecutions().catch(showError);");
    expect(text).not.toMatch(/as row \d+ of the executions table/);
    expect(text).toMatch(/shows ex_\w+ as running in its open detail \d+ ms after its event stream came back live after a drop .* where the API lists it completed/);
  });
});
