/**
 * Promise 31 (cli) on long listings and a degraded fleet against broken
 * CLIs: the scenario cli-fleet lists 48 executions with --limit 3 to 7
 * (--all, --status, --task-id, --cursor, on a terminal and in JSON) and runs
 * `squall workers` while w4 drains, while w2 and w3 are cut off and once
 * they are lost. At seed 1 the real system passes; blind set 17's #05 (a
 * listing that re-reads its first page forever) and #06 (disconnected
 * workers counted as connected), a command that never returns, a listing
 * whose later pages drop its filters and a listing API that skips the
 * execution after each cursor (./broken/cli17-variants.ts, and vi.mock of
 * the engine's listing index below) are each reported under `cli`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Listing from '../../system/engine/listing.js';
import { cursorFlagOnEveryPage, filtersOnFirstPageOnly, notLostCountedConnected, workersNeverReturn } from './broken/cli17-variants.js';
import { simVerdict } from './broken/verdict.js';

/** A listing whose pages after the first leave out the execution right after the cursor, switched on per test. */
const skipping = vi.hoisted(() => ({ on: false }));
vi.mock('../../system/engine/listing.js', async (original) => {
  const real = await original<typeof Listing>();
  class ListingIndex extends real.ListingIndex {
    override page(q: Listing.ParsedQuery): ReturnType<Listing.ListingIndex['page']> {
      const p = super.page(q);
      return skipping.on && q.after !== undefined ? { executions: p.executions.slice(1), nextCursor: p.nextCursor } : p;
    }
  }
  return { ...real, ListingIndex };
});

const scenario = () => loadScenario('scenarios/cli-fleet.yaml');

afterEach(() => {
  skipping.on = false;
});

describe('31 cli: long listings and a degraded fleet (cli-fleet), and broken CLIs caught', () => {
  it('the real CLI keeps its contract at seed 1', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario());
    expect(v.text).toBe('');
    expect(v.passed).toBe(true);
  });

  it('#05: a listing that sends --cursor instead of the page\'s nextCursor is reported hung, with its requests', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario(), { cli: cursorFlagOnEveryPage() });
    expect(v.promises).toEqual(['cli']);
    expect(v.text).toMatch(/squall executions list --limit 4 --all \(t=1000\): sent GET \/api\/v1\/executions\?limit=4 again and again with nothing in between \(50 requests in \d+ ms\) without returning: it hung; 50 request\(s\): GET \/api\/v1\/executions\?limit=4 t=1000 200 next=\S+;/);
    expect(v.text).toMatch(/squall executions list --limit 6 --cursor \S+ --all \(t=1300\): read page 2 at t=1302 with cursor \S+, but the page before answered nextCursor \S+: --all continues from each page's nextCursor/);
  });

  it('#06: a workers summary counting disconnected workers as connected is reported', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario(), { cli: notLostCountedConnected });
    expect(v.promises).toEqual(['cli']);
    expect(v.text).toMatch(/squall workers \(t=2000, on a terminal: true\): did not print "4 worker\(s\), 2 connected" under its table/);
    expect(v.text).toMatch(/squall workers \(t=3000, on a terminal: true\): did not print "4 worker\(s\), 1 connected" under its table/);
  });

  it('a command that never returns after its answer is reported hung, over its budget', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario(), { cli: workersNeverReturn });
    expect(v.promises).toEqual(['cli']);
    expect(v.text).toMatch(/squall workers \(t=900\): had not returned \d+ ms after it started, over its budget of 500 ms: it hung; 1 request\(s\): GET \/api\/v1\/workers t=900 200/);
    expect(v.text).toMatch(/squall workers --json \(t=3950\): had not returned/);
  });

  it('a listing whose later pages drop --status and --task-id is reported', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario(), { cli: filtersOnFirstPageOnly });
    expect(v.promises).toEqual(['cli']);
    expect(v.text).toMatch(/squall executions list --limit 5 --all --status completed \(t=1100\): read page 2 at t=\d+ with status=\(none\), but it was given status completed: every page asks the same filters/);
    expect(v.text).toMatch(/squall executions list --limit 3 --all --task-id tagged \(t=1150\): read page 2 at t=\d+ with taskId=\(none\), but it was given taskId tagged/);
  });

  it('a listing API that skips the execution after each cursor is reported (none missing)', { timeout: 60_000 }, async () => {
    skipping.on = true;
    const v = await simVerdict(await scenario());
    expect(v.promises).toContain('cli');
    expect(v.text).toMatch(/squall executions list --limit 4 --all \(t=1000\): listed \d+ execution\(s\) over \d+ page\(s\) but not ex_\w+ \(submitted at t=\d+, before its first read at t=1000\)/);
  });
});
