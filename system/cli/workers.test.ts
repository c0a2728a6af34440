/**
 * `squall workers` over a scripted exchange (CliIo.http): on a degraded
 * fleet its table shows each worker's state (draining named) and its
 * summary counts only the connected ones.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliHttp } from './cli-http.js';
import type { CliIo } from './cli-io.js';
import { registerWorkersCommand } from './workers.js';

const worker = (id: string, state: string, draining = false) => ({ id, state, draining, reconnects: 0, connectedAt: 0, disconnectedAt: state === 'connected' ? null : 500, lastSeenAt: 400, running: 0, concurrency: 2, kinds: ['sleep'], rttMs: null, sessionId: null });

describe('squall workers', () => {
  it('counts only connected workers in its summary, and names a draining one', async () => {
    const workers = [worker('w1', 'connected', true), worker('w2', 'disconnected'), worker('w3', 'disconnected'), worker('w4', 'lost')];
    const http: CliHttp = { request: () => Promise.resolve({ status: 200, body: JSON.stringify({ workers }) }), stream: () => Promise.resolve() };
    let out = '';
    const io: CliIo = { out: (t) => void (out += t), err: () => {}, now: () => 1000, isTTY: true, setExitCode: () => {}, interrupted: () => new AbortController().signal, http };
    const program = new Command().exitOverride();
    registerWorkersCommand(program, io);
    await program.parseAsync(['workers', '--url', 'http://c'], { from: 'user' });
    expect(out).toMatch(/^w1 +connected \(draining\) /m);
    expect(out).toMatch(/^w4 +lost /m);
    expect(out.trim().split('\n').at(-1)).toBe('4 worker(s), 1 connected');
  });
});
