/**
 * Blind set 21's CLI rules on synthetic histories (promise 31): a refusal
 * names the flag given wrong and no other (`flagRefusal`,
 * promises-cli-refusals.ts, #10); a setting given each documented way has
 * one outcome (`settingWays`, #12); `squall kinds --markdown` agrees with
 * the schemas it is generated from and with docs/TASK-KINDS.md
 * (promises-cli-kinds.ts, #11); a watch's event stream takes the token the
 * API takes (promises-cli-stream.ts, #08). Each reports a violating record and passes
 * its good neighbour; tests/sim/broken-cli21.test.ts shows them caught in
 * the simulation.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

function messages(notes: Record<string, unknown>[]): string[] {
  const h = new H().at(10);
  for (const n of notes) h.rec.recordInfo(n, 'cliRun' in n ? 'cli' : 'deploy-probe');
  return checkHistory(h.history(), ['cli'], baseContext).map((v) => v.message);
}

const refusal = (layer: 'parse' | 'resolver', flag: string, value: string, said: string | null) => ({ flagRefusal: { command: 'coordinator', layer, flag, args: [flag, value], refusal: said } });

describe('31 cli: a refusal names the flag given wrong', () => {
  it('passes a refusal naming the flag alone, and a resolver that accepts', () => {
    expect(messages([refusal('parse', '--breaker-reset-ms', '0', "option '--breaker-reset-ms <ms>' argument '0' is invalid. --breaker-reset-ms must be an integer between 1 and 9007199254740991"), refusal('resolver', '--drain-timeout-ms', '-1', null)])).toEqual([]);
  });

  it('reports a refusal blaming another flag, one naming another beside it, and a value accepted', () => {
    expect(messages([refusal('resolver', '--breaker-reset-ms', '0', '--breaker-threshold must be an integer > 0, got 0')])).toEqual([
      expect.stringMatching(/squall coordinator --breaker-reset-ms 0 \(its value check lifted.*\) was refused "--breaker-threshold must be .*": it names --breaker-threshold instead of --breaker-reset-ms; a refusal names the flag the user gave wrong/),
    ]);
    expect(messages([refusal('parse', '--lease-ms', '99', '--lease-ms must be at least 100 (see --heartbeat-ms)')])).toEqual([expect.stringMatching(/it also names --heartbeat-ms; a refusal names the flag/)]);
    expect(messages([refusal('parse', '--lease-ms', '99', null)])).toEqual([expect.stringMatching(/squall coordinator --lease-ms 99 was accepted: --lease-ms 99 is outside its documented grammar or range/)]);
  });
});

describe('31 cli: every way of giving the secret is the same setting', () => {
  const ways = (outcomes: Record<string, string>) => ({ settingWays: { command: 'coordinator', setting: 'the worker secret', args: ['--no-sign-messages'], outcomes } });
  const started = 'started (worker secret, CRC only)';

  it('passes one outcome every way (a refusal\'s reason may be worded apart)', () => {
    expect(messages([ways({ '--secret-file': started, $SQUALL_SECRET: started }), ways({ '--secret-file': 'refused: a', $SQUALL_SECRET: 'refused: b' })])).toEqual([]);
  });

  it('reports a configuration refused one way and started another, or signing apart', () => {
    expect(messages([ways({ '--secret-file': started, $SQUALL_SECRET: 'refused: --no-sign-messages has no effect without a worker secret' })])).toEqual([
      expect.stringMatching(/squall coordinator --no-sign-messages with the worker secret given as --secret-file: started .*; given as \$SQUALL_SECRET: refused: .*; every documented way/),
    ]);
    expect(messages([ways({ '--secret-file': started, $SQUALL_SECRET_FILE: 'started (worker secret, frames signed)' })])).toHaveLength(1);
    const token = (outcomes: Record<string, string>) => ({ settingWays: { command: 'client', setting: 'the API token', args: ['workers'], outcomes } });
    expect(messages([token({ '--token-file': 'exit 0, sent Authorization: Bearer TOKEN', $SQUALL_TOKEN: 'exit 0, sent Authorization: Bearer TOKEN' })])).toEqual([]);
    expect(messages([token({ '--token-file': 'exit 0, sent Authorization: Bearer TOKEN', $SQUALL_TOKEN_FILE: 'exit 0, sent Authorization: none' })])).toEqual([
      expect.stringMatching(/squall workers with the API token given as --token-file: exit 0, sent Authorization: Bearer TOKEN; given as \$SQUALL_TOKEN_FILE: exit 0, sent Authorization: none/),
    ]);
  });
});

describe('31 cli: `squall kinds --markdown` agrees with its schemas and the docs', () => {
  const md = (limits: string, required = 'yes') =>
    ['### Execution spec (`POST /api/v1/executions`)', '', '| field | type | required | limits | meaning |', '|---|---|---|---|---|', `| \`kind\` | string | ${required} | ${limits} | task kind |`, '| `priority` | "low" \\| "high" | no |  | higher first |', '', '### `cpu`', '', '| field | type | required | limits | meaning |', '|---|---|---|---|---|', '| `ms` | integer | yes | >= 0, <= 3600000 | busy |', ''].join('\n');
  const good = md('length >= 1, length <= 100');
  const kindsTruth = {
    sections: {
      spec: { kind: { required: true, bounds: { minLength: 1, maxLength: 100 } }, priority: { required: false, bounds: {}, enum: ['low', 'high'] } },
      cpu: { ms: { required: true, bounds: { minimum: 0, maximum: 3_600_000 } } },
    },
    docs: good.trim(),
  };
  const run = (out: string, docs = kindsTruth.docs) => ({ cliRun: { args: ['kinds', '--markdown'], token: 'read', startedAt: 100, endedAt: 101, exitCode: 0, out, requests: [], pushes: [], kindsTruth: { ...kindsTruth, docs } } });

  it('passes a reference whose rows are the schemas and which the docs hold', () => {
    expect(messages([run(good)])).toEqual([]);
  });

  it('reports a wrong bound, a missing one, a required mark, and a reference the docs do not hold', () => {
    expect(messages([run(md('length >= 1, length <= 1'))])).toEqual([expect.stringMatching(/squall kinds --markdown \(t=100\): spec `kind` shows the limits "length >= 1, length <= 1" .*; its schema's bounds are \{"maxLength":100,"minLength":1\}/)]);
    expect(messages([run(md('length >= 1, length <= undefined'))])).toEqual([expect.stringMatching(/spec `kind` shows the limits "length >= 1, length <= undefined"/)]);
    expect(messages([run(md('length >= 1'))])).toHaveLength(1);
    expect(messages([run(md('length >= 1, length <= 100', 'no'))])).toEqual([expect.stringMatching(/spec `kind` says required "no"; its schema makes it required/)]);
    expect(messages([run(good, good.replace('<= 3600000', '<= 60000').trim())])).toEqual([expect.stringMatching(/not the generated section of docs\/TASK-KINDS\.md/)]);
    expect(messages([run(good.replace('"low" \\| "high"', '"low" \\| "medium"'))])).toEqual([expect.stringMatching(/spec `priority` shows the type ""low" \| "medium""; its schema takes one of "low" \| "high"/)]);
  });
});

describe('31 cli: the event stream takes the token the API takes', () => {
  const stream = (status: number) => ({ method: 'GET', path: '/ui/events', at: 100, answeredAt: 102, status, stream: true as const });
  const read = (at: number, status: number) => ({ method: 'GET', path: '/api/v1/executions/ex_1', at, answeredAt: at + 2, status, seen: [['ex_1', 'completed']] });
  const watch = (requests: Record<string, unknown>[]) => ({ cliRun: { args: ['executions', 'watch', 'ex_1'], token: 'submit', startedAt: 100, endedAt: 500, exitCode: 0, out: '', requests, pushes: [] } });
  const tokenRule = (ms: string[]): string[] => ms.filter((m) => m.includes('presents its token'));

  it('passes a stream refused with a token the API refuses too, and one accepted', () => {
    expect(tokenRule(messages([watch([read(90, 200), stream(401), read(300, 401)]), watch([stream(200), read(300, 200)])]))).toEqual([]);
  });

  it('reports a stream refused 401 or 403 while a later read with the same token passed', () => {
    expect(tokenRule(messages([watch([stream(401), read(300, 200)])]))).toEqual([expect.stringMatching(/squall executions watch ex_1 \(t=100\): the event stream \(GET \/ui\/events at t=100\) was refused 401, and the same token was accepted for GET \/api\/v1\/executions\/ex_1 at t=300 \(200\)/)]);
    expect(tokenRule(messages([watch([stream(403), read(300, 200)])]))).toHaveLength(1);
  });
});
