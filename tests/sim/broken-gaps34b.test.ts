/**
 * Session 34's harness gaps (gaps34b), each injected through a seam and
 * caught by a promise, while the real system passes at the same seed:
 * - a coordinator that ignores --no-early-sync and offers the early sync
 *   anyway (resolveCoordinatorConfig wrapped) -> promise 11: the welcomes'
 *   offers are recorded as sent and judged against the coordinator's
 *   configuration (promises-early-sync.ts) on operator-flags-link, whose
 *   coordinator.args give --no-early-sync; before, the workers took the
 *   offer and nothing noticed;
 * - the dashboard rendering a worker id through innerHTML, in its workers
 *   table or in its live feed (app.js served modified, pageAssets.rewrite)
 *   -> promise 29: dashboard-graphs runs one worker whose id carries markup
 *   (fleet.markupWorker), and the page's regions are looked at one by one
 *   (harness/scenario/ui-page.ts); before, no worker id held markup.
 */
import { describe, expect, it, vi } from 'vitest';
import type * as CoordinatorConfig from '../../system/coordinator/config.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { servedAsset } from './broken/served-asset.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ alwaysEarlySync: false }));

vi.mock('../../system/coordinator/config.js', async (importOriginal) => {
  const real = await importOriginal<typeof CoordinatorConfig>();
  return {
    ...real,
    // Broken: the early sync is offered whatever the operator said.
    resolveCoordinatorConfig: (config: Parameters<typeof real.resolveCoordinatorConfig>[0] = {}) =>
      real.resolveCoordinatorConfig(plant.alwaysEarlySync ? { ...config, earlySync: true } : config),
  };
});

/** The worker id dashboard-graphs' markup worker registers with (schema-security.ts MARKUP_WORKER_ID), as a pattern. */
const MARKUP_ID = /"<img src=x onerror=alert\(1\) data-injected><b data-injected>worker<\/b> &amp; &lt;1"/;

describe('session 34 (gaps34b): harness gaps', () => {
  it('a coordinator offering the early sync with --no-early-sync is judged by promise 11', { timeout: 60_000 }, async () => {
    const s = await loadScenario('scenarios/operator-flags-link.yaml');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withPlanted(flagOn(plant, 'alwaysEarlySync'), () => simVerdict(s));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toEqual(['delivery']);
    expect(broken.text).toMatch(/coordinator's welcome to w\d at t=\d+ offered the early sync, but the coordinator was configured not to \(--no-early-sync\)/);
  });

  it('the dashboard rendering a worker id as HTML, in the workers table or the feed, is judged by promise 29', { timeout: 120_000 }, async () => {
    const s = await loadScenario('scenarios/dashboard-graphs.yaml');
    expect(s.fleet.markupWorker).toBe(true);
    expect((await simVerdict(s)).text).toBe('');
    const table = { applied: false };
    const inTable = await withPlanted(servedAsset('app.js', "td(w.id), el('td', {}, pill(w.state))", "Object.assign(el('td'), { innerHTML: w.id }), el('td', {}, pill(w.state))", table), () => simVerdict(s));
    expect(table.applied).toBe(true);
    expect(inTable.promises).toEqual(['api-contract']);
    expect(inTable.text).toMatch(/shows 2 element\(s\) \(img,b\) made from the system's text in the workers table: text must show as text/);
    expect(inTable.text).toMatch(new RegExp(`does not show ${MARKUP_ID.source} as text in the workers table`));
    const feed = { applied: false };
    const inFeed = await withPlanted(servedAsset('app.js', "e.workerId ? ` ${e.workerId}` : ''", "e.workerId ? Object.assign(el('span'), { innerHTML: ` ${e.workerId}` }) : ''", feed), () => simVerdict(s));
    expect(feed.applied).toBe(true);
    expect(inFeed.promises).toEqual(['api-contract']);
    expect(inFeed.text).toMatch(/shows \d+ element\(s\) \(img,b\) made from the system's text in the live feed/);
    expect(inFeed.text).toMatch(new RegExp(`does not show ${MARKUP_ID.source} as text in the live feed`));
  });
});
