/**
 * Part of promise 31, promises-cli-kinds.ts, on synthetic histories: a
 * `squall kinds` table and a `kinds --json-schema` that show the documented
 * kinds and params pass; one with the "?" marks swapped (blind set 19 #03),
 * a kind missing, a dangerous kind not marked, a schema requiring an
 * optional param and a non-zero exit are reported. The simulation:
 * tests/sim/broken-cli19.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { CliRun } from '../../harness/check/cli-runs.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const ROWS: [string, string, string][] = [
  ['sleep', '', 'durationMs, checkpointEveryMs?'],
  ['echo', '', 'value'],
  ['fail', '', 'times, messageChars?'],
  ['cpu', '', 'ms'],
  ['command', 'opt-in', 'argv, env?, cwd?'],
  ['container', 'opt-in', 'image, cmd, env?, timeoutMs?'],
];

/** The table as renderTable lays it out: columns padded to their widest cell, two spaces apart. */
function table(rows: [string, string, string][]): string {
  const all = [['kind', 'dangerous', 'params (? = optional)'], ...rows].map((r) => [...r, 'what it does']);
  const widths = [0, 1, 2].map((i) => Math.max(...all.map((r) => (r[i] as string).length)));
  const line = (r: string[]): string => r.map((c, i) => (i < 3 ? c.padEnd(widths[i] as number) : c)).join('  ');
  return [line(all[0] as string[]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line), '', 'Full reference: squall kinds --markdown'].join('\n');
}

const SCHEMA = { sleep: { properties: { durationMs: {}, checkpointEveryMs: {} }, required: ['durationMs'] }, echo: { properties: { value: {} }, required: ['value'] }, fail: { properties: { times: {}, messageChars: {} }, required: ['times'] }, cpu: { properties: { ms: {} }, required: ['ms'] }, command: { properties: { argv: {}, env: {}, cwd: {} }, required: ['argv'] }, container: { properties: { image: {}, cmd: {}, env: {}, timeoutMs: {} }, required: ['image', 'cmd'] } };

const messages = (args: string[], out: string, exitCode = 0): string[] => {
  const run: CliRun = { args, token: 'submit', startedAt: 100, endedAt: 100, exitCode, out, requests: [], pushes: [] } as unknown as CliRun;
  const h = new H();
  h.at(100).rec.recordInfo({ cliRun: run });
  return checkHistory(h.history(), ['cli'], baseContext).map((v) => v.message);
};

describe('31 cli: squall kinds against the documented kinds and params', () => {
  it('passes the documented table and schema', () => {
    expect(messages(['kinds'], table(ROWS))).toEqual([]);
    expect(messages(['kinds', '--json-schema'], JSON.stringify(SCHEMA))).toEqual([]);
  });

  it('reports the "?" marks swapped (#03), a kind missing and a dangerous kind not marked', () => {
    const swapped = ROWS.map(([k, d, p]): [string, string, string] => [k, d, p.split(', ').map((x) => (x.endsWith('?') ? x.slice(0, -1) : `${x}?`)).join(', ')]);
    expect(messages(['kinds'], table(swapped))).toEqual([expect.stringMatching(/squall kinds \(t=100\): showed sleep's params as "durationMs\?, checkpointEveryMs"; documented: durationMs, checkpointEveryMs\?/)]);
    expect(messages(['kinds'], table(ROWS.slice(0, 5)))).toEqual([expect.stringMatching(/showed the kinds sleep, echo, fail, cpu, command; the documented kinds are/)]);
    expect(messages(['kinds'], table(ROWS.map(([k, , p]) => [k, '', p])))).toEqual([expect.stringMatching(/showed command as dangerous ""; documented: opt-in/)]);
  });

  it('reports a schema requiring an optional param, and a non-zero exit', () => {
    expect(messages(['kinds', '--json-schema'], JSON.stringify({ ...SCHEMA, fail: { ...SCHEMA.fail, required: ['times', 'messageChars'] } }))).toEqual([expect.stringMatching(/printed fail's required \[messageChars, times\]; documented required: \[times\]/)]);
    expect(messages(['kinds'], '', 2)).toEqual([expect.stringMatching(/squall kinds \(t=100\): exited 2: it reads no coordinator/)]);
  });
});
