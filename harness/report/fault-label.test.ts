import { describe, expect, it } from 'vitest';
import { describeFault } from '../scenario/fault-details.js';
import { describeFaultTarget, faultTitle } from './fault-label.js';

const fleet = { workers: 4, idPrefix: 'w', groups: [{ name: 'east', count: 2 }, { name: 'west', count: 2 }] };

describe('fault labels', () => {
  it('names a partition by its sides and the workers it cut off, not all-workers', () => {
    const d = describeFault(fleet, { target: 'all-workers', action: { type: 'partition', groups: [['coordinator', 'east'], 'west'], oneWay: false } }, 'f1');
    expect(d.workers).toEqual(['w1', 'w2', 'w3', 'w4']); // the checker's view: every worker is on some side
    expect(describeFaultTarget(d)).toEqual({ label: '{coordinator, east} | {west}', workers: ['w3', 'w4'] });
    expect(faultTitle(d)).toBe('partition {coordinator, east} | {west} (2 workers cut off)');
  });

  it('marks a one-way cut with an arrow', () => {
    const d = describeFault(fleet, { target: 'all-workers', action: { type: 'partition', groups: ['west', 'coordinator'], oneWay: true } }, 'f2');
    expect(describeFaultTarget(d).label).toBe('one-way {west} → {coordinator}');
    expect(describeFaultTarget(d).workers).toEqual(['w3', 'w4']);
  });

  it('keeps other faults as target', () => {
    expect(faultTitle({ action: 'latency', target: 'group:west', workers: ['w3', 'w4'] })).toBe('latency → group:west');
  });
});
