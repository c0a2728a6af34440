import { describe, expect, it } from 'vitest';
import { around } from '../../harness/check/violation.js';
import { H } from './builder.js';

describe('around (records shown with a violation)', () => {
  it('keeps the execution, its workers, faults that touch them and phases; drops unrelated noise', () => {
    const h = new H().connect('w1').connect('w2').submit('x').claim('x', 'w1', 1, 't1');
    h.at(10).fault('start', { id: 'near', action: 'down', target: 'w1', workers: ['w1'] });
    h.fault('start', { id: 'far', action: 'down', target: 'w2', workers: ['w2'] });
    h.emit('w2', { type: 'connecting', workerId: 'w2', attempt: 1 });
    h.phase('heal');
    const rec = h.history();
    const at = rec.findIndex((r) => r.f === 'claimed');
    const shown = around(rec, at, { executionId: 'x' }, 20);
    const faults = shown.filter((r) => r.f === 'fault').map((r) => r.value.id);
    expect(faults).toEqual(['near']);
    expect(shown.some((r) => r.process === 'w2')).toBe(false);
    expect(shown.some((r) => r.f === 'phase')).toBe(true);
    expect(shown.map((r) => r.index)).toEqual([...shown.map((r) => r.index)].sort((a, b) => a - b));
  });
});
