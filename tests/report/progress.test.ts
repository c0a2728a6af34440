/**
 * createProgress: plain lines off a TTY (each 10% step, every interval, on a
 * named failure, and a final line), a drawn bar on a TTY, nothing after stop.
 */
import { describe, expect, it } from 'vitest';
import { createProgress, type ProgressStream } from '../../harness/report/progress.js';

function sink(isTTY: boolean): ProgressStream & { text: () => string } {
  const chunks: string[] = [];
  return { isTTY, write: (c: string) => chunks.push(c), text: () => chunks.join('') };
}

describe('createProgress without a TTY', () => {
  it('prints a line per 10% step, on interval and on failures, then a final line', () => {
    const out = sink(false);
    let t = 0;
    const p = createProgress({ total: 20, label: 'sweep', unit: 'seeds', stream: out, tty: false, now: () => t, intervalMs: 10_000 });
    p.tick(); // 1/20: below 10%, nothing
    expect(out.text()).toBe('');
    p.tick(); // 2/20 = 10%
    expect(out.text()).toBe('sweep: 2/20 seeds, 0 failed\n');
    p.tick({ failed: true, detail: 'seed 3' });
    expect(out.text()).toContain('sweep: 3/20 seeds, 1 failed (failed: seed 3)\n');
    t = 11_000;
    p.tick(); // 4/20 = 20%: a step anyway
    t = 25_000;
    p.tick(); // 5/20: no new step, but 14 s since the last line
    expect(out.text().split('\n').filter(Boolean)).toHaveLength(4);
    for (let i = 0; i < 15; i++) p.tick();
    p.stop();
    p.stop();
    p.tick();
    const lines = out.text().split('\n').filter(Boolean);
    expect(lines[lines.length - 1]).toBe('sweep: 20/20 seeds, 1 failed, done in 25.0 s');
    expect(lines.filter((l) => l.includes('done in'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('sweep: 20/20'))).toHaveLength(1);
    expect(p.done).toBe(20);
    expect(p.failed).toBe(1);
  });

  it('rejects a nonsensical total', () => {
    expect(() => createProgress({ total: -1, label: 'x', stream: sink(false) })).toThrow(/non-negative integer/);
  });
});

describe('createProgress on a TTY', () => {
  it('draws a bar with the counts', () => {
    const out = sink(true);
    const p = createProgress({ total: 4, label: 'bench', unit: 'cells', stream: out, tty: true });
    p.tick({ detail: 'clean/none/1' });
    p.tick({ failed: true });
    p.stop();
    // eslint-disable-next-line no-control-regex
    const plain = out.text().replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[78]/g, '');
    expect(plain).toContain('bench |');
    expect(plain).toContain('2/4 cells · 1 failed');
  });
});
