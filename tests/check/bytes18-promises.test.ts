/**
 * Synthetic histories for the byte-length rules of blind set 18 (#07, #13,
 * #21): every length the system promises is in UTF-8 bytes, met here by
 * generated multi-byte text (harness/sim/utf8-text.ts, fixed seeds).
 * - 16 task-contract: an echo value over maxFrameBytes in bytes but not in
 *   UTF-16 units ends failed too_large, never sent (promises-frames.ts);
 * - 32 resources: a command's output up to 64 KiB in bytes comes back whole,
 *   a longer one as its last 64 KiB from the first whole character
 *   (promises-resources.ts outputTail);
 * - 29 api-contract: no client reads an answer cut by its content-length or
 *   after another answer's bytes (promises-api-answers.ts checkWireFraming).
 * Each is a good history and its one-change violation.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { PromiseName } from '../../harness/check/promises.js';
import { outputTail } from '../../harness/check/promises-resources.js';
import { utf8Text } from '../../harness/sim/utf8-text.js';
import { H, baseContext } from './builder.js';

const check = (h: H, p: PromiseName, ctx = baseContext): string[] => checkHistory(h.history(), [p], ctx).map((v) => v.message);

describe('16 task-contract: multi-byte echo values at the frame limit (set 18 #21)', () => {
  const ctx = { ...baseContext, maxFrameBytes: 16_384 };
  // 17,000 bytes, about 7,000 UTF-16 units: over the limit only when counted in bytes.
  const value = utf8Text(17_000, 18);

  function echo(outcome: 'completed' | 'failed', errorCode?: string, dropped = false): H {
    const h = new H().connect('w1');
    const i = h.rec.recordInvoke({ ref: 'e', kind: 'echo', tasks: [{ kind: 'echo', params: { value } }] });
    h.emit('coordinator', { type: 'submitted', executionId: 'e', kind: 'echo', dependencies: [], maxAttempts: 1, priority: 'medium' });
    h.rec.recordOk(i, { executionIds: ['e'] });
    h.claim('e', 'w1', 1, 't1').start('e', 'w1', 1, 't1');
    h.at(10).emit('w1', { type: 'task_finished', executionId: 'e', workerId: 'w1', attempt: 1, leaseToken: 't1', outcome, ...(errorCode === undefined ? {} : { errorCode }) });
    if (dropped) h.at(12).emit('w1', { type: 'disconnected', workerId: 'w1', code: 4413, reason: 'frame of 17400 bytes exceeds the limit of 16384 bytes' });
    else {
      h.emit('coordinator', { type: 'lease_released', executionId: 'e', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: outcome });
      h.emit('coordinator', { type: 'result_recorded', executionId: 'e', workerId: 'w1', attempt: 1, leaseToken: 't1', outcome });
    }
    return h.at(9_000).phase('end');
  }

  it('passes the value failed too_large on its first attempt', () => {
    expect(value.length).toBeLessThan(16_384 - 1024);
    expect(check(echo('failed', 'too_large'), 'task-contract', ctx)).toEqual([]);
  });

  it('reports it sent (sized in UTF-16 units): refused 4413, never recorded', () => {
    expect(check(echo('completed', undefined, true), 'task-contract', ctx)).toContainEqual(
      expect.stringMatching(/^echo of 17002 bytes \(maxFrameBytes 16384\): attempt 1 \(w1\) never had its result recorded: a value that cannot fit a frame ends failed with too_large/),
    );
  });
});

describe('32 resources: multi-byte output tails (set 18 #13)', () => {
  const lease = { executionId: 'e1', workerId: 'w1', attempt: 1, leaseToken: 't1' };

  /** e1's child prints `printed` to stdout and exits 0; the client reads `stdout` back. */
  function printed(text: string, stdout: string): H {
    const h = new H().connect('w1');
    h.at(10).emit('w1', { type: 'task_started', ...lease });
    const note = (t: number, op: string, extra: Record<string, unknown>): void => void h.at(t).rec.recordInfo({ resource: 'process', op, host: 'w1', id: '1000', execution: 'e1', attempt: 1, ...extra }, 'resources');
    note(11, 'spawn', { argv: ['sh', '-c', 'utf8text'], envNames: ['PATH'], leaked: [] });
    note(50, 'exit', { code: 0, signal: null, stdout: text, stderr: '' });
    h.at(50).emit('w1', { type: 'task_finished', ...lease, outcome: 'completed' });
    h.at(52).emit('coordinator', { type: 'result_recorded', ...lease, outcome: 'completed' });
    h.at(100).rec.recordInfo({ kindResults: { e1: { status: 'completed', result: { exitCode: 0, stdout, stderr: '' } } } });
    return h.at(200).phase('end');
  }

  // Sizes just over half the tail, between half and full, just under, at and over it; characters of 1-4 bytes.
  const sizes = [32_769, 40_000, 65_535, 65_536, 65_537, 98_304];

  it('passes outputs up to 64 KiB whole and longer ones as their last 64 KiB from a whole character', () => {
    for (const [i, bytes] of sizes.entries()) {
      const text = utf8Text(bytes, i + 1);
      const tail = outputTail(text);
      expect(Buffer.byteLength(tail)).toBe(bytes <= 65_536 ? bytes : Buffer.byteLength(tail));
      expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(65_536);
      expect(Buffer.byteLength(tail)).toBeGreaterThan(65_536 - 4 - (bytes <= 65_536 ? 65_536 : 0));
      expect(tail).not.toContain('\ufffd');
      expect(check(printed(text, tail), 'resources')).toEqual([]);
    }
  });

  it('reports an output under 64 KiB cut to its last 2 x size - 64 KiB bytes, and a tail starting with U+FFFD', () => {
    const text = utf8Text(40_000, 2);
    const all = Buffer.from(text);
    const cut = all.subarray(all.length - (2 * 40_000 - 65_536)).toString('utf8');
    expect(check(printed(text, cut), 'resources')).toEqual([expect.stringMatching(/^execution e1 completed with result exitCode 0, stdout \d+ bytes ending .*but its final process 1000 .* exited 0 printing stdout 40000 bytes/)]);
    const long = utf8Text(98_304, 6);
    const marked = Buffer.from(long).subarray(98_304 - 65_536).toString('utf8');
    if (marked === outputTail(long)) throw new Error('seed 6 must cut a character at the 64 KiB mark');
    expect(check(printed(long, marked), 'resources')).toEqual([expect.stringMatching(/^execution e1 completed with result exitCode 0, stdout 65540 bytes ending .*but its final process 1000 .* exited 0 printing stdout 6553\d bytes/)]);
  });
});

describe('29 api-contract: answers as clients read them off the wire (set 18 #07)', () => {
  it('passes a run whose clients met no framing fault, and reports each one noted', () => {
    const good = new H().at(100);
    expect(check(good.at(200).phase('end'), 'api-contract').filter((m) => m.includes('content-length'))).toEqual([]);
    const bad = new H().at(100);
    bad.rec.recordInfo({ httpWire: ['a 200 answer declared content-length 10 but its body is 14 UTF-8 byte(s) (10 UTF-16 units): the client read it cut to "{\\"v\\":\\"жж"'] });
    expect(check(bad.at(200).phase('end'), 'api-contract').filter((m) => m.includes('content-length'))).toEqual([
      expect.stringMatching(/^a 200 answer declared content-length 10 but its body is 14 UTF-8 byte\(s\).*: an HTTP answer's content-length is its body's length in UTF-8 bytes/),
    ]);
  });
});
