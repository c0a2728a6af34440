/**
 * Synthetic histories for promise 32 (harness/check/promises-resources.ts): what the container and
 * command kinds create ends with its attempt; each case a passing history and its one-change violation.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const ctx = baseContext; // toleranceMs 100
const ref = { execution: 'e1', attempt: 1 };

const lease = { executionId: 'e1', workerId: 'w1', attempt: 1, leaseToken: 't1' };
/** The worker's trace of attempt 1 of e1 on w1. */
const started = (h: H, t: number): H => h.at(t).emit('w1', { type: 'task_started', ...lease });
const aborted = (h: H, t: number, reason: string): H => h.at(t).emit('w1', { type: 'task_aborted', ...lease, reason });
const finished = (h: H, t: number, outcome: string): H => h.at(t).emit('w1', { type: 'task_finished', ...lease, outcome });

/** A `resources` note, as the simulated engine or process table records it. */
function note(h: H, t: number, resource: 'container' | 'process', op: string, extra: Record<string, unknown> = {}): void {
  h.at(t).rec.recordInfo({ resource, op, host: 'w1', id: resource === 'container' ? 'w1-c1' : '1000', ...ref, ...extra }, 'resources');
}

/** A failed container attempt: create, start, exit 3, logs, then (or not) remove, before the attempt ends at 40. */
function failedContainer(opts: { remove?: number | null; logs?: boolean; env?: string[] } = {}): H {
  const h = new H().connect('w1');
  started(h, 10);
  note(h, 12, 'container', 'create', { image: 'busybox:1.36', envNames: [], leaked: opts.env ?? [] });
  note(h, 14, 'container', 'start');
  note(h, 14, 'container', 'exit', { code: 3, stdout: '', stderr: 'boom\n' });
  if (opts.logs !== false) note(h, 18, 'container', 'logs');
  if (opts.remove !== null) note(h, opts.remove ?? 20, 'container', 'remove');
  finished(h, 40, 'failed');
  return h;
}

const messages = (h: H): string[] => checkHistory(h.history(), ['resources'], ctx).map((v) => v.message);

