/**
 * 16 task-contract: an ended `fail` as its client reads it (harness/check/promises-fail-kind.ts):
 * a completed one returns {attempt} past `times`, one ended by its own failure carries
 * task_failed with the kind's message padded to messageChars and cut at 4000.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { failMessage } from '../../harness/check/promises-fail-kind.js';
import { H, baseContext } from './builder.js';

type Read = { status: string; result?: unknown; error?: { code: string; message: string } };

/** One fail submission per params, then the end-of-run note of how each ended. */
function history(params: Record<string, unknown>[], reads: Read[]): H {
  const h = new H().at(10);
  params.forEach((p, i) => {
    const k = h.rec.recordInvoke({ ref: `f${i}`, kind: 'fail', tasks: [{ kind: 'fail', params: p }] });
    h.rec.recordOk(k, { executionIds: [`f${i}`] });
  });
  h.at(500).rec.recordInfo({ failResults: Object.fromEntries(reads.map((r, i) => [`f${i}`, r])) });
  return h;
}
const judged = (h: H): string[] => checkHistory(h.history(), ['task-contract'], baseContext).map((v) => v.message);
const failed = (message: string, code = 'task_failed'): Read => ({ status: 'failed', error: { code, message } });

describe('16 task-contract: an ended fail as its client reads it', () => {
  it('builds the message as the kind documents it: padded after a space, cut at 4000', () => {
    expect(failMessage(2, 3, undefined)).toBe('failing on purpose: attempt 2 of the first 3 that fail');
    expect(failMessage(1, 3, 60)).toBe('failing on purpose: attempt 1 of the first 3 that fail .....');
    expect(failMessage(1, 3, 4100)).toHaveLength(4000);
  });

  it('passes the good neighbours: completions past times, failures with the message as built, and failures that are not the kind\'s own', () => {
    const params = [{ times: 1 }, { times: 3, messageChars: 300 }, { times: 1, messageChars: 4100 }, { times: 2 }];
    const reads = [{ status: 'completed', result: { attempt: 2 } }, failed(failMessage(3, 3, 300)), failed(failMessage(1, 1, 4100)), failed('dependency d1 ended failed', 'dependency_failed')];
    expect(judged(history(params, reads))).toEqual([]);
  });

  it('reads the worker\'s secret in the message as "[redacted]" (secret-redaction.yaml\'s secret is "failing on purpose")', () => {
    const h = history([{ times: 1000 }, { times: 1000 }], [failed('[redacted]: attempt 2 of the first 1000 that fail'), failed('failing on purpose: attempt 2 of the first 1000 that fail')]);
    const withSecret = checkHistory(h.history(), ['task-contract'], { ...baseContext, secrets: ['failing on purpose'] }).map((v) => v.message);
    expect(withSecret).toEqual([expect.stringMatching(/^fail \{"times":1000\}: ended failed with code "task_failed" and a message of 57 characters, but attempt 2's failure is task_failed with "\[redacted\]: attempt 2/)]);
    expect(judged(h)).toEqual([expect.stringMatching(/a message of 49 characters, but attempt 2's failure is task_failed with "failing on purpose: attempt 2/)]);
  });

  it('reports a message one character short, a wrong code, an attempt past times and a completion naming the wrong attempt', () => {
    const params = [{ times: 3, messageChars: 300 }, { times: 2 }, { times: 2 }, { times: 2 }];
    const reads = [failed(failMessage(1, 3, 299)), failed(failMessage(2, 2, undefined), 'failed'), failed(failMessage(3, 2, undefined)), { status: 'completed', result: { attempt: 2 } }];
    expect(judged(history(params, reads))).toEqual([
      expect.stringMatching(/^fail \{"times":3,"messageChars":300\}: ended failed with code "task_failed" and a message of 299 characters, but attempt 1's failure is task_failed with .* \(300 characters\)$/),
      expect.stringMatching(/^fail \{"times":2\}: ended failed with code "failed" and a message of 54 characters, but attempt 2's failure is task_failed/),
      expect.stringMatching(/^fail \{"times":2\}: ended failed with error .*, but fail's own failure names an attempt within the first 2$/),
      'fail {"times":2}: completed with result {"attempt":2}, but a completed fail returns {attempt} of an attempt after the first 2',
    ]);
  });
});
