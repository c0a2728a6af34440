import { describe, expect, it } from 'vitest';
import { type ProcessLike, processIoOf } from './cli-io.js';

/** A process whose stdout is a terminal (isTTY true), or a pipe or file (isTTY absent, as node leaves it). */
function proc(stdout: { isTTY?: boolean }): ProcessLike & { printed: string[] } {
  const printed: string[] = [];
  return { printed, stdout: { ...stdout, write: (t: string) => printed.push(t) }, stderr: { write: () => true }, exitCode: undefined, once: () => undefined };
}

describe('processIoOf', () => {
  it('takes only a terminal for a terminal: a pipe or a file (isTTY absent) gets JSON', () => {
    expect(processIoOf(proc({ isTTY: true })).isTTY).toBe(true);
    expect(processIoOf(proc({})).isTTY).toBe(false);
    expect(processIoOf(proc({ isTTY: false })).isTTY).toBe(false);
  });

  it('writes to its stdout and sets its exit code', () => {
    const p = proc({});
    const io = processIoOf(p);
    io.out('{}\n');
    io.setExitCode(1);
    expect(p.printed).toEqual(['{}\n']);
    expect(p.exitCode).toBe(1);
  });
});
