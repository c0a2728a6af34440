/**
 * Promise 31 (cli), the CLI's reading of an answer cut in chunks: the
 * transport adversary's cuts (harness/scenario/cli-http-chunks.ts) fall
 * inside multi-byte characters and lose no byte, the CLI's own reader
 * (cliHttpOver) joins them back exactly while a per-chunk decoder does not,
 * and promises-cli-wire.ts reports a command handed a changed answer
 * (synthetic history) and passes its good neighbour. The simulation shows
 * it caught against a broken reader (tests/sim/broken-cli20.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { CliRequest, CliRun } from '../../harness/check/cli-runs.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { chunkedSend, chunksOf, garbledAt } from '../../harness/scenario/cli-http-chunks.js';
import { cliHttpOver } from '../../system/cli/index.js';
import { H, baseContext } from './builder.js';

const BODY = JSON.stringify({ executionId: 'ex_1', params: { value: 'héllo wörld ✓ 日本語 🚀' }, result: 'x'.repeat(40_000) });

describe('the transport adversary cuts inside characters (cli-http-chunks.ts)', () => {
  it('cuts inside every multi-byte character (up to its cap) and every 16 KiB, and loses no byte', () => {
    const chunks = chunksOf(BODY);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(BODY);
    expect(chunks.length).toBeGreaterThan(8);
    expect(chunks.some((c) => c.toString('utf8').includes('\uFFFD'))).toBe(true);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(16 * 1024 + 1);
    expect(chunksOf('plain ascii')).toEqual([Buffer.from('plain ascii')]);
    expect(chunksOf('')).toEqual([]);
  });

  it("the CLI's reader hands up the answer exactly; a per-chunk decoder would not", async () => {
    const send = chunkedSend((answer) => answer({ status: 200, body: BODY }));
    const a = await cliHttpOver(send).request({ url: new URL('http://coordinator/api/v1/executions/ex_1'), method: 'GET', headers: {} });
    expect(a).toEqual({ status: 200, body: BODY });
    const perChunk = chunksOf(BODY).map((c) => c.toString('utf8')).join('');
    expect(garbledAt(BODY, perChunk)).toEqual({ at: BODY.indexOf("é"), sent: expect.stringContaining('héllo') as string, got: expect.stringContaining('\uFFFD') as string });
    expect(garbledAt(BODY, BODY)).toBeUndefined();
  });

  it('passes a refusal thrown as node throws it, and a socket error', async () => {
    const thrown = chunkedSend(() => {
      throw Object.assign(new TypeError('Invalid character in header content ["authorization"]'), { code: 'ERR_INVALID_CHAR' });
    });
    await expect(cliHttpOver(thrown).request({ url: new URL('http://coordinator/'), method: 'GET', headers: {} })).rejects.toMatchObject({ code: 'ERR_INVALID_CHAR' });
    const reset = chunkedSend((_answer, fail) => fail(Object.assign(new Error('econnreset (simulated)'), { code: 'ECONNRESET' })));
    await expect(cliHttpOver(reset).request({ url: new URL('http://coordinator/'), method: 'GET', headers: {} })).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});

describe('31 cli: the answer reaches the command as the coordinator sent it (promises-cli-wire.ts)', () => {
  const messages = (run: CliRun): string[] => {
    const h = new H();
    h.at(run.endedAt ?? run.startedAt).rec.recordInfo({ cliRun: run }, 'cli');
    return checkHistory(h.history(), ['cli'], baseContext).map((v) => v.message);
  };
  const get = (over: Partial<CliRequest>): CliRequest => ({ method: 'GET', path: '/api/v1/executions/ex_1', at: 100, answeredAt: 102, status: 200, seen: [['ex_1', 'completed']], ...over });
  const run = (requests: CliRequest[]): CliRun => ({ args: ['executions', 'get', 'ex_1'], token: 'read', startedAt: 100, endedAt: 200, exitCode: 0, out: `${JSON.stringify({ executionId: 'ex_1', status: 'completed' })}\n`, requests, pushes: [] });

  it('passes an answer handed up whole, reports one changed', () => {
    expect(messages(run([get({})]))).toEqual([]);
    expect(messages(run([get({ garbled: { at: 40, sent: 'value":"héllo', got: 'value":"h\uFFFD\uFFFDllo' } })]))).toEqual([
      expect.stringMatching(/squall executions get ex_1 \(t=100\): was handed the answer to GET \/api\/v1\/executions\/ex_1 at t=100 changed from character 40 on \("value\\":\\"h\uFFFD\uFFFDllo" where the coordinator sent "value\\":\\"héllo"\)/),
    ]);
  });
});
