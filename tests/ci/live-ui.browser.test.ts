/**
 * `squall run --mode live --ui` in headless Chromium while a real live run
 * goes on (coordinator and worker processes, the fault proxy): the page
 * shows the partition as it hits (fault row active, the west workers
 * dropping) and the workers coming back after it, then the verdict; and a
 * broken system's safety violation listed by the mid-run checks before the
 * verdict exists. Pages load without console errors; screenshots in
 * reports/browser/.
 * Skips with a message when /usr/bin/chromium is missing.
 */
import { describe, expect, it } from 'vitest';
import { runLive } from '../../harness/live/runner.js';
import { startLiveUi } from '../../harness/live/ui/live-ui.js';
import { contextFromScenario } from '../../harness/scenario/check-context.js';
import { parseScenario } from '../../harness/scenario/loader.js';
import { workerIds } from '../../harness/scenario/schema.js';
import { NO_BROWSER, openBrowser } from './browser.js';

if (NO_BROWSER !== undefined) console.warn(NO_BROWSER);

const YAML = `
name: live-ui-partition
description: four workers in two racks; the west rack is cut off from the coordinator for three seconds, then heals.
fleet:
  workers: 4
  concurrency: 2
  groups:
    - { name: east, count: 2 }
    - { name: west, count: 2 }
  backoff: { strategy: full-jitter, initialMs: 50, maxMs: 400 }
coordinator:
  heartbeatMs: 300
  heartbeatTimeoutMs: 1000
  leaseMs: 1200
  secret: live-ui-secret
workload:
  items:
    - kind: sleep
      count: 24
      ratePerSec: 8
      params: { durationMs: 300, checkpointEveryMs: 100 }
faults:
  - at: 1000
    for: 3000
    action: { type: partition, groups: [[coordinator, east], west] }
phases:
  faultsMs: 4500
  healMs: 15000
`;

// The broken system of tests/live/depends-on.test.ts: every graph arrives without its dependencies (promise 4, order).
const GRAPH_YAML = `
name: live-ui-broken-order
description: chains of sleeps, live, no faults; the system drops every dependency.
fleet: { workers: 2, concurrency: 4, backoff: { strategy: full-jitter, initialMs: 50, maxMs: 500 } }
coordinator: { heartbeatMs: 300, heartbeatTimeoutMs: 1000, leaseMs: 2000 }
workload:
  items:
    - { kind: sleep, count: 3, graph: { shape: chain, size: 4 }, params: { durationMs: 200 } }
phases: { faultsMs: 1500, healMs: 15000 }
`;

const dropDependsOn = (body: unknown, graph: boolean): unknown => {
  if (!graph) return body;
  const g = structuredClone(body) as { tasks: Record<string, { dependsOn?: string[] }> };
  for (const node of Object.values(g.tasks)) node.dependsOn = [];
  return g;
};

describe.skipIf(NO_BROWSER !== undefined)('live-run page in Chromium', () => {
  it('lists a broken system\'s safety violation from the mid-run checks, before the verdict', { timeout: 120_000 }, async () => {
    const scenario = parseScenario(GRAPH_YAML, 'live-ui-broken-order.yaml');
    const ui = await startLiveUi(scenario, workerIds(scenario.fleet), { flushMs: 200, safety: { selection: scenario.checks, context: contextFromScenario(scenario), everyMs: 500, settleMs: 300 } });
    const b = await openBrowser();
    try {
      await b.page.goto(ui.url);
      await b.page.waitForSelector('#conn.live');
      const run = runLive(scenario, { seed: 5, reportDir: null, observer: ui.observer, wiring: { submitBody: dropDependsOn } });
      // Only the mid-run checks fill this table (the verdict goes to #verdict-box, after finish()).
      await b.page.waitForSelector('#violation-box tr[data-promise="order"]', { timeout: 60_000 });
      expect(await b.page.locator('#violation-box tr[data-promise="no-lost-work"]').count()).toBe(0);
      expect(await b.page.locator('#verdict-box .verdict-banner').count()).toBe(0);
      expect(await b.page.locator('#violation-box tr[data-promise="order"] >> nth=0').textContent()).toMatch(/dependencies .* dropped/);
      await b.screenshot('live-run-violation-mid-run');
      const { json } = await run;
      ui.finish({ passed: json.passed, violations: json.violations.map((v) => ({ promise: v.promise, name: v.name, message: v.message })), report: null });
      await b.page.waitForSelector('body[data-phase="checked"]');
      expect(json.violations.some((v) => v.name === 'order')).toBe(true);
      expect(b.problems).toEqual([]);
    } finally {
      await b.close();
      await ui.close();
    }
  });


  it('shows workers dropping and coming back as the partition hits and heals', { timeout: 150_000 }, async () => {
    const scenario = parseScenario(YAML, 'live-ui-partition.yaml');
    const ui = await startLiveUi(scenario, workerIds(scenario.fleet), { flushMs: 200 });
    const b = await openBrowser();
    try {
      await b.page.goto(ui.url);
      await b.page.waitForSelector('#conn.live');
      const run = runLive(scenario, { seed: 5, reportDir: null, observer: ui.observer });
      // West is w3, w4: the fault row turns active and their chips go down.
      await b.page.waitForSelector('#fault-table tr[data-active="true"]', { timeout: 60_000 });
      await b.page.waitForSelector('.chip[data-worker="w3"][data-up="false"]', { timeout: 30_000 });
      expect(await b.page.locator('.chip[data-worker="w1"][data-up="true"]').count()).toBe(1);
      await b.screenshot('live-run-during-partition');
      await b.page.waitForSelector('#fault-table tr[data-active="false"]', { timeout: 30_000 });
      await b.page.waitForSelector('.chip[data-worker="w3"][data-up="true"]', { timeout: 30_000 });
      const { json } = await run;
      ui.finish({ passed: json.passed, violations: json.violations.map((v) => ({ promise: v.promise, name: v.name, message: v.message })), report: null });
      await b.page.waitForSelector('body[data-phase="checked"]');
      expect(await b.page.locator('svg.chart line.heal').count()).toBe(1);
      expect(Number(await b.page.locator('.tile >> nth=1 >> .v').textContent())).toBeGreaterThan(0);
      await b.screenshot('live-run-finished');
      expect(b.problems).toEqual([]);
    } finally {
      await b.close();
      await ui.close();
    }
  });
});
