/**
 * The HTML reports in headless Chromium: a live run with a violation and a
 * seed sweep open from disk without console errors or network requests (the
 * page is self-contained), the per-promise table comes first, and a
 * screenshot of each is saved in reports/browser/ for checking by eye.
 * Skips with a message when /usr/bin/chromium is missing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../harness/report/write.js';
import { liveFixture, simSweepFixture } from '../report/fixtures.js';
import { NO_BROWSER, openBrowser } from './browser.js';

if (NO_BROWSER !== undefined) console.warn(NO_BROWSER);
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe.skipIf(NO_BROWSER !== undefined)('HTML reports in Chromium', () => {
  it('open from disk cleanly, promises first', { timeout: 120_000 }, async () => {
    const out = await mkdtemp(join(tmpdir(), 'squall-report-'));
    dirs.push(out);
    const b = await openBrowser();
    const requests: string[] = [];
    b.page.on('request', (r) => {
      if (!r.url().startsWith('file://')) requests.push(r.url());
    });
    try {
      for (const [name, result] of [['report-live-violation', liveFixture()], ['report-sim-sweep', simSweepFixture()]] as const) {
        const dir = await writeReport(result, { dir: out });
        await b.page.goto(`file://${join(dir, 'index.html')}`);
        const headings = await b.page.locator('h2').allTextContents();
        expect(headings[0]).toBe('Promises');
        await b.screenshot(name);
      }
      expect(b.problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await b.close();
    }
  });
});
