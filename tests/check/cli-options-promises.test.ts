/**
 * Promise 31 (cli), promises-cli-options.ts, on synthetic histories: a
 * submit whose request lacks an option its command line gave (or carries
 * one it did not), and one whose created execution does not carry the
 * priority, timeout or idempotency key asked for, are reported; their good
 * neighbours pass. Also: the checker's table of submit options is the
 * command's own (a new option must be judged), and the cli scenarios use
 * every one of them. The simulation shows it caught against a broken CLI
 * (tests/sim/broken-ops15.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliRequest, CliRun, CreatedView } from '../../harness/check/cli-runs.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { SUBMIT_OPTIONS, askedOf } from '../../harness/check/promises-cli-options.js';
import { registerSubmitCommand } from '../../system/cli/index.js';
import { H, baseContext } from './builder.js';

const messages = (...runs: CliRun[]): string[] => {
  const h = new H();
  for (const run of runs) h.at(run.endedAt ?? run.startedAt).rec.recordInfo({ cliRun: run }, 'cli');
  return checkHistory(h.history(), ['cli'], baseContext).map((v) => v.message);
};

const ARGS = ['submit', '--kind', 'echo', '--params', '{"value":1}', '--priority', 'high', '--timeout-ms', '5000', '--idempotency-key', 'k1'];
const SENT = { kind: 'echo', params: { value: 1 }, priority: 'high', timeoutMs: 5000, idempotencyKey: 'k1' };
const VIEW: CreatedView = { executionId: 'ex_1', kind: 'echo', params: { value: 1 }, priority: 'high', timeoutMs: 5000, retry: { strategy: 'exponential', maxRetries: 3 }, idempotencyKey: 'k1' };
const post = (over: Partial<CliRequest>): CliRequest => ({ method: 'POST', path: '/api/v1/executions', at: 100, answeredAt: 102, status: 201, seen: [['ex_1', 'scheduled']], sent: SENT, created: [VIEW], ...over });
const out = `${JSON.stringify({ executionId: 'ex_1', status: 'scheduled' })}\n`;
const run = (args: string[], requests: CliRequest[], rest: Partial<CliRun> = {}): CliRun => ({ args, token: 'submit', startedAt: 100, endedAt: 200, exitCode: 0, out, requests, pushes: [], ...rest });

describe('31 cli: every submit option reaches the request and the execution (promises-cli-options.ts)', () => {
  it('passes a submit that sent and created what its options ask for', () => {
    expect(messages(run(ARGS, [post({})]), run([...ARGS, '--json', '--poll-ms', '300'], [post({})]))).toEqual([]);
  });

  it('reports a request without the priority its command line gave, or with an option it did not give', () => {
    const { priority: _dropped, ...noPriority } = SENT;
    expect(messages(run(ARGS, [post({ sent: noPriority })]))).toEqual([
      expect.stringMatching(/squall submit --kind echo .* \(t=100\): sent POST \/api\/v1\/executions at t=100 with \{"idempotencyKey":"k1","kind":"echo","params":\{"value":1\},"timeoutMs":5000\}, but its command line asks for \{.*"priority":"high".*\}: every submit option given reaches the request/),
    ]);
    expect(messages(run(['submit', '--kind', 'echo'], [post({ sent: { kind: 'echo', params: {}, priority: 'low' }, created: [] })]))).toEqual([expect.stringMatching(/but its command line asks for \{"kind":"echo","params":\{\}\}/)]);
  });

  it('reports a created execution at the default priority, without its timeout or key; passes the default medium', () => {
    expect(messages(run(ARGS, [post({ created: [{ ...VIEW, priority: 'medium' }] })]))).toEqual([expect.stringMatching(/its submission \(POST \/api\/v1\/executions at t=100\) answered 201: ex_1 was created with priority "medium" where the command line asked for "high"/)]);
    expect(messages(run(ARGS, [post({ created: [{ ...VIEW, timeoutMs: null }] })]))).toEqual([expect.stringMatching(/ex_1 was created with timeoutMs null where the command line asked for 5000/)]);
    expect(messages(run(ARGS, [post({ created: [{ ...VIEW, idempotencyKey: null }] })]))).toEqual([expect.stringMatching(/ex_1 was created with idempotencyKey null where the command line asked for "k1"/)]);
    const plain = { kind: 'echo', params: {} };
    expect(messages(run(['submit', '--kind', 'echo'], [post({ sent: plain, created: [{ ...VIEW, params: {}, priority: 'medium', timeoutMs: null, idempotencyKey: null }] })]))).toEqual([]);
  });

  it('reports a batch sent to the wrong path and a file spec not sent as written', () => {
    const spec = [{ kind: 'echo', params: { value: 'a' }, priority: 'low' }];
    const batch = (over: Partial<CliRequest>): CliRun => run(['submit', '--file', '/tmp/f.json'], [post({ path: '/api/v1/executions/batch', sent: { executions: spec }, created: [{ ...VIEW, params: { value: 'a' }, priority: 'low', timeoutMs: null, idempotencyKey: null }], ...over })], { files: { '/tmp/f.json': spec } });
    expect(messages(batch({}))).toEqual([]);
    expect(messages(batch({ path: '/api/v1/executions' }))).toEqual([expect.stringMatching(/sent POST \/api\/v1\/executions at t=100, but its command line asks for POST \/api\/v1\/executions\/batch/)]);
    expect(messages(batch({ sent: { executions: [{ kind: 'echo', params: { value: 'a' } }] } }))).toEqual([expect.stringMatching(/every submit option given reaches the request/)]);
  });

  it('reports a graph task read back without the dependency its dependsOn names; passes the right one', () => {
    const graph = { tasks: { a: { kind: 'echo', params: { value: 'a' } }, b: { kind: 'sleep', params: { durationMs: 10 }, priority: 'high', dependsOn: ['a'] } } };
    const view = (id: string, over: Partial<CreatedView>): CreatedView => ({ ...VIEW, executionId: id, timeoutMs: null, idempotencyKey: null, ...over });
    const read = (id: string, v: CreatedView): CliRequest => ({ method: 'GET', path: `/api/v1/executions/${id}`, at: 150, answeredAt: 152, status: 200, seen: [[id, 'completed']], created: [v] });
    const answer = post({ path: '/api/v1/graphs', sent: graph, seen: [['ex_a', 'undefined'], ['ex_b', 'undefined']], created: [{ executionId: 'ex_a', taskId: 'a' } as CreatedView, { executionId: 'ex_b', taskId: 'b' } as CreatedView] });
    const b = (deps: string[]): CreatedView => view('ex_b', { kind: 'sleep', params: { durationMs: 10 }, priority: 'high', dependencies: deps });
    const graphRun = (deps: string[]): CliRun => run(['submit', '--graph', '/tmp/g.json', '--wait'], [answer, read('ex_a', view('ex_a', { params: { value: 'a' }, priority: 'medium', dependencies: [] })), read('ex_b', b(deps))], { files: { '/tmp/g.json': graph }, out: JSON.stringify([{ executionId: 'ex_a', status: 'completed' }, { executionId: 'ex_b', status: 'completed' }]) });
    expect(messages(graphRun(['ex_a']))).toEqual([]);
    expect(messages(graphRun([]))).toEqual([expect.stringMatching(/graph task b, as read back: ex_b depends on \[\] where its task b names \["a"\] \(\["ex_a"\]\)/)]);
  });

  it('reads the command line itself: an option outside the documented table, or a --params that is not JSON, is not judged here', () => {
    expect(askedOf({ args: ['submit', '--kind', 'echo', '--no-such'] })).toBeUndefined();
    expect(askedOf({ args: ['submit', '--kind', 'echo', '--params', '{'] })).toBeUndefined();
    expect(askedOf({ args: ['submit', '--kind=echo', '--timeout-ms=250', '--wait'] })?.body).toEqual({ kind: 'echo', params: {}, timeoutMs: 250 });
  });
});

describe('31 cli: the documented submit options, all in use', () => {
  it('the checker table is `squall submit`\'s own option list', () => {
    const program = new Command();
    registerSubmitCommand(program);
    const submit = program.commands.find((c) => c.name() === 'submit');
    expect(submit?.options.map((o) => o.long).sort()).toEqual(Object.keys(SUBMIT_OPTIONS).sort());
  });

  it('the cli scenarios use every submit option but those the client gives itself (--url, --token-file), a token on argv and TLS', () => {
    const text = readdirSync('scenarios')
      .filter((f) => f.startsWith('cli-') && f.endsWith('.yaml'))
      .map((f) => readFileSync(`scenarios/${f}`, 'utf8'))
      .join('\n');
    const steps = text.split('\n').filter((l) => /args: \[submit\b/.test(l));
    const unused = Object.keys(SUBMIT_OPTIONS).filter((o) => !['--url', '--token-file', '--token', '--tls-ca'].includes(o) && !steps.some((l) => l.includes(`${o},`) || l.includes(`${o}]`)));
    expect(unused).toEqual([]);
  });
});
