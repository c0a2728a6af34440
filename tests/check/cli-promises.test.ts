/**
 * Promise 31 (cli) on synthetic histories: each rule of promises-cli.ts and
 * promises-cli-watch.ts reports a command record that breaks it and passes
 * its good neighbour. The simulation shows each caught against a broken CLI
 * (tests/sim/broken-cli.test.ts).
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
const X = '/api/v1/executions/ex_1';
/** A read of ex_1 at t answering `status` with the history so far. */
const read = (at: number, history: [string, number][]): CliRequest => ({ method: 'GET', path: X, at, answeredAt: at + 2, status: 200, seen: [['ex_1', history.at(-1)?.[0] ?? '?']], history });
const line = (status: string, at: number): string => `${JSON.stringify({ executionId: 'ex_1', status, at: new Date(at).toISOString() })}\n`;
const H1: [string, number][] = [['scheduled', 10]];
const H2: [string, number][] = [...H1, ['running', 50]];
const H3: [string, number][] = [...H2, ['completed', 900]];
const H3f: [string, number][] = [...H2, ['failed', 900]];

describe('31 cli: exit codes as the README documents them (promises-cli.ts)', () => {
  it('passes each outcome with its documented code', () => {
    const post = (status: number): CliRequest => ({ method: 'POST', path: '/api/v1/executions', at: 100, answeredAt: 102, status });
    expect(messages(
      run(['submit'], [], { exitCode: 2 }),
      run(['submit', '--kind', 'x'], [post(400)], { exitCode: 2 }),
      run(['executions', 'get', 'ex_1'], [{ ...read(100, H1), status: undefined, error: 'ECONNREFUSED' }], { exitCode: 3 }),
      run(['executions', 'get', 'ex_1'], [{ ...read(100, H1), status: 404, seen: undefined }], { exitCode: 4 }),
      run(['submit', '--kind', 'echo'], [post(401)], { exitCode: 5, token: 'forged' }),
      run(['submit', '--kind', 'echo'], [post(403)], { exitCode: 5 }),
      run(['executions', 'cancel', 'ex_1'], [{ method: 'POST', path: `${X}/cancel`, at: 100, status: 409, sent: { reason: 'cancelled from the CLI' } }], { exitCode: 6 }),
      run(['submit', '--kind', 'echo'], [post(429)], { exitCode: 7 }),
      run(['submit', '--kind', 'echo'], [post(503)], { exitCode: 7 }),
      run(['executions', 'watch'], [{ method: 'GET', path: '/ui/events', at: 100, status: 200, stream: true }], { exitCode: 3 }),
      run(['executions', 'watch'], [{ method: 'GET', path: '/ui/events', at: 100, status: 401, stream: true }], { exitCode: 5 }),
    )).toEqual([]);
  });

  it('reports a 429 that exits 2, a 404 that exits 3, and a failed waited-for execution that exits 0', () => {
    const got = messages(
      run(['submit', '--kind', 'echo'], [{ method: 'POST', path: '/api/v1/executions', at: 100, status: 429 }], { exitCode: 2 }),
      run(['executions', 'get', 'ex_1'], [{ ...read(100, H1), status: 404, seen: undefined }], { exitCode: 3 }),
      run(['executions', 'watch', 'ex_1', '--poll-ms', '300'], [{ method: 'GET', path: '/ui/events', at: 100, answeredAt: 101, status: 404, stream: true }, read(100, H1), read(400, H3f)], { exitCode: 0, out: line('scheduled', 10) + line('running', 50) + line('failed', 900) }),
    );
    expect(got).toEqual([
      expect.stringMatching(/squall submit --kind echo \(t=100\): exited 2 after POST \/api\/v1\/executions at t=100 was answered HTTP 429; the README documents exit 7 for that/),
      expect.stringMatching(/exited 3 after GET \/api\/v1\/executions\/ex_1 at t=100 was answered HTTP 404; the README documents exit 4/),
      expect.stringMatching(/exited 0 after the waited-for ex_1 ended failed; the README documents exit 1/),
    ]);
  });
});

describe('31 cli: what get, list and submit print is what the API answered (promises-cli.ts)', () => {
  const exec = (status: string): string => JSON.stringify({ executionId: 'ex_1', status }, null, 2);
  it('passes a print of the answer and reports a stale one', () => {
    const get = (out: string): CliRun => run(['executions', 'get', 'ex_1'], [read(100, H2)], { out });
    expect(messages(get(exec('running')))).toEqual([]);
    expect(messages(get(exec('scheduled')))).toEqual([expect.stringMatching(/printed ex_1 scheduled, but the API answered ex_1 running: a client command prints what the API returned/)]);
  });

  it('a listing prints every page, in order', () => {
    const page = (at: number, seen: [string, string][]): CliRequest => ({ method: 'GET', path: `/api/v1/executions?limit=2&t=${at}`, at, status: 200, seen });
    const reqs = [page(100, [['a', 'running'], ['b', 'completed']]), page(110, [['c', 'failed']])];
    const out = (ids: [string, string][]): string => JSON.stringify({ executions: ids.map(([executionId, status]) => ({ executionId, status })), nextCursor: null });
    expect(messages(run(['executions', 'list', '--limit', '2', '--all'], reqs, { out: out([['a', 'running'], ['b', 'completed'], ['c', 'failed']]) }))).toEqual([]);
    expect(messages(run(['executions', 'list', '--limit', '2', '--all'], reqs, { out: out([['a', 'running'], ['b', 'completed']]) }))).toEqual([expect.stringMatching(/printed a running, b completed, but the API answered a running, b completed, c failed/)]);
  });
});

