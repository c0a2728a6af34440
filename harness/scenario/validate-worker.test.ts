import { describe, expect, it } from 'vitest';
import { parseScenario } from './loader.js';

const bad = `name: bad
description: x
fleet: { workers: 2 }
coordinator: { maxFrameBytes: 4096 }
workload:
  items:
    - { kind: sleep, count: 1, valueBytes: 100 }
    - { kind: echo, count: 1, valueBytes: 100, params: { value: 1 } }
  flood: { messagesPerSec: 10, bytes: 4000 }
faults:
  - { at: 0, for: 100, target: coordinator, action: drain }
  - { at: 0, for: 100, target: w1, action: drian }
`;

describe('worker-feature scenario fields', () => {
  it('refuses what cannot run, naming each field and what would be right', () => {
    let message = '';
    try {
      parseScenario(bad, 'bad.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/faults\[1\]\.action: unknown action "drian" \(did you mean "drain"\?\)/);
    // The structure error stops the cross-field rules; check them on a file that parses.
    try {
      parseScenario(bad.replace('action: drian', 'action: { type: drain, timeoutMs: 500 }'), 'bad.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/workload\.items\[0\]\.valueBytes: valueBytes sets an echo value; this item's kind is "sleep"/);
    expect(message).toMatch(/workload\.items\[1\]\.params\.value: give either params\.value or valueBytes, not both/);
    expect(message).toMatch(/workload\.flood\.bytes: a data message of 4000 bytes does not fit the frame limit \(coordinator\.maxFrameBytes 4096.*at most 3812/);
    expect(message).toMatch(/faults\[0\]\.target: drain stops workers gracefully; target workers/);
  });

  it('accepts the same fields when they fit', () => {
    const s = parseScenario(
      `name: good
description: x
fleet: { workers: 2 }
workload:
  items: [{ kind: echo, count: 1, valueBytes: 3 }]
faults: [{ at: 0, for: 100, target: w1, action: drain }]
`,
      'good.yaml',
    );
    expect(s.faults[0]?.action).toEqual({ type: 'drain', timeoutMs: 30_000 });
    expect(s.workload.items[0]?.valueBytes).toBe(3);
  });
});
