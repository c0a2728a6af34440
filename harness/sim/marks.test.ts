import { describe, expect, it } from 'vitest';
import { MARK_NAMES, noMarks } from '../../system/core/marks.js';
import { marksSummary, renderUnreachedMarks } from '../cli/marks-report.js';
import { MarkCounter, NOT_YET_REQUIRED, REQUIRED_MARKS, sumMarks, unreachedMarks } from './marks.js';

describe('mark counting', () => {
  it('counts hits per mark and lists every catalog mark', () => {
    const c = new MarkCounter();
    c.hit('engine.lease-expired');
    c.hit('engine.lease-expired');
    const snap = c.snapshot();
    expect(Object.keys(snap)).toEqual(MARK_NAMES);
    expect(snap['engine.lease-expired']).toBe(2);
    expect(snap['worker.backoff-cap']).toBe(0);
  });

  it('production marks are a frozen no-op', () => {
    expect(Object.isFrozen(noMarks)).toBe(true);
    expect(() => noMarks.hit('worker.backoff-cap')).not.toThrow();
  });

  it('sums runs and lists unreached marks, required ones first', () => {
    const a = new MarkCounter();
    const b = new MarkCounter();
    a.hit('worker.backoff-cap');
    b.hit('worker.backoff-cap');
    const total = sumMarks([a.snapshot(), b.snapshot()]);
    expect(total['worker.backoff-cap']).toBe(2);
    const unreached = unreachedMarks(total);
    expect(unreached.map((u) => u.mark)).not.toContain('worker.backoff-cap');
    const firstOptional = unreached.findIndex((u) => !u.required);
    expect(unreached.slice(firstOptional).every((u) => !u.required)).toBe(true);
    expect(unreached.filter((u) => u.required).length).toBe(REQUIRED_MARKS.length - 1);
    for (const u of unreached.filter((x) => !x.required)) expect(u.note).toBe(NOT_YET_REQUIRED[u.mark]);
  });

  it('renders a table of the unreached marks, or one line when all were reached', () => {
    const c = new MarkCounter();
    const summary = marksSummary([{ marks: c.snapshot() }]);
    expect(renderUnreachedMarks(summary, 1)).toMatch(/^coverage marks: 0 of \d+ reached over 1 run\(s\); not reached:\nunreached mark/);
    for (const m of MARK_NAMES) c.hit(m);
    expect(renderUnreachedMarks(marksSummary([{ marks: c.snapshot() }]), 1)).toBe(`coverage marks: all ${MARK_NAMES.length} reached over 1 run(s)`);
  });
});
