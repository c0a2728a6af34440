import { describe, expect, it } from 'vitest';
import { silentLogger as quiet } from '../core/logger.js';
import { coordinatorShutdown } from './shutdown.js';
import { onShutdownSignal, type ProcessControl } from './signals.js';


/** A process whose signals the test sends and whose exits it collects. */
function fakeProcess(): ProcessControl & { send(signal: 'SIGINT' | 'SIGTERM'): void; exits: number[] } {
  const handlers: [string, (s: NodeJS.Signals) => void][] = [];
  const exits: number[] = [];
  return { on: (s, h) => void handlers.push([s, h]), exit: (code) => void exits.push(code), send: (s) => handlers.forEach(([on, h]) => on === s && h(s)), exits };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('onShutdownSignal: the exit codes of squall coordinator / worker after a signal', () => {
  it('exits 0 when the stop ends, once, whichever signal', async () => {
    const proc = fakeProcess();
    let closes = 0;
    onShutdownSignal(quiet, () => Promise.resolve(void closes++), proc);
    proc.send('SIGTERM');
    await settle();
    expect([closes, proc.exits]).toEqual([1, [0]]);
  });

  it('logs "closed" once the stop ended, and only then (a process that exits before its stop ends never says it)', async () => {
    const proc = fakeProcess();
    const lines: string[] = [];
    const logger = { ...quiet, info: (_o: object, msg?: string) => void lines.push(msg ?? '') };
    let finish = (): void => {};
    onShutdownSignal(logger, () => new Promise<void>((r) => (finish = r)), proc);
    proc.send('SIGTERM');
    await settle();
    expect(lines.filter((l) => l.startsWith('closed'))).toEqual([]);
    finish();
    await settle();
    expect([lines.filter((l) => l.startsWith('closed')), proc.exits]).toEqual([['closed: every step of the stop ended; exiting 0'], [0]]);
  });

  it('exits 1 when the stop fails (a store whose last commit or close fails)', async () => {
    const proc = fakeProcess();
    const closed: string[] = [];
    const stop = coordinatorShutdown({ coordinator: { close: async () => void closed.push('coordinator') }, store: { close: () => Promise.reject(new Error('ENOSPC: no space left on device')) } });
    onShutdownSignal(quiet, stop, proc);
    proc.send('SIGINT');
    await settle();
    expect([closed, proc.exits]).toEqual([['coordinator'], [1]]);
  });

  it('exits 130 at a second signal while the stop runs', async () => {
    const proc = fakeProcess();
    onShutdownSignal(quiet, () => new Promise(() => {}), proc);
    proc.send('SIGTERM');
    proc.send('SIGINT');
    await settle();
    expect(proc.exits).toEqual([130]);
  });
});
