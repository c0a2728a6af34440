import { describe, expect, it } from 'vitest';
import { isRunning, kill9, spawnChild, stopChild } from './children.js';
import { freePort } from './ports.js';
import { firstLine } from './readiness.js';

/** A node child that prints "ready" once its SIGTERM handling is installed. */
function child(onTerm: 'exit' | 'ignore') {
  const code = `process.on('SIGTERM', () => { ${onTerm === 'exit' ? 'process.exit(0)' : ''} }); setInterval(() => {}, 1000); console.log('ready');`;
  const c = spawnChild(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'pipe'] });
  return { c, ready: firstLine(c, 'test child', 30_000, () => '', (l) => l) };
}

describe('stopChild', () => {
  it('lets a child that honours SIGTERM exit by itself', async () => {
    const { c, ready } = child('exit');
    expect(await ready).toBe('ready');
    await stopChild(c, { graceMs: 30_000 });
    expect(isRunning(c)).toBe(false);
    expect(c.exitCode).toBe(0);
  });

  it('SIGKILLs a child that ignores SIGTERM once the grace period is over', async () => {
    const { c, ready } = child('ignore');
    await ready;
    await stopChild(c, { graceMs: 50, killWaitMs: 30_000 });
    expect(c.signalCode).toBe('SIGKILL');
  });

  it('asks the way it is told (a function), and does nothing for a child already gone', async () => {
    const { c, ready } = child('ignore');
    await ready;
    await stopChild(c, { ask: (ch) => ch.kill('SIGINT'), graceMs: 30_000 });
    expect(c.signalCode).toBe('SIGINT');
    await stopChild(c);
    await kill9(c);
    expect(c.signalCode).toBe('SIGINT');
  });
});

describe('firstLine', () => {
  it('rejects naming the child when it exits before its first line', async () => {
    const c = spawnChild(process.execPath, ['-e', 'process.exit(3)'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await expect(firstLine(c, 'quitter', 30_000, () => 'it said nothing', (l) => l)).rejects.toThrow(/quitter exited with 3 before ready:\nit said nothing/);
  });
});

describe('freePort', () => {
  it('returns a bindable port number', async () => {
    const p = await freePort();
    expect(Number.isInteger(p) && p > 0 && p < 65536).toBe(true);
  });
});
