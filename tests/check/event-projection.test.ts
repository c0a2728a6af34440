/**
 * Promise 29's event projection (harness/check/promises-event-projection.ts)
 * on synthetic histories: each execution's status events against the
 * store's statusHistory (`eventProjection` note) and its listed one (`apiReads`).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const A = 'ex_000000000000000a';
const B = 'ex_000000000000000b';

/** A retried then completed, B completed while A waited for its retry; `dropInterim`: B... A's interim `failed` event never sent. */
function run(dropInterim: boolean): H {
  const h = new H().at(10).submit(A, { retry: { strategy: 'fixed', maxRetries: 1, delayMs: 100, maxDelayMs: 60_000 } }).submit(B);
  h.claim(A, 'w1', 1, 'la1').start(A, 'w1', 1, 'la1').claim(B, 'w2', 1, 'lb1').start(B, 'w2', 1, 'lb1');
  if (dropInterim) h.status(A, 'failed', 'retrying', 1);
  else h.finish(A, 'w1', 1, 'la1', 'failed', 'retrying');
  h.finish(B, 'w2', 1, 'lb1').at(200).claim(A, 'w1', 2, 'la2', undefined, 'retrying').start(A, 'w1', 2, 'la2').finish(A, 'w1', 2, 'la2');
  return h;
}

const STORED = { [A]: 'scheduled,preparing,running,failed,retrying,preparing,running,completed', [B]: 'scheduled,preparing,running,completed' };
const chain = (...s: string[]): [string, string | null][] => s.map((x, i) => [x, i === 0 ? null : (s[i - 1] as string)]);
const LISTED = { limit: 7, filtered: { error: 503 }, stats: { error: 503 }, all: { items: [[A, 'completed', 1, 'sleep', chain('scheduled', 'preparing', 'running', 'retrying', 'preparing', 'running', 'completed')], [B, 'completed', 0, 'sleep', chain('scheduled', 'preparing', 'running', 'completed')]], unended: false } };

function messages(h: H, notes: Record<string, unknown>[]): string[] {
  for (const n of notes) h.rec.recordInfo(n);
  return checkHistory(h.history(), ['api-contract'], baseContext)
    .map((v) => v.message)
    .filter((m) => m.includes('status events'));
}

describe('29 api-contract: the event outputs project the store history', () => {
  it("passes every status change, a retried attempt's interim failed included, sent once and in order", () => {
    expect(messages(run(false), [{ eventProjection: { store: STORED } }, { apiReads: LISTED }])).toEqual([]);
  });

  it("fails an interim status the store holds but no event carried, against the store's row", () => {
    expect(messages(run(true), [{ eventProjection: { store: STORED } }])).toEqual([
      expect.stringMatching(/^ex_000000000000000a's status events say \[scheduled, preparing, running, retrying, preparing, running, completed\], but the store's statusHistory is \[scheduled, preparing, running, failed, retrying, .*\(change 4 is retrying in the events, failed there\)/),
    ]);
  });

  it('fails a status event sent twice, or missing, against the listed statusHistory', () => {
    const twice = run(false).status(B, 'running', 'completed', 1);
    expect(messages(twice, [{ eventProjection: { store: null } }, { apiReads: LISTED }])).toEqual([expect.stringMatching(/^ex_000000000000000b's status events, folded as the API shows them, say \[scheduled, preparing, running, completed, completed\].*change 5 is completed in the events, absent there/)]);
  });

  it("does not judge an execution whose events a coordinator crash cut (it had not ended before the crash)", () => {
    const h = new H().at(10).submit(A).claim(A, 'w1', 1, 'la1');
    h.fault('start', { id: 'k1', action: 'kill', target: 'coordinator', coordinator: true }).fault('stop', { id: 'k1', action: 'kill', target: 'coordinator', coordinator: true });
    h.status(A, 'preparing', 'scheduled', 1).claim(A, 'w1', 2, 'la2').start(A, 'w1', 2, 'la2').finish(A, 'w1', 2, 'la2');
    expect(messages(h, [{ eventProjection: { store: { [A]: 'scheduled,preparing,running,scheduled,preparing,running,completed' } } }])).toEqual([]);
    const ended = new H().at(10).submit(A).run(A, 'w1', 1, 'la1').fault('start', { id: 'k1', action: 'kill', target: 'coordinator', coordinator: true });
    expect(messages(ended, [{ eventProjection: { store: { [A]: 'scheduled,preparing,running,failed,completed' } } }])).toHaveLength(1);
  });
});
