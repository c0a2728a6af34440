/**
 * Promise 31 (cli) on synthetic histories, promises-cli-hang.ts,
 * promises-cli-pages.ts and the workers table of promises-cli-human.ts: a
 * command that never returns (stopped at the client's request cap, over its
 * stated budget, idle with nothing to wait for, or on a request past the
 * timeout), a listing whose pages leave a filter, repeat an execution, miss
 * one or name another cursor than the last page's, and a workers summary
 * that counts disconnected workers as connected are each reported; their
 * good neighbours pass. The simulation shows each caught against a broken
 * CLI (tests/sim/broken-cli17.test.ts, scenario cli-fleet).
 */
import { describe, expect, it } from 'vitest';
import type { CliRequest, CliRun } from '../../harness/check/cli-runs.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

/** The runs noted into h (each at its end, else at its start), then the run's end at `end`. */
const messages = (runs: CliRun[], h = new H(), end?: number): string[] => {
  for (const run of runs) h.at(Math.max(h.now, run.endedAt ?? run.startedAt)).rec.recordInfo({ cliRun: run }, 'cli');
  if (end !== undefined) h.at(end).phase('end');
  return checkHistory(h.history(), ['cli'], baseContext).map((v) => v.message);
};

const run = (args: string[], requests: CliRequest[], rest: Partial<CliRun> = {}): CliRun => ({ args, token: 'read', startedAt: 100, endedAt: 120, exitCode: 0, out: '', requests, pushes: [], ...rest });
const page = (at: number, query: string, ids: string[], next: string | null): CliRequest => ({ method: 'GET', path: `/api/v1/executions?${query}`, at, answeredAt: at + 2, status: 200, seen: ids.map((id) => [id, 'completed']), nextCursor: next });
const json = (ids: string[], next: string | null): string => `${JSON.stringify({ executions: ids.map((executionId) => ({ executionId, status: 'completed' })), nextCursor: next }, null, 2)}\n`;
const unended = (r: CliRun): CliRun => {
  const { endedAt: _e, exitCode: _x, ...rest } = r;
  return rest;
};

describe('31 cli: every command returns (promises-cli-hang.ts)', () => {
  const loop = Array.from({ length: 50 }, (_, i) => page(100 + 2 * i, 'limit=2', ['ex_1', 'ex_2'], 'c1'));
  const workers: CliRequest = { method: 'GET', path: '/api/v1/workers', at: 100, answeredAt: 102, status: 200, seen: [['w1', 'connected']] };

  it('reports a command stopped at the request cap, with its requests', () => {
    const capped = unended(run(['executions', 'list', '--limit', '2', '--all'], loop, { capped: { made: 50, same: 'GET /api/v1/executions?limit=2' } }));
    const got = messages([capped], new H(), 5000);
    expect(got[0]).toMatch(/squall executions list --limit 2 --all \(t=100\): sent GET \/api\/v1\/executions\?limit=2 again and again with nothing in between \(50 requests in 98 ms\) without returning: it hung; 50 request\(s\): GET \/api\/v1\/executions\?limit=2 t=100 200 next=c1; .*; \.\.\.; GET \/api\/v1\/executions\?limit=2 t=198 200 next=c1/);
    // The pages it read before it was stopped are judged too.
    expect(got.slice(1)).toEqual([expect.stringMatching(/read page 2 at t=102 with cursor none, but the page before answered nextCursor c1/), expect.stringMatching(/read ex_1 on page 1 and again on page 2/)]);
  });

  it('reports a command over its stated budget, ended or not; passes one within it', () => {
    const table = 'worker  state\n1 worker(s), 1 connected\n';
    expect(messages([run(['workers'], [workers], { budgetMs: 500, out: `${JSON.stringify({ workers: [{ id: 'w1', state: 'connected' }] })}\n` })], new H(), 5000)).toEqual([]);
    expect(messages([run(['workers'], [workers], { budgetMs: 10, endedAt: 900, out: `${JSON.stringify({ workers: [{ id: 'w1', state: 'connected' }] })}\n` }), unended(run(['workers'], [workers], { budgetMs: 500, out: table }))], new H(), 5000)).toEqual([
      expect.stringMatching(/squall workers \(t=100\): returned only 800 ms after it started, over its budget of 10 ms: it hung; 1 request\(s\): GET \/api\/v1\/workers t=100 200/),
      expect.stringMatching(/squall workers \(t=100\): had not returned 4900 ms after it started, over its budget of 500 ms: it hung/),
    ]);
  });

  it('reports a command that does not wait still running long after its last answer, or on a request past the timeout; passes a watch and a command waiting on its answer', () => {
    const idle = unended(run(['workers'], [workers]));
    const waiting = unended(run(['executions', 'get', 'ex_1'], [{ method: 'GET', path: '/api/v1/executions/ex_1', at: 4900 }]));
    const stream: CliRequest = { method: 'GET', path: '/ui/events', at: 100, answeredAt: 101, status: 200, stream: true };
    const watch = unended(run(['executions', 'watch', 'ex_1'], [stream, { ...workers, path: '/api/v1/executions/ex_1', seen: [['ex_1', 'running']] }]));
    expect(messages([waiting, watch], new H(), 5000)).toEqual([]);
    expect(messages([idle], new H(), 1000)).toEqual([]);
    expect(messages([idle], new H(), 5000)).toEqual([expect.stringMatching(/squall workers \(t=100\): had not returned 4898 ms after its last answer when the run ended \(t=5000\), and it does not wait for anything: it hung; 1 request\(s\)/)]);
    const stuck = unended(run(['executions', 'get', 'ex_1'], [{ method: 'GET', path: '/api/v1/executions/ex_1', at: 100 }]));
    expect(messages([stuck], new H(), 40_000)).toEqual([expect.stringMatching(/had waited 39900 ms on GET \/api\/v1\/executions\/ex_1 \(sent t=100\) when the run ended: a request gives up after 30 s/)]);
  });
});

