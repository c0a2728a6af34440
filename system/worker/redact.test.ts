import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.js';
import type { Assign } from '../protocol/messages.js';
import { attemptContext } from './attempt-context.js';
import type { OutMessage } from './outbox.js';
import { redactSecrets } from './redact.js';
import type { Run, TaskRunnerDeps } from './task-runner-deps.js';

const AWKWARD = 'tab\there "quoted" back\\slash ünï/%2B+= end\n';

describe('redactSecrets', () => {
  it('redacts a secret holding quotes, a backslash, a tab and a line end wherever it shows', () => {
    const value = { stdout: `a ${AWKWARD} b ${AWKWARD}`, nested: [{ note: AWKWARD }], [AWKWARD]: 1 };
    expect(redactSecrets(value, [AWKWARD])).toEqual({ stdout: 'a [redacted] b [redacted]', nested: [{ note: '[redacted]' }], '[redacted]': 1 });
  });

  it('redacts a secret whose match in the JSON text begins inside an escape, instead of throwing', () => {
    // JSON text {"out":"x\nabcd"}: the escaped form "nabcd" matches from the escape's n.
    expect(redactSecrets({ out: 'x\nabcd', also: 'nabcd!' }, ['nabcd'])).toEqual({ out: 'x\nabcd', also: '[redacted]!' });
  });

  it('leaves a value without the secret as it is', () => {
    const value = { out: 'nothing here' };
    expect(redactSecrets(value, [AWKWARD])).toBe(value);
  });
});

describe('redactSecrets of a secret with blanks or a line end around it', () => {
  it('redacts the secret, then the secret trimmed (4 characters or more)', () => {
    expect(redactSecrets({ a: 'x from-a-file\n y', b: 'x from-a-file' }, ['from-a-file\n'])).toEqual({ a: 'x [redacted] y', b: 'x [redacted]' });
    expect(redactSecrets({ a: 'x ab y' }, [' ab \n'])).toEqual({ a: 'x ab y' });
  });

  it('redacts a failure message whose stderr tail was trimmed of the line end', () => {
    const message = `command "sh" exited with code 3: ${'printed from-a-file\n'.trim()}`;
    expect(redactSecrets({ message }, ['from-a-file\n'])).toEqual({ message: 'command "sh" exited with code 3: printed [redacted]' });
  });
});

describe('a task context redacts what a task says', () => {
  it('redacts the secret from a progress message before cutting it to 1000 characters', () => {
    const sent: OutMessage[] = [];
    const deps = { redact: ['from-a-file\n'], outlet: { send: (m: OutMessage) => sent.push(m) }, workerId: 'w1', random: { fork: () => undefined } } as unknown as TaskRunnerDeps;
    const run: Run = { executionId: 'ex_1', attempt: 1, leaseToken: 'ls_1', controller: undefined, startedAt: 0, timer: undefined, abortReason: undefined, done: false };
    const ctx = attemptContext({ deps, logger: silentLogger, maxFrameBytes: () => 1 << 20, releaseStart: () => undefined }, run, { executionId: 'ex_1', attempt: 1 } as Assign);
    ctx.progress(0.5, 'using from-a-file\n now');
    ctx.progress(0.6, `${'m'.repeat(995)}from-a-file`);
    expect(sent.map((m) => (m.type === 'progress' ? m.message : undefined))).toEqual(['using [redacted] now', `${'m'.repeat(995)}[reda`]);
  });
});
