/**
 * Promise 31 (cli) on synthetic histories, promises-cli-human.ts and
 * promises-cli-tokens.ts: an age printed in the wrong units, a table row or
 * status history that is not what the API answered, an event line whose
 * detail is not the status the change reached, and a `tokens revoke` of an
 * unknown id that exits 0 are each reported; their good neighbours pass.
 * The simulation shows each caught against a broken CLI or feed
 * (tests/sim/broken-cliout16.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { CliRequest, CliRun } from '../../harness/check/cli-runs.js';
import { humanAge, humanSpan } from '../../harness/check/human-format.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const messages = (runs: CliRun[], h = new H()): string[] => {
  for (const run of runs) h.at(Math.max(h.now, run.endedAt ?? run.startedAt)).rec.recordInfo({ cliRun: run }, 'cli');
  return checkHistory(h.history(), ['cli'], baseContext).map((v) => v.message);
};

const T0 = 1_893_456_000_000;
const iso = (t: number): string => new Date(t).toISOString();
const tty = (args: string[], requests: CliRequest[], printed: [number, string][], rest: Partial<CliRun> = {}): CliRun => ({ args, token: 'submit', startedAt: 100, endedAt: 200, exitCode: 0, out: printed.map(([, t]) => t).join(''), requests, pushes: [], tty: true, printed, ...rest });

describe('31 cli: the README time format (human-format.ts)', () => {
  it('shows two largest units, truncated', () => {
    expect([humanSpan(999), humanSpan(42_500), humanSpan(125_000), humanSpan(5_399_000), humanSpan(191_000_000)]).toEqual(['0s', '42s', '2m5s', '1h29m', '2d5h']);
    expect([humanAge(T0, T0 + 3000), humanAge(T0 + 5_400_000, T0 + 300), humanAge(null, T0)]).toEqual(['3s ago', 'in 1h29m', '-']);
  });
});

describe('31 cli: terminal output (promises-cli-human.ts)', () => {
  const read = (history: [string, number][], times: Record<string, number | null>): CliRequest => ({ method: 'GET', path: '/api/v1/executions/ex_1', at: 100, answeredAt: 101, status: 200, seen: [['ex_1', 'retrying']], history, times: [['ex_1', times]] });
  const detail = (nextRun: string): string =>
    [`status     retrying  attempts 1`, `created    ${iso(T0)} (0s ago)`, `next run   ${iso(T0 + 5_400_000)} (${nextRun})`, '', 'history', `  ${iso(T0)} (0s ago)  retrying   attempt 1  retry 1 of 1`].join('\n');
  const get = (nextRun: string, history: [string, number][] = [['retrying', T0]]): CliRun =>
    tty(['executions', 'get', 'ex_1'], [read(history, { createdAt: T0, changedAt: T0, nextRunAt: T0 + 5_400_000, startedAt: null, completedAt: null })], [[T0 + 300, `${detail(nextRun)}\n`]]);

  it('reports a next run 1h29m59s ahead shown as "in 1h0m" and a status history not as answered; passes the README form', () => {
    expect(messages([get('in 1h29m')])).toEqual([]);
    expect(messages([get('in 1h0m')])).toEqual([expect.stringMatching(/printed 2030-01-01T01:30:00.000Z \(in 1h0m\) at 2030-01-01T00:00:00.300Z, when that time was in 1h29m/)]);
    expect(messages([get('in 1h29m', [['scheduled', T0 - 5], ['retrying', T0]])])).toEqual([expect.stringMatching(/printed the status history retrying@1893456000000, but the API answered scheduled@1893455999995 retrying@1893456000000/)]);
  });

  it('reports a run length, a submitted id and a control status not as answered; passes them as answered', () => {
    const times = { createdAt: T0, changedAt: T0 + 1150, nextRunAt: null, startedAt: T0, completedAt: T0 + 1150 };
    const done: CliRequest = { method: 'GET', path: '/api/v1/executions/ex_1', at: 100, answeredAt: 101, status: 200, seen: [['ex_1', 'completed']], history: [], times: [['ex_1', times]] };
    const text = (ran: string): string => `status     completed  attempts 1 (ran ${ran})\ncreated    ${iso(T0)} (1s ago)\nfinished   ${iso(T0 + 1150)} (0s ago)\n\nhistory\n`;
    const get = (ran: string): CliRun => tty(['executions', 'get', 'ex_1'], [done], [[T0 + 1150, text(ran)]]);
    const post: CliRequest = { method: 'POST', path: '/api/v1/executions', at: 100, answeredAt: 101, status: 201, seen: [['ex_2', 'scheduled']] };
    const submit = (out: string): CliRun => tty(['submit', '--kind', 'echo'], [post], [[T0, out]]);
    const cancel = (out: string): CliRun => tty(['executions', 'cancel', 'ex_1'], [{ ...post, path: '/api/v1/executions/ex_1/cancel', sent: { reason: 'cancelled from the CLI' }, seen: [['ex_1', 'cancelled']] }], [[T0, out]]);
    expect(messages([get('1.1s'), get('1.2s'), submit('submitted ex_2\nfollow with: squall executions watch ex_2\n'), cancel('ex_1 is now cancelled\n')])).toEqual([]);
    expect(messages([get('1.0s'), submit('submitted ex_1\n'), cancel('ex_1 is now running\n')])).toEqual([
      expect.stringMatching(/printed ran 1.0s, but the API answered startedAt 1893456000000 and completedAt 1893456001150 \(1150 ms\)/),
      expect.stringMatching(/printed "submitted ex_1", but the API created ex_2/),
      expect.stringMatching(/printed "ex_1 is now running", but the API answered ex_1 cancelled/),
    ]);
  });

  it('reports a workers row whose age is not the API\'s; passes the documented table', () => {
    const answer: CliRequest = { method: 'GET', path: '/api/v1/workers', at: 100, answeredAt: 101, status: 200, seen: [['w1', 'connected']], times: [['w1', { connectedAt: T0 - 5_430_000, disconnectedAt: null, lastSeenAt: T0 - 2000 }]] };
    const table = (connected: string): string => `worker  state      running  rtt  reconnects  connected  last seen  kinds\n------  ---------  -------  ---  ----------  ---------  ---------  -----\nw1      connected      0/2    -           0  ${connected}  2s ago     sleep\n1 worker(s), 1 connected\n`;
    const workers = (connected: string): CliRun => tty(['workers'], [answer], [[T0, table(connected)]]);
    expect(messages([workers('1h30m ago')])).toEqual([]);
    expect(messages([workers('1h0m ago')])).toEqual([expect.stringMatching(/printed the row "w1 \| connected \| 0\/2 \| - \| 0 \| 1h0m ago \| 2s ago \| sleep" for w1, but the API answered it connected, connected 1h30m ago/)]);
  });

  it('reports an event line whose detail is the reason, not the status reached; passes the status', () => {
    const line = (d: string): string => `${JSON.stringify({ type: 'status', at: iso(5), executionId: 'ex_1', detail: d })}\n`;
    const watch = (d: string): CliRun => ({ args: ['executions', 'watch'], token: 'read', startedAt: 1, out: line(d), requests: [], pushes: [] });
    const h = (): H => new H().at(5).status('ex_1', 'scheduled', 'preparing', 1, 'claimed by w1');
    expect(messages([watch('preparing')], h())).toEqual([]);
    expect(messages([watch('claimed by w1')], h())).toEqual([expect.stringMatching(/printed the status event of ex_1 at 1970-01-01T00:00:00.005Z with detail "claimed by w1", but the coordinator's event reached "preparing"/)]);
  });
});

describe('31 cli: squall tokens (promises-cli-tokens.ts)', () => {
  const tokens = (args: string[], exitCode: number, out = '', before: [string, boolean][] = [['aaaaaaaaaaaaaaaa', false]]): CliRun => ({ args: ['tokens', ...args], token: 'submit', startedAt: 100, endedAt: 100, exitCode, out, requests: [], pushes: [], tokensBefore: before });

  it('reports a revoke of an unknown id that exits 0 and a create that prints more than the token; passes exit 4 and exit 0 for a known id', () => {
    expect(messages([tokens(['revoke', '0000000000000000'], 4), tokens(['revoke', 'aaaaaaaaaaaaaaaa'], 0), tokens(['create', '--name', 'ci'], 0, 'sqt_bbbbbbbbbbbbbbbb_xyz\n'), tokens(['create', '--name', 'x', '--scope', 'root'], 2)])).toEqual([]);
    expect(messages([tokens(['revoke', '0000000000000000'], 0), tokens(['create', '--name', 'ci'], 0, 'created:\nsqt_bbbbbbbbbbbbbbbb_xyz\n')])).toEqual([
      expect.stringMatching(/squall tokens revoke 0000000000000000 \(t=100\): exited 0 when no token has the id 0000000000000000 \(not found\); the README documents exit 4 for that/),
      expect.stringMatching(/create prints the new token, one line, and nothing else there/),
    ]);
  });

  it('reports a listing that is not the token file; passes one that is', () => {
    const list = (revokedAt: string | null): string => JSON.stringify([{ id: 'aaaaaaaaaaaaaaaa', createdAt: iso(0), revokedAt }]);
    expect(messages([tokens(['list', '--json'], 0, list(null))])).toEqual([]);
    expect(messages([tokens(['list', '--json'], 0, list(iso(5)))])).toEqual([expect.stringMatching(/listed \[\["aaaaaaaaaaaaaaaa",true\]\] \(id, revoked\), but the token file held \[\["aaaaaaaaaaaaaaaa",false\]\]/)]);
  });
});
