/**
 * Promise 31 (cli) against broken CLIs (./broken/cli-variants.ts): the
 * scenario cli-client runs the real client commands against the simulated
 * coordinator; at seed 1 the real CLI passes and each planted defect is
 * reported under `cli`, naming the command and what it broke. Blind set 13
 * #17 (a watch polling in a tight loop) and #29 (a 429's exit code) went
 * through before the simulation ran the CLI.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { tooManyRequestsIsUsage, watchStopsEarly, watchWithoutWait } from './broken/cli-variants.js';
import { simVerdict } from './broken/verdict.js';

const scenario = () => loadScenario('scenarios/cli-client.yaml');

describe('31 cli: the real commands in simulation, and broken ones caught', () => {
  it('the real CLI keeps its contract at seed 1', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario());
    expect(v.text).toBe('');
    expect(v.passed).toBe(true);
  });

  it('a watch without the wait between reads (tight loop) is reported', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario(), { cli: watchWithoutWait });
    expect(v.promises).toEqual(['cli']);
    expect(v.text).toMatch(/squall executions watch ex_\w+ --poll-ms 300 \(t=150\): read ex_\w+ at t=\d+ \(\w+\) and again at t=\d+, \d ms later, with no push of the event stream naming it in between/);
    expect(v.text).toMatch(/squall submit --kind sleep .* --wait --poll-ms 250 \(t=1250\): read ex_\w+ at t=\d+/);
  });

  it('a 429 mapped to exit 2 instead of 7 is reported', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario(), { cli: tooManyRequestsIsUsage });
    expect(v.promises).toEqual(['cli']);
    expect(v.text).toMatch(/squall submit --kind echo --params \{"value":"over-quota"\} \(t=100\): exited 2 after POST \/api\/v1\/executions at t=100 was answered HTTP 429; the README documents exit 7 for that/);
  });

  it('a watch that stops one status early (at running) is reported', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario(), { cli: watchStopsEarly });
    expect(v.promises).toEqual(['cli']);
    expect(v.text).toMatch(/squall executions watch ex_\w+ --poll-ms 300 \(t=150\): ended \(exit 0\) at t=\d+ while its last read of ex_\w+ answered running: it ends exactly when the execution reaches a terminal status/);
  });
});
