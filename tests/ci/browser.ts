/**
 * Headless Debian Chromium for the dashboard tests, driven by playwright-core
 * (no browser download): the flags keep it offline and quiet, every launch
 * gets a fresh profile, and console errors and failed requests are collected
 * so a test can require a page to load cleanly. Screenshots go to
 * reports/browser/ (gitignored), kept with the test run.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env.SQUALL_CHROMIUM ?? '/usr/bin/chromium';
/** Why browser tests skip, or undefined when Chromium is there. */
export const NO_BROWSER = existsSync(CHROMIUM) ? undefined : `browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium, or set SQUALL_CHROMIUM)`;
const SCREENSHOT_DIR = join(import.meta.dirname, '../../reports/browser');

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A browser page plus what went wrong on it. */
export interface BrowserSession {
  page: Page;
  /** console.error messages, page errors and failed requests, in order. */
  problems: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<BrowserSession> {
  const profile = await mkdtemp(join(tmpdir(), 'squall-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 1000 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A streaming fetch aborted by navigation or close is not a failure of the page.
    if (!r.url().includes('/events')) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  return {
    page,
    problems,
    screenshot: async (name) => {
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
