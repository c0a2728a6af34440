/**
 * 16 task-contract, on synthetic histories: a command's argv runs without a
 * shell, so `echo ARGS...` prints each element literally
 * (harness/check/promises-argv.ts). The simulation shows it caught against
 * a broken system (tests/sim/broken-data18.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const messages = (h: H): string[] => checkHistory(h.history(), ['task-contract'], baseContext).map((v) => v.message);

function commands(runs: { argv: string[]; read: Record<string, unknown> }[]): H {
  const h = new H().at(10);
  runs.forEach(({ argv }, i) => {
    const k = h.rec.recordInvoke({ ref: `c${i}`, kind: 'command', tasks: [{ kind: 'command', params: { argv } }] });
    h.rec.recordOk(k, { executionIds: [`c${i}`] });
  });
  h.at(500).rec.recordInfo({ kindResults: Object.fromEntries(runs.map((r, i) => [`c${i}`, r.read])) });
  return h;
}

const ARGV = ['echo', 'two  spaces', '*', '$HOME; exit 3', "it's"];
const LITERAL = "two  spaces * $HOME; exit 3 it's\n";

describe('16 task-contract: command argv is literal (no shell)', () => {
  it('passes an echo printing each element literally; other programs, stderr echoes and killed ones are not judged', () => {
    expect(
      messages(
        commands([
          { argv: ARGV, read: { status: 'completed', result: { exitCode: 0, stdout: LITERAL, stderr: '' } } },
          { argv: ['sh', '-c', 'echo a  b'], read: { status: 'completed', result: { exitCode: 0, stdout: 'a b\n', stderr: '' } } },
          { argv: ['echo', 'x', '>&2'], read: { status: 'completed', result: { exitCode: 0, stdout: '', stderr: 'x\n' } } },
          { argv: ARGV, read: { status: 'failed', error: { code: 'task_failed', message: 'command "echo" was killed by SIGKILL' } } },
        ]),
      ),
    ).toEqual([]);
  });

  it('reports an echo whose output was split and expanded, and one that exited non-zero', () => {
    expect(
      messages(
        commands([
          { argv: ARGV, read: { status: 'completed', result: { exitCode: 0, stdout: 'two spaces * /home/u\n', stderr: '' } } },
          { argv: ARGV, read: { status: 'failed', error: { code: 'task_failed', message: 'command "echo" exited with code 3' } } },
        ]),
      ),
    ).toEqual([
      expect.stringMatching(/^command \["echo","two {2}spaces","\*","\$HOME; exit 3","it's"\] completed printing "two spaces \* \/home\/u\\n": argv runs without a shell, each element one literal argument/),
      expect.stringMatching(/^command .* failed: command "echo" exited with code 3: argv runs without a shell/),
    ]);
  });
});
