/**
 * Promise 33 (reload) against blind set 14's store misses, each planted
 * through a module mock local to this file (as broken-register-mac.test.ts
 * does): scenarios/awkward-data.yaml (memory store) and
 * awkward-data-sqlite.yaml pass on the real system and fail under `reload`
 * with the defect planted.
 *
 * - set 14 #12: the memory store's deep copy assigns a `__proto__` key with
 *   `out[k] =` (sets the copy's prototype, no member): awkward params,
 *   metadata and results lose the member in the store, and read without it
 *   after the restart;
 * - set 14 #14: the SQLite row's reader overlays only the mutable fields the
 *   state JSON holds, so a field cleared since submit (JSON drops undefined)
 *   reads the submitted doc's value again: a future-dated execution, claimed
 *   and completed, shows its old nextRunAt after the restart;
 * - set 14 #13: the SQLite checkpoint UPDATE matches no row without a
 *   checkpoint yet (`coalesce(..., 0)`): a first attempt's checkpoints are
 *   never stored, and a sleep running at the kill reads without one after.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { CompactHistory } from '../../system/core/status-history.js';
import type * as CopyData from '../../system/store/copy-data.js';
import type * as SqliteRows from '../../system/store/sqlite-rows.js';
import type * as SqliteStatements from '../../system/store/sqlite-statements.js';
import { simVerdict } from './broken/verdict.js';

const state = vi.hoisted(() => ({ broken: 'none' as 'none' | 'proto-assigned' | 'cleared-kept' | 'first-checkpoint-dropped' }));

/** Set 14 #12's walk: every member assigned, `__proto__` included (an engine record's compact history copied as its entries, as copyData does). */
function assigningCopy(v: unknown): unknown {
  if (v instanceof CompactHistory) return assigningCopy(v.slice());
  if (Array.isArray(v)) return v.map(assigningCopy);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = assigningCopy((v as Record<string, unknown>)[k]);
  return out;
}

vi.mock('../../system/store/copy-data.js', async (importOriginal) => {
  const real = await importOriginal<typeof CopyData>();
  const copyData: typeof real.copyData = (value) => (state.broken === 'proto-assigned' ? (assigningCopy(value) as typeof value) : real.copyData(value));
  return { ...real, copyData };
});

/** sqlite-rows.ts MUTABLE_FIELDS, restated. */
const MUTABLE = ['status', 'attempts', 'result', 'error', 'lease', 'checkpoint', 'nextRunAt', 'startedAt', 'completedAt', 'idempotencyKey'];

vi.mock('../../system/store/sqlite-rows.js', async (importOriginal) => {
  const real = await importOriginal<typeof SqliteRows>();
  // Set 14 #14: a mutable field absent from the state JSON keeps the doc's value (as if `if (f in s)` guarded the overlay).
  const fromRow: typeof real.fromRow = (doc, json, hist) => {
    if (state.broken !== 'cleared-kept' || json === null) return real.fromRow(doc, json, hist);
    const d = JSON.parse(doc) as Record<string, unknown>;
    const s = JSON.parse(json) as Record<string, unknown>;
    for (const f of MUTABLE) if (!(f in s) && f in d) s[f] = d[f];
    return real.fromRow(doc, JSON.stringify(s), hist);
  };
  return { ...real, fromRow };
});

vi.mock('../../system/store/sqlite-statements.js', async (importOriginal) => {
  const real = await importOriginal<typeof SqliteStatements>();
  // Set 14 #13: coalesce(..., 0): a checkpoint UPDATE matches no row that has no checkpoint yet.
  const prepareStatements: typeof real.prepareStatements = (db) => {
    const s = real.prepareStatements(db);
    if (state.broken !== 'first-checkpoint-dropped') return s;
    const checkpoint = db.prepare<{ id: string; seq: number; cp: string }>(
      `UPDATE executions SET
         state = CASE WHEN state IS NULL THEN NULL ELSE json_set(state, '$.checkpoint', json(@cp)) END,
         doc = CASE WHEN state IS NULL THEN json_set(doc, '$.checkpoint', json(@cp)) ELSE doc END
       WHERE id = @id AND coalesce(json_extract(coalesce(state, doc), '$.checkpoint.seq') < @seq, 0)`,
    );
    return { ...s, checkpoint };
  };
  return { ...real, prepareStatements };
});

async function verdict(file: string, broken: typeof state.broken): Promise<Awaited<ReturnType<typeof simVerdict>>> {
  state.broken = broken;
  try {
    return await simVerdict(await loadScenario(file));
  } finally {
    state.broken = 'none';
  }
}

describe('blind set 14: data survives copies and reloads (reload)', () => {
  it('awkward-data: a memory-store copy that assigns __proto__ loses the member (set 14 #12)', { timeout: 60_000 }, async () => {
    expect((await verdict('scenarios/awkward-data.yaml', 'none')).text).toBe('');
    const broken = await verdict('scenarios/awkward-data.yaml', 'proto-assigned');
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('reload');
    expect(broken.text).toMatch(/read differently after the coordinator restarted \(incarnation 2, t=1800\) than just before it .*: params\.value\.__proto__ \{.*\} → absent/);
  });

  it('awkward-data-sqlite: a row reader that keeps a cleared nextRunAt (set 14 #14)', { timeout: 60_000 }, async () => {
    expect((await verdict('scenarios/awkward-data-sqlite.yaml', 'none')).text).toBe('');
    const broken = await verdict('scenarios/awkward-data-sqlite.yaml', 'cleared-kept');
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('reload');
    expect(broken.text).toMatch(/read differently after the coordinator restarted .*: nextRunAt null → \d+/);
  });

  it('awkward-data-sqlite: a checkpoint UPDATE that never stores a row\'s first checkpoint (set 14 #13)', { timeout: 60_000 }, async () => {
    const broken = await verdict('scenarios/awkward-data-sqlite.yaml', 'first-checkpoint-dropped');
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('reload');
    expect(broken.text).toMatch(/read differently after the coordinator restarted \(incarnation 3, t=3400\) than just before it \(t=3000, .*\): checkpoint \{"at":\d+,"attempt":1,"seq":\d+\} → null/);
  });
});
