import { describe, expect, it } from 'vitest';
import type { ExecutionView, HttpCall } from '../scenario/http-client.js';
import { readSettled } from './live-reads.js';

/** A coordinator's listing and stats over `executions()` (index cursors), as the HTTP API answers them. */
function fakeApi(executions: () => ExecutionView[]): HttpCall {
  return async (req) => {
    const url = new URL(req.path, 'http://coordinator');
    if (url.pathname === '/api/v1/stats') return { status: 200, body: { total: executions().length, retried: 0, byStatus: {}, byKind: {} }, headers: {} };
    const status = url.searchParams.get('status') || null; // an empty parameter is as absent, as the API has it
    const all = executions().filter((e) => status === null || e.status === status);
    const from = Number(url.searchParams.get('cursor') ?? 0);
    const limit = Number(url.searchParams.get('limit'));
    const page = all.slice(from, from + limit);
    return { status: 200, body: { executions: page, nextCursor: from + limit < all.length ? String(from + limit) : null }, headers: {} };
  };
}

const execution = (i: number, status = 'completed'): ExecutionView => ({ executionId: `e${i}`, kind: 'echo', status, attempts: 1, error: null, statusHistory: [{ status, at: i }] });

describe('readSettled: live listing and stats reads between two final reads that agree', () => {
  it('keeps the reads of a coordinator that holds still, every page of them', async () => {
    const list = Array.from({ length: 20 }, (_, i) => execution(i));
    const r = await readSettled(async () => list, fakeApi(() => list), 'tok', list.length);
    expect(r.tries).toBe(1);
    expect(r.reads?.limit).toBe(7);
    expect(r.reads !== null && 'items' in r.reads.all ? r.reads.all.items.map(([id]) => id) : []).toEqual(list.map((e) => e.executionId));
    expect(r.reads?.stats).toMatchObject({ total: 20 });
  });

  it('tries again when an execution moved during the reads, and keeps the reads once nothing moves', async () => {
    let reads = 0;
    const list = (): ExecutionView[] => [execution(0, reads < 2 ? 'running' : 'completed'), execution(1)];
    const r = await readSettled(async () => (reads++, list()), fakeApi(list), undefined, 2);
    expect(r.tries).toBe(2);
    expect(r.reads).not.toBeNull();
    expect(r.executions.map((e) => e.status)).toEqual(['completed', 'completed']);
  });

  it('drops the reads of a coordinator that never holds still (a prune on every read)', async () => {
    let n = 10;
    const r = await readSettled(async () => Array.from({ length: --n }, (_, i) => execution(i)), fakeApi(() => []), 'tok', 10);
    expect(r).toMatchObject({ reads: null, tries: 3 });
    expect(r.executions).toHaveLength(6);
  });
});
