/**
 * Synthetic histories for promise 37, store-contract (harness/check/promises-store-contract.ts,
 * blind set 15 #09-#11): the probe's note for a store that keeps its contract passes; each broken
 * part of the contract, alone in an otherwise good note, is reported.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { StoreContractNote } from '../../harness/scenario/store-contract.js';
import { H, baseContext } from './builder.js';

function good(store: StoreContractNote['store'] = 'sqlite-thread'): StoreContractNote {
  return {
    probe: 'store-contract',
    store,
    batches: [
      { op: 'update', refused: true, changed: [] },
      { op: 'submit', refused: true, changed: [] },
    ],
    failedCommit: store === 'memory' ? null : { refused: true, changed: null, laterError: null },
    close: { issued: 3, unsettled: 0, closed: true },
    reloaded: [],
    error: null,
  };
}

function messages(...notes: StoreContractNote[]): string[] {
  const h = new H();
  for (const n of notes) h.rec.recordInfo({ ...n }, 'store-contract');
  return checkHistory(h.history(), ['store-contract'], baseContext).map((v) => v.message);
}

describe('37 store-contract: the store contract probe', () => {
  it('passes stores that keep the contract (memory and SQLite)', () => {
    expect(messages(good('memory'), good('sqlite'), good('sqlite-thread'))).toEqual([]);
  });

  it('reports a batch refused part-way that left its earlier records written (set 15 #09)', () => {
    const n = good('memory');
    n.batches[0] = { op: 'update', refused: true, changed: ['ex_contract_1: pending/0 [scheduled pending]'] };
    n.reloaded = [{ id: 'ex_contract_1', acknowledged: 'scheduled/0 [scheduled]', stored: 'pending/0 [scheduled pending]' }];
    expect(messages(n)).toEqual([
      expect.stringMatching(/^store contract \(memory store\): an update batch refused part-way left its earlier records written \(ex_contract_1: pending/),
      expect.stringMatching(/the reopened store holds ex_contract_1 as pending\/0 \[scheduled pending\], but the last write acknowledged for it was scheduled\/0 \[scheduled\]/),
    ]);
  });

  it('reports a batch accepted although one of its records could not be written', () => {
    const n = good('sqlite');
    n.batches[1] = { op: 'submit', refused: false, changed: [] };
    expect(messages(n)).toEqual([expect.stringMatching(/a submit batch whose last record it already holds was accepted/)]);
  });

  it('reports writes issued before close() that never settled (set 15 #10)', () => {
    const n = good();
    n.close = { issued: 3, unsettled: 2, closed: true };
    expect(messages(n)).toEqual([expect.stringMatching(/2 of 3 writes issued just before close\(\) never settled/)]);
    n.close = { issued: 3, unsettled: 0, closed: false };
    expect(messages(n)).toEqual([expect.stringMatching(/close\(\) did not resolve/)]);
  });

  it('reports writes on the healthy disk refused after a failed commit, or a failed commit that left a trace (set 15 #11)', () => {
    const n = good();
    n.failedCommit = { refused: true, changed: null, laterError: 'update: execution ex_contract_1 on disk does not hold the 3 status history entries this write follows' };
    expect(messages(n)).toEqual([expect.stringMatching(/after a failed commit, writes on the healthy disk .* were refused: update: execution ex_contract_1 on disk does not hold/)]);
    n.failedCommit = { refused: false, changed: 'running/1 [scheduled preparing running]', laterError: null };
    expect(messages(n)).toEqual([expect.stringMatching(/resolved as if it committed/), expect.stringMatching(/a failed commit left its change in the store \(the row reads running/)]);
  });

  it('reports a probe cut short by a failed setup write', () => {
    const n = good('memory');
    n.error = 'submitting three executions failed: boom';
    expect(messages(n)).toEqual([expect.stringMatching(/the probe could not run its steps: submitting three executions failed: boom/)]);
  });

  it('reports a graceful stop of the coordinator that hung, failed or left writes unsettled; passes a clean one', () => {
    const stop = (v: Record<string, unknown>): string[] => {
      const h = new H();
      h.rec.recordInfo({ gracefulStop: { incarnation: 1, completed: true, error: null, unsettled: 0, ms: 3, ...v } });
      return checkHistory(h.history(), ['store-contract'], baseContext).map((x) => x.message);
    };
    expect(stop({})).toEqual([]);
    expect(stop({ unsettled: 5 })).toEqual([expect.stringMatching(/graceful stop of coordinator incarnation 1 completed \(in 3 ms\) with 5 write\(s\) the store was handed still unsettled/)]);
    expect(stop({ completed: false, ms: 10000 })).toEqual([expect.stringMatching(/did not complete within 10000 ms/)]);
    expect(stop({ error: 'SqliteStore: the store is closed' })).toEqual([expect.stringMatching(/graceful stop of coordinator incarnation 1 failed: SqliteStore: the store is closed/)]);
  });

  it('passes SQLite options read back as documented, and reports one without effect or refused (set 22 #25)', () => {
    const n = good('sqlite');
    n.options = [
      { options: '{"synchronous":"full"}', pragma: 'synchronous', expected: 2, read: 2 },
      { options: '{"busyTimeoutMs":250}', pragma: 'busy_timeout', expected: 250, read: 250 },
    ];
    expect(messages(n)).toEqual([]);
    n.options = [
      { options: '{"synchronous":"full"}', pragma: 'synchronous', expected: 2, read: 1 },
      { options: '{"exclusive":true}', pragma: 'locking_mode', expected: 'exclusive', read: null, error: 'database is locked' },
    ];
    expect(messages(n)).toEqual([
      expect.stringMatching(/^store contract \(sqlite store\): a store opened with \{"synchronous":"full"\} reads PRAGMA synchronous = 1 on its connection, where the documented option gives 2: the option has no effect/),
      expect.stringMatching(/a store opened with the documented options \{"exclusive":true\} was refused: database is locked/),
    ]);
  });
});