describe('31 cli: watch paces its reads, ends at the terminal status, prints each entry once (promises-cli-watch.ts)', () => {
  // Its event stream absent, 404 (promises-cli-stream.ts judges a watch on a healthy stream, and a 401/403 stream beside an accepted API read): polling is all it has.
  const refused: CliRequest = { method: 'GET', path: '/ui/events', at: 100, answeredAt: 101, status: 404, stream: true };
  const watch = (requests: CliRequest[], rest: Partial<CliRun> = {}): CliRun => run(['executions', 'watch', 'ex_1', '--poll-ms', '300'], [refused, ...requests], { out: line('scheduled', 10) + line('running', 50) + line('completed', 900), ...rest });

  it('passes reads a poll interval apart, or nudged by a push naming the execution', () => {
    expect(messages(watch([read(100, H1), read(402, H2), read(704, H2), read(903, H3)], { pushes: [[850, ['ex_1']]] }))).toEqual([]);
  });

  it('reports two reads closer than the poll interval with no push between, and a tight loop', () => {
    expect(messages(watch([read(100, H1), read(402, H2), read(500, H3)], { pushes: [[450, ['ex_2']]] }))).toEqual([
      expect.stringMatching(/read ex_1 at t=402 \(running\) and again at t=500, 98 ms later, with no push of the event stream naming it in between: reads are paced by the poll interval \(300 ms\)/),
    ]);
    const tight = Array.from({ length: 100 }, (_, i) => read(100 + 4 * i, i === 99 ? H3 : H2));
    // Every gap excused by a push still counts against the total.
    const pushes: [number, string[]][] = tight.map((r): [number, string[]] => [r.at + 1, ['ex_1']]).slice(0, 40);
    expect(messages(watch(tight, { pushes }))).toEqual([expect.stringMatching(/read ex_1 at t=260 \(running\) and again at t=264, 4 ms later/)]);
    // One push at a read's own instant excuses the gaps on both sides; the total still bounds the reads.
    const shared: [number, string[]][] = tight.filter((_, i) => i % 2 === 1).map((r): [number, string[]] => [r.at, ['ex_1']]);
    expect(messages(watch(tight, { pushes: shared }))).toEqual([expect.stringMatching(/read ex_1 100 times in 396 ms with 50 push\(es\) naming it: at most 54 at one read per 300 ms plus one per push/)]);
  });

  it('reports a watch that waits longer than --poll-ms between reads', () => {
    expect(messages(watch([read(100, H1), read(1102, H3)]))).toEqual([expect.stringMatching(/read ex_1 at t=1102, 1000 ms after the previous read \(t=100, scheduled\) was answered: --poll-ms 300 re-reads at least that often/)]);
  });

  it('reports a watch that stops one status early, one that reads on after the end, and one still running after it', () => {
    const early = messages(watch([read(100, H1), read(402, H2)], { out: line('scheduled', 10) + line('running', 50) }));
    expect(early).toEqual([expect.stringMatching(/ended \(exit 0\) at t=200 while its last read of ex_1 answered running: it ends exactly when the execution reaches a terminal status/)]);
    const on = messages(watch([read(100, H1), read(402, H3), read(704, H3)]));
    expect(on).toEqual([expect.stringMatching(/read ex_1 1 more time\(s\) after it answered completed at t=402: it stops following an execution that ended/)]);
    const stuck = messages(watch([read(100, H1), read(402, H3)], { endedAt: undefined, exitCode: undefined }));
    expect(stuck).toEqual([expect.stringMatching(/was still running at the end of the run although it read ex_1 completed at t=402/)]);
  });

  it('submit --wait may read once more after the end, to print it', () => {
    const post: CliRequest = { method: 'POST', path: '/api/v1/executions', at: 100, status: 201, seen: [['ex_1', 'scheduled']] };
    const waited = (reads: CliRequest[]): CliRun => run(['submit', '--kind', 'sleep', '--wait', '--poll-ms', '300'], [post, ...reads], { out: JSON.stringify({ executionId: 'ex_1', status: 'completed' }) });
    expect(messages(waited([read(102, H1), read(404, H3), read(406, H3)]))).toEqual([]);
    expect(messages(waited([read(102, H1), read(404, H3), read(406, H3), read(408, H3)]))).toEqual([expect.stringMatching(/read ex_1 2 more time\(s\) after it answered completed/)]);
  });

  it('reports a watch that prints an entry twice or skips one', () => {
    const reads = [read(100, H1), read(402, H2), read(704, H3)];
    expect(messages(watch(reads, { out: line('scheduled', 10) + line('scheduled', 10) + line('running', 50) + line('completed', 900) }))).toEqual([
      expect.stringMatching(/printed the status history scheduled@10 scheduled@10 running@50 completed@900, but its latest read answered scheduled@10 running@50 completed@900: each entry is printed once, in order/),
    ]);
    expect(messages(watch(reads, { out: line('scheduled', 10) + line('completed', 900) }))).toEqual([expect.stringMatching(/printed the status history scheduled@10 completed@900/)]);
  });
});
