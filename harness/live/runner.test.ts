import { describe, expect, it } from 'vitest';
import { faultLines } from './runner.js';

describe('live JSON fault lines', () => {
  it('say when an applied fault is milder than the file: a corrupt aimed at fields flips bits anywhere live', () => {
    const lines = faultLines({
      faults: [
        { at: 100, target: 'w1', action: { type: 'corrupt', probability: 0.1, fields: ['v', 'type'], stream: 'both', toxicity: 1 } },
        { at: 200, target: 'w2', action: { type: 'corrupt', probability: 0.1, stream: 'both', toxicity: 1 } },
      ],
      applied: ['f1', 'f2'],
      refusedFaults: [],
    });
    expect(lines.applied[0]).toMatchObject({ id: 'f1', action: 'corrupt', note: expect.stringMatching(/fields v\/type not aimed: a live proxy flips bits anywhere/) });
    expect(lines.applied[1]).toEqual({ id: 'f2', action: 'corrupt', target: 'w2', at: 200 });
  });
});
