/**
 * Promise 31 (cli), promises-cli-flags.ts, on synthetic histories: an
 * `executions cancel` whose request lacks the --reason given (or its
 * documented default), and a pause sent as another action, are reported;
 * their good neighbours pass. The checker's
 * table is the commands' own (a new option must be judged). The simulation
 * shows it caught against a broken CLI (tests/sim/broken-cli20.test.ts).
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliRequest, CliRun } from '../../harness/check/cli-runs.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { EXECUTIONS_OPTIONS } from '../../harness/check/promises-cli-flags.js';
import { registerExecutionsCommand } from '../../system/cli/index.js';
import { H, baseContext } from './builder.js';

const messages = (...runs: CliRun[]): string[] => {
  const h = new H();
  for (const run of runs) h.at(run.endedAt ?? run.startedAt).rec.recordInfo({ cliRun: run }, 'cli');
  return checkHistory(h.history(), ['cli'], baseContext).map((v) => v.message);
};

const ANSWER = { executionId: 'ex_1', status: 'cancelled' };
const req = (over: Partial<CliRequest>): CliRequest => ({ method: 'POST', path: '/api/v1/executions/ex_1/cancel', at: 100, answeredAt: 102, status: 200, seen: [['ex_1', 'cancelled']], ...over });
const run = (args: string[], requests: CliRequest[], out = `${JSON.stringify(ANSWER)}\n`): CliRun => ({ args, token: 'submit', startedAt: 100, endedAt: 200, exitCode: 0, out, requests, pushes: [] });

describe('31 cli: every executions option reaches the request (promises-cli-flags.ts)', () => {
  it('passes a cancel that sent its --reason, and one that sent the default reason', () => {
    expect(messages(run(['executions', 'cancel', 'ex_1', '--reason', 'annulé ✗'], [req({ sent: { reason: 'annulé ✗' } })]))).toEqual([]);
    expect(messages(run(['executions', 'cancel', 'ex_1', '--json'], [req({ sent: { reason: 'cancelled from the CLI' } })]))).toEqual([]);
  });

  it('reports a cancel that sent {} (set 20 #11) or another reason', () => {
    expect(messages(run(['executions', 'cancel', 'ex_1', '--reason', 'annulé ✗'], [req({ sent: {} })]))).toEqual([
      expect.stringMatching(/squall executions cancel ex_1 --reason annulé ✗ \(t=100\): sent POST \/api\/v1\/executions\/ex_1\/cancel at t=100 with \{\}, but its command line asks for the reason "annulé ✗"/),
    ]);
    expect(messages(run(['executions', 'cancel', 'ex_1'], [req({ sent: { reason: 'cancelled by request' } })]))).toEqual([expect.stringMatching(/asks for the reason "cancelled from the CLI"/)]);
  });

  it('reports a pause sent to another execution or action', () => {
    expect(messages(run(['executions', 'pause', 'ex_1'], [req({ path: '/api/v1/executions/ex_1/resume', seen: [['ex_1', 'running']] })], `${JSON.stringify({ executionId: 'ex_1', status: 'running' })}\n`))).toEqual([
      expect.stringMatching(/sent POST \/api\/v1\/executions\/ex_1\/resume at t=100, but its command line asks for POST \/api\/v1\/executions\/ex_1\/pause/),
    ]);
  });

  it("judges exactly the commands' own options", () => {
    const program = new Command();
    registerExecutionsCommand(program);
    const executions = program.commands.find((c) => c.name() === 'executions') as Command;
    const client = new Set(['--url', '--token-file', '--token', '--tls-ca', '--json']);
    for (const [sub, table] of Object.entries(EXECUTIONS_OPTIONS)) {
      const cmd = executions.commands.find((c) => c.name() === sub) as Command;
      const own = Object.fromEntries(cmd.options.filter((o) => !client.has(o.long ?? '')).map((o) => [o.long, o.required || o.optional]));
      expect(own, sub).toEqual(table);
    }
  });
});
