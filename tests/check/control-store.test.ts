/**
 * Promise 29's repeated-control rule in the store (harness/check/
 * promises-control-store.ts) on synthetic `controlStore` notes, as
 * harness/scenario/control-store.ts writes them.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { shownHistory } from '../../harness/check/promises-control-store.js';
import { H, baseContext } from './builder.js';

const row = (status: string, ...history: string[]): { status: string; history: string[] } => ({ status, history });
const base = { op: 'pause', executionId: 'ex_0000000000000001', httpStatus: 200, writes: 0, pending: 0 };

function messages(...notes: Record<string, unknown>[]): string[] {
  const h = new H().at(10);
  for (const n of notes) h.rec.recordInfo({ controlStore: { ...base, ...n } }, 'client');
  return checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);
}

describe('29 api-contract: controls in the store', () => {
  it('passes a pause that wrote its entry, a repeated pause that wrote nothing, a refused cancel and a 202', () => {
    const paused = row('paused', 'scheduled', 'paused');
    expect(messages(
      { before: row('scheduled', 'scheduled'), after: paused, writes: 1, answer: paused },
      { before: paused, after: paused, answer: paused },
      { op: 'cancel', httpStatus: 409, before: row('cancelled', 'scheduled', 'cancelled'), after: row('cancelled', 'scheduled', 'cancelled'), answer: null },
      { httpStatus: 202, before: row('running', 'scheduled', 'preparing', 'running'), after: row('running', 'scheduled', 'preparing', 'running'), answer: row('running', 'scheduled', 'preparing', 'running') },
    )).toEqual([]);
  });

  it("folds a retried attempt's failed entry into its retrying one, as the API shows it", () => {
    expect(shownHistory(['scheduled', 'running', 'failed', 'retrying', 'paused', 'timeout'])).toEqual(['scheduled', 'running', 'retrying', 'paused', 'timeout']);
    const stored = row('paused', 'scheduled', 'running', 'failed', 'retrying', 'paused');
    expect(messages({ before: row('retrying', 'scheduled', 'running', 'failed', 'retrying'), after: stored, writes: 1, answer: row('paused', 'scheduled', 'running', 'retrying', 'paused') })).toEqual([]);
  });

  it('fails a repeated pause that wrote the row without an entry, and a refused one that wrote', () => {
    const paused = row('paused', 'scheduled', 'paused');
    const m = messages({ before: paused, after: paused, writes: 1, answer: paused }, { op: 'resume', httpStatus: 409, before: row('scheduled', 'scheduled'), after: row('scheduled', 'scheduled'), writes: 2, answer: null });
    expect(m).toEqual([
      expect.stringMatching(/^pause of ex_0000000000000001 \(answered 200\) staged 1 store write\(s\) of the execution, but its row's statusHistory did not grow \(paused with statusHistory \[scheduled, paused\]\)/),
      expect.stringMatching(/^resume of ex_0000000000000001 \(answered 409\) staged 2 store write\(s\)/),
    ]);
  });

  it('fails an answer the committed row does not hold, and a row whose last entry is not its status', () => {
    const m = messages(
      { before: row('scheduled', 'scheduled'), after: row('scheduled', 'scheduled'), answer: row('paused', 'scheduled', 'paused') },
      { before: row('scheduled', 'scheduled'), after: row('paused', 'scheduled'), writes: 1, answer: row('paused', 'scheduled') },
    );
    expect(m).toEqual([
      expect.stringMatching(/^pause of ex_0000000000000001 \(answered 200\): the API answered paused with statusHistory \[scheduled, paused\], but the store's committed row is scheduled with statusHistory \[scheduled\] as the API shows it/),
      expect.stringMatching(/staged 1 store write\(s\) of the execution, but its row's statusHistory did not grow/),
    ]);
    expect(messages({ before: row('scheduled', 'scheduled', 'x'), after: row('paused', 'scheduled', 'x', 'running'), writes: 1, answer: row('paused', 'scheduled', 'x', 'running') })).toEqual([
      expect.stringMatching(/^after pause of ex_0000000000000001 \(answered 200\) the store's row is paused with statusHistory \[scheduled, x, running\]: its statusHistory's last entry is its status/),
    ]);
  });

  it('does not compare while a write of the execution is uncommitted, nor without the row', () => {
    expect(messages(
      { pending: 1, before: row('scheduled', 'scheduled'), after: row('scheduled', 'scheduled'), answer: row('preparing', 'scheduled', 'preparing') },
      { before: null, after: null, writes: 1, answer: row('paused', 'scheduled', 'paused') },
    )).toEqual([]);
  });
});
