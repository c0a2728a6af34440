/**
 * Blind set 19 #07's class on the CLI's side (promise 31, cli): `squall
 * workers` on a terminal shows each worker's round trip as the API's rttMs
 * in milliseconds. The broken variant (vi.mock of the CLI's table renderer,
 * system/cli/format.ts) shows the rtt column in seconds under "ms", as a
 * unit slip in the CLI would; cli-fleet's `squall workers` on a terminal
 * reports it (promises-cli-human.ts), and the real CLI passes at the same
 * seed.
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type * as Format from '../../system/cli/format.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { simVerdict } from './broken/verdict.js';

const state = { broken: false };

vi.mock('../../system/cli/format.js', async (importOriginal) => {
  const real = await importOriginal<typeof Format>();
  const renderTable: typeof real.renderTable = (headers, rows, align) => {
    const col = headers.indexOf('rtt');
    if (!state.broken || col < 0) return real.renderTable(headers, rows, align);
    const seconds = rows.map((r) => r.map((cell, i) => (i === col && cell.endsWith('ms') ? `${(Number(cell.slice(0, -2)) / 1000).toFixed(1)}ms` : cell)));
    return real.renderTable(headers, seconds, align);
  };
  return { ...real, renderTable };
});

describe('cli: squall workers shows the round trip in ms (set 19 #07 class)', () => {
  it('a workers table with the rtt in seconds is reported (cli-fleet); the real CLI passes', { timeout: 60_000 }, async () => {
    const s = await loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'cli-fleet.yaml'));
    state.broken = false;
    expect((await simVerdict(s)).text).toBe('');
    state.broken = true;
    try {
      const broken = await simVerdict(s);
      expect(broken.promises).toEqual(['cli']);
      expect(broken.text).toMatch(/squall workers \(t=\d+, on a terminal: true\): printed w\d's round trip as "0\.0ms", but the API answered rttMs [\d.]+ \(milliseconds/);
    } finally {
      state.broken = false;
    }
  });
});
