/**
 * Promise 31 (cli) at the CLI's edges against broken CLIs: the scenario
 * cli-edges runs the real client commands with non-ASCII bodies, token
 * files written as shells write them, and batch and graph submits with
 * --wait where some executions fail, time out or are cancelled; at seed 1
 * the real CLI passes and each planted defect of blind set 14's CLI class
 * (#03, #04, #05) is reported under `cli` only.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Options from '../../system/cli/options.js';
import { utf16ContentLength, waitExitsOnlyIfAllFailed } from './broken/cli-edge-variants.js';
import { simVerdict } from './broken/verdict.js';

/** #05: --token-file read without trimming (the file's newline kept), switched on per test. */
const untrimmed = vi.hoisted(() => ({ on: false }));
vi.mock('../../system/cli/options.js', async (importOriginal) => {
  const real = await importOriginal<typeof Options>();
  return { ...real, resolveToken: (flag: string | undefined, file: string | undefined) => (untrimmed.on && file !== undefined ? readFileSync(file, 'utf8') : real.resolveToken(flag, file)) };
});

const scenario = () => loadScenario('scenarios/cli-edges.yaml');

describe('31 cli: the CLI edges in simulation, and broken ones caught', () => {
  it('the real CLI keeps its contract at seed 1', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario());
    expect(v.text).toBe('');
    expect(v.passed).toBe(true);
  });

  it('submit --wait exiting 0 when only some waited-for executions did not complete is reported (set 14 #03)', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario(), { cli: waitExitsOnlyIfAllFailed });
    expect(v.promises).toEqual(['cli']);
    expect(v.text).toMatch(/squall submit --file \S+ --wait --poll-ms 200 \(t=150\): exited 0 after the waited-for ex_\w+ ended failed; the README documents exit 1/);
    expect(v.text).toMatch(/\(t=200\): exited 0 after the waited-for ex_\w+ ended timeout/);
    expect(v.text).toMatch(/squall submit --graph \S+ --wait --poll-ms 200 \(t=250\): exited 0 after the waited-for ex_\w+ ended cancelled/);
  });

  it('a content-length counted in UTF-16 units is reported (set 14 #04)', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario(), { cli: utf16ContentLength });
    expect(v.promises).toEqual(['cli']);
    expect(v.text).toMatch(/squall submit --kind echo --params \{"value":"héllo .*\(t=100\): sent POST \/api\/v1\/executions at t=100 with content-length 57 for a 69-byte body \(UTF-8\)/);
    expect(v.text).toMatch(/squall executions cancel ex_\w+ --reason annulé .*: sent POST \/api\/v1\/executions\/ex_\w+\/cancel at t=400 with content-length \d+ for a \d+-byte body/);
  });

  it('a token file read with its newline is reported (set 14 #05)', { timeout: 60_000 }, async () => {
    untrimmed.on = true;
    try {
      const v = await simVerdict(await scenario());
      expect(v.promises).toEqual(['cli']);
      expect(v.text).toMatch(/squall submit --kind echo .*\(t=100\): built POST \/api\/v1\/executions at t=100 with a header \(authorization\) holding a CR, LF or control character: node's HTTP client throws ERR_INVALID_CHAR/);
    } finally {
      untrimmed.on = false;
    }
  });
});