describe('31 cli: a listing is the pages the API answered (promises-cli-pages.ts)', () => {
  it('passes --all over filtered pages; reports a page that drops --status or --task-id', () => {
    const args = ['executions', 'list', '--limit', '2', '--all', '--status', 'completed', '--task-id', 't'];
    const good = [page(100, 'limit=2&status=completed&taskId=t', ['ex_1', 'ex_2'], 'c1'), page(104, 'limit=2&status=completed&taskId=t&cursor=c1', ['ex_3'], null)];
    expect(messages([run(args, good, { out: json(['ex_1', 'ex_2', 'ex_3'], null) })])).toEqual([]);
    const dropped = [good[0] as CliRequest, page(104, 'limit=2&cursor=c1', ['ex_3'], null)];
    expect(messages([run(args, dropped, { out: json(['ex_1', 'ex_2', 'ex_3'], null) })])).toEqual([
      expect.stringMatching(/read page 2 at t=104 with status=\(none\), but it was given status completed: every page asks the same filters/),
    ]);
  });

  it('reports --all missing an execution committed before its first read; passes one submitted after it, or once a prune ran', () => {
    const h = (): H => new H().at(10).submit('ex_1').submit('ex_2').submit('ex_3');
    const args = ['executions', 'list', '--limit', '2', '--all'];
    const pages = (last: string[]): CliRequest[] => [page(100, 'limit=2', ['ex_1', 'ex_2'], 'c1'), page(104, 'limit=2&cursor=c1', last, null)];
    expect(messages([run(args, pages(['ex_3']), { out: json(['ex_1', 'ex_2', 'ex_3'], null) })], h())).toEqual([]);
    expect(messages([run(args, pages([]), { out: json(['ex_1', 'ex_2'], null) })], h())).toEqual([
      expect.stringMatching(/listed 2 execution\(s\) over 2 page\(s\) but not ex_3 \(submitted at t=10, before its first read at t=100\): --all lists every execution/),
    ]);
    const pruned = h().emit('coordinator', { type: 'pruned', completedBefore: 5, count: 1 });
    expect(messages([run(args, pages([]), { out: json(['ex_1', 'ex_2'], null) })], pruned)).toEqual([]);
    const late = new H().at(10).submit('ex_1').submit('ex_2').at(150).submit('ex_3');
    expect(messages([run(args, pages([]), { startedAt: 100, endedAt: 200, out: json(['ex_1', 'ex_2'], null) })], late)).toEqual([]);
  });

  it('reports a terminal footer naming another cursor than the last page\'s; passes the page\'s', () => {
    const table = (footer: string): string => `execution  task  kind  status\n---------  ----  ----  ------\nex_1       -     echo  completed\n${footer}\n`;
    const one = (footer: string): CliRun => run(['executions', 'list', '--limit', '1'], [page(100, 'limit=1', ['ex_1'], 'c1')], { tty: true, out: table(footer) });
    expect(messages([one('1 execution(s); more with --cursor c1 (or --all)')]).filter((m) => /cursor/.test(m))).toEqual([]);
    expect(messages([one('1 execution(s)')]).filter((m) => /cursor/.test(m))).toEqual([expect.stringMatching(/named no cursor under its table, but its last page answered nextCursor "c1": the footer continues the listing/)]);
  });
});

describe('31 cli: the workers table of a degraded fleet (promises-cli-human.ts)', () => {
  const T0 = 1_893_456_000_000;
  const answer: CliRequest = {
    method: 'GET',
    path: '/api/v1/workers',
    at: 100,
    answeredAt: 101,
    status: 200,
    seen: [['w1', 'connected'], ['w2', 'disconnected'], ['w3', 'lost']],
    draining: ['w1'],
    times: [
      ['w1', { connectedAt: T0 - 3000, disconnectedAt: null, lastSeenAt: T0 }],
      ['w2', { connectedAt: T0 - 3000, disconnectedAt: T0 - 1000, lastSeenAt: T0 - 2000 }],
      ['w3', { connectedAt: T0 - 9000, disconnectedAt: T0 - 5000, lastSeenAt: T0 - 6000 }],
    ],
  };
  const row = (id: string, state: string, connected: string, seen: string): string => `${id}      ${state}      0/2    -           0  ${connected}  ${seen}     sleep`;
  const table = (w1: string, footer: string): string =>
    [`worker  state      running  rtt  reconnects  connected  last seen  kinds`, '------', row('w1', w1, '3s ago', '0s ago'), row('w2', 'disconnected', 'down 1s ago', '2s ago'), row('w3', 'lost', 'down 5s ago', '6s ago'), footer, ''].join('\n');
  const workers = (w1: string, footer: string): CliRun => run(['workers'], [answer], { tty: true, printed: [[T0, table(w1, footer)]], out: table(w1, footer) });

  it('passes the table and summary of the answer; reports disconnected workers counted as connected and a draining worker not shown draining', () => {
    expect(messages([workers('connected (draining)', '3 worker(s), 1 connected')])).toEqual([]);
    expect(messages([workers('connected (draining)', '3 worker(s), 2 connected')])).toEqual([expect.stringMatching(/squall workers \(t=100, on a terminal: true\): did not print "3 worker\(s\), 1 connected" under its table/)]);
    expect(messages([workers('connected', '3 worker(s), 1 connected')])).toEqual([expect.stringMatching(/printed the row "w1 \| connected \| 0\/2 .*" for w1, but the API answered it connected \(draining\)/)]);
  });
});
