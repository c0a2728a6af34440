/**
 * The coordinator dashboard in headless Chromium: the page loads without
 * console errors, and live updates arrive (server-sent events, no reload)
 * when a worker connects, when a task completes and when a fault (the
 * worker's link cut by a relay) hits and heals. Then the sign-in flow with
 * a token in a header. Screenshots land in reports/browser/.
 * Skips with a message when /usr/bin/chromium is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../system/core/clock.js';
import type { HttpRequest, HttpResponse, Listener } from '../../system/core/transport.js';
import type { Coordinator } from '../../system/coordinator/index.js';
import { createHttpApi } from '../../system/coordinator/http-api.js';
import { createUiHandler } from '../../system/coordinator/ui/ui-handler.js';
import { wsTransport } from '../../system/transport/index.js';
import { Fixture, http } from '../integration/helpers.js';
import { NO_BROWSER, openBrowser, type BrowserSession } from './browser.js';

if (NO_BROWSER !== undefined) console.warn(NO_BROWSER);

describe.skipIf(NO_BROWSER !== undefined)('coordinator dashboard in Chromium', () => {
  const f = new Fixture();
  let c: Coordinator;
  let b: BrowserSession;
  beforeAll(async () => {
    c = await f.coordinator();
    b = await openBrowser();
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await f.cleanup();
  });

  it('shows workers, executions and faults as they happen', { timeout: 120_000 }, async () => {
    const { page } = b;
    await page.goto(`${c.httpUrl}/ui`);
    await page.waitForSelector('#conn.live');
    await page.waitForSelector('#workers-table .empty');

    // A worker connects (through a relay, so a fault can cut its link later).
    const relay = await f.relay(c.port);
    // Equal jitter from 1.5 s: the outage lasts longer than the feed's 250 ms window, so the page shows it.
    f.worker(relay.url, 'w-browser', { backoff: { strategy: 'equal-jitter', initialMs: 1500, maxMs: 2000 } });
    await page.waitForSelector('tr[data-worker="w-browser"][data-state="connected"]');

    // A graph of tasks is submitted and completes; the table follows without a reload.
    const res = await http(c, 'POST', '/api/v1/graphs', { tasks: { fetch: { kind: 'echo', params: { value: 1 } }, parse: { kind: 'sleep', params: { durationMs: 200 }, dependsOn: ['fetch'] }, index: { kind: 'echo', params: { value: 2 }, dependsOn: ['fetch'] }, publish: { kind: 'echo', params: { value: 3 }, dependsOn: ['parse', 'index'] } } });
    expect(res.status).toBe(201);
    const ids = (res.body as unknown as { executions: { taskId: string; executionId: string }[] }).executions;
    const publish = ids.find((x) => x.taskId === 'publish')?.executionId ?? '';
    await page.waitForSelector(`tr[data-exec="${publish}"] .pill.completed`);
    await page.click(`tr[data-exec="${publish}"]`);
    await page.waitForSelector('#detail svg.graph g.node.selected');
    expect(await page.locator('#detail svg.graph g.node').count()).toBe(4);
    expect(await page.locator('#detail svg.graph path.edge').count()).toBe(4);
    expect(await page.locator('#detail table tbody tr').count()).toBeGreaterThanOrEqual(4);
    await b.screenshot('coordinator-dashboard');

    // A fault: the link is cut; the worker drops and comes back, live.
    const updatesBefore = Number(await page.getAttribute('body', 'data-updates'));
    relay.cut();
    await page.waitForSelector('tr[data-worker="w-browser"]:not([data-state="connected"])');
    await b.screenshot('coordinator-dashboard-during-fault');
    await page.waitForSelector('tr[data-worker="w-browser"][data-state="connected"][data-reconnects="1"]');
    expect(Number(await page.getAttribute('body', 'data-updates'))).toBeGreaterThan(updatesBefore);
    expect(await page.locator('#event-list li.fault').count()).toBeGreaterThan(0);
    await b.screenshot('coordinator-dashboard-after-fault');
    expect(b.problems).toEqual([]);
  });
});

describe.skipIf(NO_BROWSER !== undefined)('dashboard sign-in in Chromium', () => {
  let listener: Listener;
  let b: BrowserSession;
  const f = new Fixture();
  const seen: string[] = [];
  beforeAll(async () => {
    const c = await f.coordinator();
    // The same composition as the coordinator's, with a token check standing in for the API's auth.
    const authorize = (req: HttpRequest): HttpResponse | undefined => {
      seen.push(`${req.path} cookie=${req.headers.cookie ?? ''}`);
      return req.headers.authorization === 'Bearer s3cret' ? undefined : { status: 401, headers: { 'content-type': 'application/json' }, body: '{"error":{"code":"auth_failed","message":"a valid bearer token is required","path":""}}' };
    };
    const ui = createUiHandler({ clock: systemClock, engine: c.engine, workers: () => c.workers(), authorize });
    const api = createHttpApi({ engine: c.engine, taskKinds: new Map(), clock: systemClock, workers: () => c.workers(), metrics: async () => ({ contentType: 'text/plain', body: '' }) });
    listener = await wsTransport().listen({ host: '127.0.0.1', port: 0, maxPayloadBytes: 65536, perMessageDeflate: false, onConnection: (conn) => conn.close(1000, 'no'), onHttp: async (req) => (await ui.handle(req)) ?? (await authorize(req)) ?? api(req) });
    f.onCleanup(() => listener.close());
    b = await openBrowser();
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await f.cleanup();
  });

  it('asks for a token, sends it as a header, never as a cookie', { timeout: 60_000 }, async () => {
    const { page } = b;
    await page.goto(`${listener.url.replace('ws', 'http')}/ui`);
    await page.waitForSelector('#login:not([hidden])');
    await b.screenshot('coordinator-sign-in');
    await page.fill('#token', 'wrong');
    await page.click('#login-form button');
    await page.waitForSelector('#login-error:not([hidden])');
    await page.fill('#token', 's3cret');
    await page.click('#login-form button');
    await page.waitForSelector('#conn.live');
    expect(await page.evaluate('document.cookie')).toBe('');
    expect(seen.every((s) => s.endsWith('cookie='))).toBe(true);
    // The 401s of the refused attempts are the only console errors.
    expect(b.problems.filter((p) => !/401/.test(p))).toEqual([]);
  });
});