describe('32 resources: containers', () => {
  it('passes a failed attempt whose container was removed and its logs read', () => {
    expect(messages(failedContainer().at(5000).phase('end'))).toEqual([]);
  });

  it('reports a failed attempt\'s container never removed (set 13 #20)', () => {
    expect(messages(failedContainer({ remove: null }).at(5000).phase('end'))).toEqual([expect.stringMatching(/^container w1-c1 \(execution e1 attempt 1 on w1\) was never removed, but its attempt ended failed at t=40/)]);
  });

  it('reports a container removed only after its attempt ended (past the tolerance)', () => {
    const h = started(new H().connect('w1'), 10);
    note(h, 12, 'container', 'create', { image: 'busybox:1.36', envNames: [], leaked: [] });
    finished(h, 40, 'completed');
    note(h, 300, 'container', 'remove');
    expect(messages(h.at(5000).phase('end'))).toEqual([expect.stringMatching(/was removed only at t=300, but its attempt ended completed at t=40/)]);
  });

  it('reports a container whose logs were never read', () => {
    expect(messages(failedContainer({ logs: false }).at(5000).phase('end'))).toEqual([expect.stringMatching(/exited at t=14 \(code 3\) but its logs were never read before it was removed/)]);
  });

  it('reports a cancelled attempt\'s container not killed at once, and passes it killed at once', () => {
    const run = (killAt: number): string[] => {
      const h = started(new H().connect('w1'), 10);
      note(h, 12, 'container', 'create', { image: 'busybox:1.36', envNames: [], leaked: [] });
      note(h, 14, 'container', 'start');
      aborted(h, 100, 'cancel');
      note(h, killAt, 'container', 'exit', { code: 137, signal: 'SIGKILL' });
      note(h, killAt + 2, 'container', 'logs');
      note(h, killAt + 4, 'container', 'remove');
      finished(h, killAt + 5, 'cancelled');
      return messages(h.at(5000).phase('end'));
    };
    expect(run(104)).toEqual([]);
    expect(run(900)).toEqual([expect.stringMatching(/container w1-c1 .* ran until t=900, but its attempt was aborted \(cancel\) at t=100, so it is killed at once \(bound t=200\)/)]);
  });

  it('reports a container that outlived its own timeoutMs', () => {
    const h = new H().connect('w1');
    const i = h.rec.recordInvoke({ ref: 'r', kind: 'container', tasks: [{ kind: 'container', params: { image: 'busybox:1.36', cmd: ['sleep', '5'], timeoutMs: 300 } }] });
    h.rec.recordOk(i, { executionIds: ['e1'] });
    started(h, 10);
    note(h, 12, 'container', 'create', { image: 'busybox:1.36', envNames: [], leaked: [] });
    note(h, 14, 'container', 'start');
    note(h, 1000, 'container', 'exit', { code: 0 });
    note(h, 1002, 'container', 'logs');
    note(h, 1004, 'container', 'remove');
    finished(h, 1005, 'completed');
    expect(messages(h.at(5000).phase('end'))).toEqual([expect.stringMatching(/ran until t=1000, but it started at t=14 with timeoutMs 300, after which the kind kills it \(bound t=414\)/)]);
  });

  it('reports a pull, and the worker\'s secret in a container\'s environment', () => {
    const h = failedContainer({ env: ['SQUALL_SECRET'] });
    h.at(50).rec.recordInfo({ resource: 'container', op: 'pull', host: 'w1', image: 'busybox:1.36', ...ref }, 'resources');
    expect(messages(h.at(5000).phase('end'))).toEqual([
      expect.stringMatching(/container w1-c1 \(busybox:1.36\) on w1 got the worker's secret SQUALL_SECRET in its environment/),
      expect.stringMatching(/the engine on w1 was asked to pull busybox:1.36 at t=50 \(execution e1\): the container kind never pulls/),
    ]);
  });
});

describe('32 resources: child processes', () => {
  /** A `sleep 5` child of an attempt that timed out at 300; it exits at `exitAt` (null: never). */
  function timedOutChild(exitAt: number | null, crashAt?: number): H {
    const h = new H().connect('w1');
    started(h, 10);
    note(h, 10, 'process', 'spawn', { argv: ['sleep', '5'], envNames: ['PATH'], leaked: [] });
    aborted(h, 300, 'timeout');
    if (crashAt !== undefined) h.at(crashAt).fault('start', { id: 'k', action: 'restart', target: 'w1', workers: ['w1'] });
    if (exitAt !== null) note(h, exitAt, 'process', 'exit', { code: null, signal: 'SIGTERM' });
    if (exitAt !== null && crashAt === undefined) finished(h, exitAt, 'timeout');
    return h.at(8000).phase('end');
  }

  it('passes a child killed by SIGTERM at the timeout, and one killed by SIGKILL 2 s later', () => {
    expect(messages(timedOutChild(300))).toEqual([]);
    expect(messages(timedOutChild(2300))).toEqual([]);
  });

  it('reports a child not killed on timeout (it ran to its own end)', () => {
    expect(messages(timedOutChild(5010))).toEqual([expect.stringMatching(/^process 1000 \(execution e1 attempt 1 on w1\) ran until t=5010, but its attempt was aborted \(timeout\) at t=300, so it is killed by SIGTERM, then SIGKILL 2 s later \(bound t=2400\)/)]);
    expect(messages(timedOutChild(null))).toEqual([expect.stringMatching(/process 1000 .* was still running at the end of the run, but its attempt was aborted \(timeout\)/)]);
  });

  it('does not judge a child whose worker was restarted before its bound', () => {
    expect(messages(timedOutChild(null, 400))).toEqual([]);
  });

  it('reports the worker\'s secret in a child\'s environment', () => {
    const h = started(new H().connect('w1'), 10);
    note(h, 11, 'process', 'spawn', { argv: ['env'], envNames: ['PATH', 'SQUALL_TOKEN'], leaked: ['SQUALL_TOKEN'] });
    note(h, 12, 'process', 'exit', { code: 0, signal: null });
    finished(h, 20, 'completed');
    expect(messages(h.at(100).phase('end'))).toEqual([expect.stringMatching(/child 1000 \(\["env"\]\) on w1 got the worker's secret SQUALL_TOKEN in its environment/)]);
  });
});

describe('32 resources: what an ended execution carries', () => {
  /** A child of e1's only attempt that printed and exited `code`; the coordinator recorded the attempt's result; the client read `read` at the end. */
  function ended(code: number, outcome: 'completed' | 'failed', read: Record<string, unknown>, printed = { stdout: 'hi\n', stderr: 'oops\n' }): H {
    const h = started(new H().connect('w1'), 10);
    note(h, 11, 'process', 'spawn', { argv: ['sh', '-c', 'echo hi; echo oops >&2'], envNames: ['PATH'], leaked: [] });
    note(h, 12, 'process', 'exit', { code, signal: null, ...printed });
    finished(h, 12, outcome);
    h.at(14).emit('coordinator', { type: 'result_recorded', ...lease, outcome });
    h.at(100).rec.recordInfo({ kindResults: { e1: read } });
    return h.phase('end');
  }

  it('passes a completion carrying what the child printed, and a failure naming its exit code and stderr', () => {
    expect(messages(ended(0, 'completed', { status: 'completed', result: { exitCode: 0, stdout: 'hi\n', stderr: 'oops\n' } }))).toEqual([]);
    expect(messages(ended(2, 'failed', { status: 'failed', error: { code: 'task_failed', message: 'command "sh" exited with code 2: oops' } }))).toEqual([]);
  });

  it('reports a completion whose stdout and stderr are swapped', () => {
    expect(messages(ended(0, 'completed', { status: 'completed', result: { exitCode: 0, stdout: 'oops\n', stderr: 'hi\n' } }))).toEqual([
      expect.stringMatching(/^execution e1 completed with result .*, but its final process 1000 .* exited 0 printing stdout "hi\\n" and stderr "oops\\n"/),
    ]);
  });

  // Blind set 16 #11: the tail kept the FIRST 64 KiB of a chatty command's output, losing its final lines.
  it('passes outputs past 64 KiB cut to their last 64 KiB; reports their first 64 KiB, in a completion and in a failure', () => {
    const lines = (from: number, to: number): string => Array.from({ length: to - from + 1 }, (_, i) => `${from + i}\n`).join('');
    const out = `${lines(1, 30_000)}last line\n`;
    const err = `${lines(1, 20_000)}fatal: the actual error\n`;
    const last = (t: string): string => Buffer.from(t).subarray(-65_536).toString();
    const first = (t: string): string => Buffer.from(t).subarray(0, 65_536).toString();
    const printed = { stdout: out, stderr: err };
    const failed = (tail: string): Record<string, unknown> => ({ status: 'failed', error: { code: 'task_failed', message: `command "sh" exited with code 5: ${tail.trim().slice(-2000)}` } });
    expect(messages(ended(0, 'completed', { status: 'completed', result: { exitCode: 0, stdout: last(out), stderr: last(err) } }, printed))).toEqual([]);
    expect(messages(ended(5, 'failed', failed(last(err)), printed))).toEqual([]);
    expect(messages(ended(0, 'completed', { status: 'completed', result: { exitCode: 0, stdout: first(out), stderr: first(err) } }, printed))).toEqual([
      expect.stringMatching(/^execution e1 completed with result exitCode 0, stdout 65536 bytes ending ".*", .* exited 0 printing stdout 65536 bytes ending ".*last line\\n" .*the last 64 KiB of each/),
    ]);
    expect(messages(ended(5, 'failed', failed(first(err)), printed))).toEqual([
      expect.stringMatching(/^execution e1 failed with error .*, but its final process 1000 .* exited with code 5 printing stderr 65536 bytes ending ".*fatal: the actual error\\n": a failure names the exit code and carries the stderr tail/),
    ]);
  });

  it('reports a failure that does not name the exit code', () => {
    expect(messages(ended(2, 'failed', { status: 'failed', error: { code: 'task_failed', message: 'command failed' } }))).toEqual([
      expect.stringMatching(/^execution e1 failed with error .*, but its final process 1000 .* exited with code 2 printing stderr "oops\\n"/),
    ]);
  });
});

describe('32 resources: the task env and a container\'s own timeout (set 14)', () => {
  it('reports a child given another value than the task\'s env, and a container given a name the task did not (set 14 #16)', () => {
    const h = started(new H().connect('w1'), 10);
    note(h, 11, 'process', 'spawn', { argv: ['env'], envNames: ['LANG', 'PATH'], leaked: [] });
    note(h, 12, 'process', 'exit', { code: 0, signal: null });
    finished(h, 20, 'completed');
    expect(messages(h.at(100).phase('end'))).toEqual([]);
    const bad = started(new H().connect('w1'), 10);
    note(bad, 11, 'process', 'spawn', { argv: ['env'], envNames: ['LANG', 'PATH'], leaked: [], taskEnvIgnored: ['LANG'] });
    note(bad, 12, 'process', 'exit', { code: 0, signal: null });
    note(bad, 13, 'container', 'create', { image: 'busybox:1.36', envNames: ['HOME'], leaked: [], extraEnv: ['HOME'] });
    note(bad, 14, 'container', 'remove');
    finished(bad, 20, 'completed');
    expect(messages(bad.at(100).phase('end'))).toEqual([
      expect.stringMatching(/^process 1000 \(execution e1 attempt 1 on w1\) got LANG other than the task's env gave/),
      expect.stringMatching(/^container w1-c1 .* got HOME, which the task's env does not name/),
    ]);
  });

  /** A container with timeoutMs 300 killed at `killAt` (and aborted first when `abortAt`), whose execution the client read as `read`. */
  function killed(killAt: number, read: Record<string, unknown>, abortAt?: number): H {
    const h = new H().connect('w1');
    const i = h.rec.recordInvoke({ ref: 'r', kind: 'container', tasks: [{ kind: 'container', params: { image: 'alpine:3.20', cmd: ['sleep', '5'], timeoutMs: 300 } }] });
    h.rec.recordOk(i, { executionIds: ['e1'] });
    started(h, 10);
    note(h, 12, 'container', 'create', { image: 'alpine:3.20', envNames: [], leaked: [] });
    note(h, 14, 'container', 'start');
    if (abortAt !== undefined) aborted(h, abortAt, 'cancel');
    note(h, killAt, 'container', 'kill', { signal: 'SIGKILL' });
    note(h, killAt, 'container', 'exit', { code: 137, signal: 'SIGKILL', stdout: '', stderr: '' });
    note(h, killAt + 2, 'container', 'logs');
    note(h, killAt + 4, 'container', 'remove');
    finished(h, killAt + 5, abortAt === undefined ? 'failed' : 'cancelled');
    h.at(killAt + 6).emit('coordinator', { type: 'result_recorded', ...lease, outcome: 'failed' });
    h.at(1000).rec.recordInfo({ kindResults: { e1: read } });
    return h.phase('end');
  }

  it('passes a container killed at its own timeoutMs that fails as timeout, and one killed for a cancel', () => {
    expect(messages(killed(314, { status: 'failed', error: { code: 'timeout', message: 'container alpine:3.20 exceeded its timeoutMs 300 and was killed' } }))).toEqual([]);
    expect(messages(killed(100, { status: 'cancelled', error: { code: 'cancelled', message: 'cancelled' } }, 99))).toEqual([]);
  });

  it('reports a container killed at its own timeoutMs that fails by its exit code (set 14 #17)', () => {
    expect(messages(killed(314, { status: 'failed', error: { code: 'task_failed', message: 'container alpine:3.20 exited with code 137: ' } }))).toEqual([
      expect.stringMatching(/^execution e1 ended failed with .*task_failed.*, but its final container w1-c1 .* was killed at t=314 for outliving its own timeoutMs: a container stopped at its timeoutMs fails with code timeout/),
    ]);
  });
});

describe('32 resources: containers a crashed worker left', () => {
  /** w1 runs a long container for attempt 1, restarts at 100 and connects again at 150; the container ends (sweep or its own exit) at `goneAt`. */
  const orphan = (goneAt: number, extraFault?: number): string[] => {
    const h = started(new H().connect('w1'), 10);
    note(h, 12, 'container', 'create', { image: 'alpine:3.20', envNames: [], leaked: [], worker: 'w1' });
    note(h, 14, 'container', 'start');
    h.at(100).fault('start', { id: 'r1', action: 'restart', target: 'w1', workers: ['w1'], coordinator: false, params: {} });
    h.at(150).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 1 });
    if (extraFault !== undefined) h.at(extraFault).fault('start', { id: 'r2', action: 'restart', target: 'w1', workers: ['w1'], coordinator: false, params: {} });
    note(h, goneAt, 'container', 'exit', { code: 137, signal: 'SIGKILL', stdout: '', stderr: '' });
    note(h, goneAt, 'container', 'remove');
    return messages(h.at(5000).phase('end'));
  };

  it('passes a container removed as its worker starts again', () => {
    expect(orphan(154)).toEqual([]);
  });

  it('reports a container that outlived its worker and kept running after the worker started again', () => {
    expect(orphan(4000)).toEqual([
      expect.stringMatching(/^container w1-c1 \(execution e1 attempt 1 on w1\) outlived the worker process that created it and ran until t=4000, but w1 started again at t=150: a starting worker removes every container labelled with its id.*\(bound t=250\)/),
    ]);
  });

  it('does not judge a start cut short by another crash of the same worker', () => {
    expect(orphan(4000, 200)).toEqual([]);
  });
});

describe('32 resources: a child\'s clean environment against the worker\'s (set 20 #23)', () => {
  it('reports a child lacking a documented base variable the worker has, or given another of the worker\'s variables; passes the clean base', () => {
    const h = started(new H().connect('w1'), 10);
    note(h, 11, 'process', 'spawn', { argv: ['env'], envNames: ['HOME', 'LANG', 'PATH'], leaked: [] });
    note(h, 12, 'process', 'exit', { code: 0, signal: null });
    finished(h, 20, 'completed');
    expect(messages(h.at(100).phase('end'))).toEqual([]);
    const bad = started(new H().connect('w1'), 10);
    note(bad, 11, 'process', 'spawn', { argv: ['env'], envNames: ['LANG', 'PATH', 'SQUALL_COORDINATOR_URL'], leaked: [], baseMissing: ['HOME'], workerEnvLeaked: ['SQUALL_COORDINATOR_URL'] });
    note(bad, 12, 'process', 'exit', { code: 0, signal: null });
    finished(bad, 20, 'completed');
    expect(messages(bad.at(100).phase('end'))).toEqual([
      expect.stringMatching(/^child 1000 \(\["env"\]\) on w1 at t=11 \(execution e1\) lacks HOME of the worker's environment: a child's clean environment carries the documented base/),
      expect.stringMatching(/^child 1000 .* got the worker's SQUALL_COORDINATOR_URL, which neither the documented base/),
    ]);
  });
});

describe('32 resources: the container kind\'s errors for the engine\'s answers (set 20 #30)', () => {
  /** Attempt 1 of e1, whose image inspect the engine answered 404, read back as `read`. */
  function missingImage(read: Record<string, unknown>): H {
    const h = started(new H().connect('w1'), 10);
    h.at(12).rec.recordInfo({ resource: 'container', op: 'answered', host: 'w1', ...ref, call: 'inspect', status: 404, image: 'squall/absent:1' }, 'resources');
    finished(h, 13, 'failed');
    h.at(14).emit('coordinator', { type: 'result_recorded', ...lease, outcome: 'failed' });
    h.at(100).rec.recordInfo({ kindResults: { e1: read } });
    return h;
  }

  it('passes a 404 image failing not_found "not present locally"; reports it failing as an unreachable engine', () => {
    const good = { status: 'failed', error: { code: 'not_found', message: 'image squall/absent:1 not present locally; squall never pulls — build or load it first' } };
    expect(messages(missingImage(good).at(200).phase('end'))).toEqual([]);
    const bad = { status: 'failed', error: { code: 'unavailable', message: 'Docker engine not reachable at /var/run/docker.sock: (HTTP code 404) No such image: squall/absent:1' } };
    expect(messages(missingImage(bad).at(200).phase('end'))).toEqual([
      expect.stringMatching(/^execution e1 failed with .*"code":"unavailable".*, but the Docker engine on w1 answered its inspect of squall\/absent:1 with 404 at t=12: documented is code not_found, "…not present locally; squall never pulls…"/),
    ]);
  });
});
