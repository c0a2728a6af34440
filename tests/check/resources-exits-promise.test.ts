/**
 * Synthetic histories for promise 32's honest outcomes
 * (harness/check/promises-resources-exits.ts): exit 0 alone completes a
 * command attempt; a child killed by a signal its attempt did not send
 * fails it, the error naming the signal (blind set 17 #27 completed it with
 * exit code 0). Each case is a good history and its one-change violation.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const lease = { executionId: 'e1', workerId: 'w1', attempt: 1, leaseToken: 't1' };

/** Attempt 1 of e1 on w1: its child ends as `exit` says at 50, the attempt reports `outcome`, the client reads `read` at the end. */
function attempt(exit: { code: number | null; signal: string | null; cause?: string }, outcome: string, read?: Record<string, unknown>, abortAt?: number): H {
  const h = new H().connect('w1');
  h.at(10).emit('w1', { type: 'task_started', ...lease });
  const note = (t: number, op: string, extra: Record<string, unknown>): void => void h.at(t).rec.recordInfo({ resource: 'process', op, host: 'w1', id: '1000', execution: 'e1', attempt: 1, ...extra }, 'resources');
  note(11, 'spawn', { argv: ['sh', '-c', 'kill -SEGV $$'], envNames: ['PATH'], leaked: [] });
  if (abortAt !== undefined) {
    h.at(abortAt).emit('w1', { type: 'task_aborted', ...lease, reason: 'cancel' });
    note(abortAt, 'signal', { signal: 'SIGTERM', running: true });
  }
  note(50, 'exit', { ...exit, stdout: '', stderr: 'core dumped\n' });
  h.at(50).emit('w1', { type: 'task_finished', ...lease, outcome });
  h.at(52).emit('coordinator', { type: 'result_recorded', ...lease, outcome });
  if (read !== undefined) h.at(100).rec.recordInfo({ kindResults: { e1: read } });
  return h.at(200).phase('end');
}

const messages = (h: H): string[] => checkHistory(h.history(), ['resources'], baseContext).map((v) => v.message);
const failedBy = (how: string): Record<string, unknown> => ({ status: 'failed', error: { code: 'task_failed', message: `command "sh" ${how}: core dumped` } });

describe('32 resources: exit 0 alone completes a command (set 17 #27)', () => {
  it('passes a child killed by SIGSEGV whose attempt failed naming the signal', () => {
    expect(messages(attempt({ code: null, signal: 'SIGSEGV' }, 'failed', failedBy('was killed by SIGSEGV')))).toEqual([]);
  });

  it('reports an attempt that completed although its child was killed by a signal, and the final read saying so', () => {
    expect(messages(attempt({ code: null, signal: 'SIGKILL' }, 'completed', { status: 'completed', result: { exitCode: 0, stdout: '', stderr: 'core dumped\n' } }))).toEqual([
      expect.stringMatching(/^attempt 1 of execution e1 on w1 completed at t=50, but its child process 1000 was killed by SIGKILL at t=50: exit 0 alone completes a command/),
      expect.stringMatching(/^execution e1 ended completed with .*, but its final child process 1000 \(attempt 1 on w1\) was killed by SIGKILL at t=50: a command killed by a signal fails with an error naming it/),
    ]);
  });

  it('reports a failure that names no signal', () => {
    expect(messages(attempt({ code: null, signal: 'SIGSEGV' }, 'failed', failedBy('exited with code 0')))).toEqual([expect.stringMatching(/^execution e1 ended failed with .*was killed by SIGSEGV at t=50/)]);
  });

  it('reports an attempt that completed although its child exited non-zero', () => {
    expect(messages(attempt({ code: 3, signal: null }, 'completed'))).toEqual([expect.stringMatching(/^attempt 1 of execution e1 on w1 completed at t=50, but its child process 1000 exited with code 3 at t=50/)]);
  });

  it('does not judge a child its own attempt killed (an abort), nor one killed with its worker', () => {
    expect(messages(attempt({ code: null, signal: 'SIGTERM' }, 'completed', undefined, 30))).toEqual([]);
    expect(messages(attempt({ code: null, signal: 'SIGKILL', cause: 'owner-crash' }, 'completed'))).toEqual([]);
  });
});
