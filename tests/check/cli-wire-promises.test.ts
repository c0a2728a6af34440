/**
 * Promise 31 (cli), promises-cli-wire.ts, on synthetic histories: a request
 * node would not carry as meant (a CR/LF header, a content-length that is
 * not the body's UTF-8 bytes), a valid token refused 401, a JSON time
 * printed as epoch ms, and `executions list` paging that does not follow
 * --cursor, --all and nextCursor (promises-cli-pages.ts) are each reported; their good neighbours
 * pass. The simulation shows each caught against a broken CLI
 * (tests/sim/broken-cli-edges.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { CliRequest, CliRun } from '../../harness/check/cli-runs.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const messages = (...runs: CliRun[]): string[] => {
  const h = new H();
  for (const run of runs) h.at(run.endedAt ?? run.startedAt).rec.recordInfo({ cliRun: run }, 'cli');
  return checkHistory(h.history(), ['cli'], baseContext).map((v) => v.message);
};

const run = (args: string[], requests: CliRequest[], rest: Partial<CliRun> = {}): CliRun => ({ args, token: 'submit', startedAt: 100, endedAt: 200, exitCode: 0, out: '', requests, pushes: [], ...rest });
const created = (over: Partial<CliRequest>): CliRequest => ({ method: 'POST', path: '/api/v1/executions', at: 100, answeredAt: 102, status: 201, seen: [['ex_1', 'scheduled']], ...over });
const printed = (x: unknown): string => `${JSON.stringify(x, null, 2)}\n`;
const T = new Date(1_893_456_000_000).toISOString();

describe('31 cli: requests framed as node carries them (promises-cli-wire.ts)', () => {
  it('reports a content-length shorter than the UTF-8 body and a header node refuses; passes an exact length', () => {
    const ok = { out: printed({ executionId: 'ex_1', status: 'scheduled' }) };
    expect(messages(run(['submit', '--kind', 'echo'], [created({ contentLength: '69', bodyBytes: 69 })], ok))).toEqual([]);
    const got = messages(
      run(['submit', '--kind', 'echo'], [created({ contentLength: '57', bodyBytes: 69, status: 400, seen: undefined })], { exitCode: 2 }),
      run(['executions', 'get', 'ex_1'], [{ method: 'GET', path: '/api/v1/executions/ex_1', at: 100, answeredAt: 100, error: 'ERR_INVALID_CHAR', refusedHeaders: ['authorization'] }], { exitCode: 3 }),
    );
    expect(got).toEqual([
      expect.stringMatching(/squall submit --kind echo \(t=100\): sent POST \/api\/v1\/executions at t=100 with content-length 57 for a 69-byte body \(UTF-8\): node's server reads content-length bytes/),
      expect.stringMatching(/squall executions get ex_1 \(t=100\): built GET \/api\/v1\/executions\/ex_1 at t=100 with a header \(authorization\) holding a CR, LF or control character: node's HTTP client throws ERR_INVALID_CHAR/),
    ]);
  });

  it('reports a valid token refused 401, not a forged one, nor one after a revoke', () => {
    const refused = (token: string): CliRun => run(['submit', '--kind', 'echo'], [created({ status: 401, seen: undefined })], { exitCode: 5, token });
    expect(messages(refused('forged'))).toEqual([]);
    expect(messages(refused('read'))).toEqual([expect.stringMatching(/POST \/api\/v1\/executions at t=100 was refused 401 though the command was given a valid read token in --token-file/)]);
  });
});

describe('31 cli: JSON times (promises-cli-wire.ts) and list paging (promises-cli-pages.ts)', () => {
  it('reports a time printed as epoch ms; passes ISO-8601 and null', () => {
    const get = (out: unknown): CliRun => run(['executions', 'get', 'ex_1'], [{ method: 'GET', path: '/api/v1/executions/ex_1', at: 100, answeredAt: 102, status: 200, seen: [['ex_1', 'running']] }], { out: printed(out) });
    expect(messages(get({ executionId: 'ex_1', status: 'running', createdAt: T, completedAt: null, statusHistory: [{ status: 'running', at: T }] }))).toEqual([]);
    expect(messages(get({ executionId: 'ex_1', status: 'running', createdAt: T, statusHistory: [{ status: 'running', at: 1_893_456_000_000 }] }))).toEqual([
      expect.stringMatching(/printed statusHistory\[0\]\.at = 1893456000000 in its JSON: times print as ISO-8601 in JSON, never as epoch milliseconds/),
    ]);
  });

  it('reports a nested time under another name as epoch ms at any depth; passes durations, sizes and the client\'s own data', () => {
    const get = (out: unknown): CliRun => run(['executions', 'get', 'ex_1'], [{ method: 'GET', path: '/api/v1/executions/ex_1', at: 100, answeredAt: 102, status: 200, seen: [['ex_1', 'running']] }], { out: printed(out) });
    const base = { executionId: 'ex_1', status: 'running', createdAt: T };
    expect(messages(get({ ...base, params: { notBefore: 1_893_456_000_000 }, metadata: { ts: 1_893_456_000_000 }, lease: { expiresAt: T, leaseMs: 3000 }, checkpoint: { at: T, data: { startedOn: 1_893_456_000_000 } } }))).toEqual([]);
    expect(messages(get({ ...base, lease: { workerId: 'w1', expires: 1_893_456_003_000 } }))).toEqual([expect.stringMatching(/printed lease\.expires = 1893456003000 in its JSON/)]);
    expect(messages(get({ ...base, attempts: [{ lease: { expiresAt: 1_893_456_003_000 } }] }))).toEqual([expect.stringMatching(/printed attempts\[0\]\.lease\.expiresAt = 1893456003000 in its JSON/)]);
  });

  it('reports --all stopping early, a page read from the wrong cursor and a printed cursor that is not the page\'s; passes one page, --cursor and --all', () => {
    const page = (at: number, cursor: string | null, next: string | null, id: string): CliRequest => ({ method: 'GET', path: `/api/v1/executions?limit=1${cursor === null ? '' : `&cursor=${cursor}`}`, at, answeredAt: at + 2, status: 200, seen: [[id, 'completed']], nextCursor: next });
    const out = (ids: string[], next: string | null): string => printed({ executions: ids.map((executionId) => ({ executionId, status: 'completed' })), nextCursor: next });
    expect(messages(
      run(['executions', 'list', '--limit', '1'], [page(100, null, 'c1', 'ex_1')], { out: out(['ex_1'], 'c1') }),
      run(['executions', 'list', '--limit', '1', '--cursor', 'c1'], [page(100, 'c1', 'c2', 'ex_2')], { out: out(['ex_2'], 'c2') }),
      run(['executions', 'list', '--limit', '1', '--all'], [page(100, null, 'c1', 'ex_1'), page(110, 'c1', null, 'ex_2')], { out: out(['ex_1', 'ex_2'], null) }),
    )).toEqual([]);
    expect(messages(
      run(['executions', 'list', '--limit', '1'], [page(100, null, 'c1', 'ex_1')], { out: out(['ex_1'], null) }),
      run(['executions', 'list', '--limit', '1', '--cursor', 'c1'], [page(100, null, 'c1', 'ex_1')], { out: out(['ex_1'], 'c1') }),
      run(['executions', 'list', '--limit', '1', '--all'], [page(100, null, 'c1', 'ex_1')], { out: out(['ex_1'], 'c1') }),
      run(['executions', 'list', '--limit', '1', '--all'], [page(100, null, 'c1', 'ex_1'), page(110, null, null, 'ex_1')], { out: out(['ex_1', 'ex_1'], null) }),
    )).toEqual([
      expect.stringMatching(/printed nextCursor null, but its last page answered "c1": the printed cursor continues the listing/),
      expect.stringMatching(/read its first page with cursor none: --cursor c1 continues from that page/),
      expect.stringMatching(/stopped \(--all\) after a page answered nextCursor c1: --all follows every page/),
      expect.stringMatching(/read page 2 at t=110 with cursor none, but the page before answered nextCursor c1: --all continues from each page's nextCursor/),
      expect.stringMatching(/read ex_1 on page 1 and again on page 2 \(t=110\): a listing holds each execution once/),
    ]);
  });
});
