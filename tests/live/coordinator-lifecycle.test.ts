/**
 * Live: `squall coordinator` on the real SQLite store, started and stopped as
 * an operator does (SIGTERM), on a fresh and on a populated data dir. Each
 * life must start (the store's load, before the listener opens, runs with
 * nothing else holding Node's event loop: the SQLite thread's outstanding
 * request must keep the process alive) and stop cleanly: exit 0, the
 * "closed" line logged once the whole stop ended (the store's close, its
 * WAL checkpointed), and no `squall.db-wal` / `-shm` left beside the database
 * (SQLite removes them when the last connection closes cleanly). Blind set 21
 * #19: the thread not ref'd while a request was outstanding, so Node quit
 * with the load in flight (exit 13) or the close in flight (WAL left).
 * The simulation cannot see this: its SQLite thread is simulated
 * (harness/sim/sim-sqlite-thread.ts), with no event loop to empty.
 */
import { type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT, spawnChild, stopChild, tailBuffer, waitExit } from '../../harness/proc/index.js';

const SQUALL = resolve(REPO_ROOT, 'bin/squall.js');

/** One life: started, listening (or exited before), stopped with SIGTERM; its exit code and log messages. */
interface Life {
  code: number | null;
  listening: boolean;
  messages: string[];
}

function messagesOf(text: string): string[] {
  return text.split('\n').flatMap((l) => {
    try {
      return [String((JSON.parse(l) as { msg?: unknown }).msg)];
    } catch {
      return l.trim() === '' ? [] : [l];
    }
  });
}

/** Starts `squall coordinator` on `dataDir`, runs `during` once it listens, then SIGTERM; resolves when it exited. */
async function life(dataDir: string, tokenFile: string, during: (http: string) => Promise<void> = () => Promise.resolve()): Promise<Life> {
  const port = await freePort('127.0.0.1');
  const out = tailBuffer();
  const child: ChildProcess = spawnChild(process.execPath, [SQUALL, 'coordinator', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir, '--bootstrap-token-file', tokenFile, '--log-level', 'info'], {
    cwd: REPO_ROOT,
    env: { ...process.env, SQUALL_SECRET: '', SQUALL_SECRET_FILE: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => out.push(c));
  const listening = await new Promise<boolean>((res) => {
    const poll = setInterval(() => {
      if (out.text().includes('coordinator listening')) done(true);
    }, 20);
    const done = (v: boolean): void => {
      clearInterval(poll);
      res(v);
    };
    child.once('exit', () => done(out.text().includes('coordinator listening')));
  });
  if (listening) {
    await during(`http://127.0.0.1:${port}`);
    await stopChild(child, { ask: 'SIGTERM', graceMs: 10_000 });
  }
  await waitExit(child, 10_000);
  return { code: child.exitCode, listening, messages: messagesOf(out.text()) };
}

/** Submits `n` echo executions (no worker runs them: they stay in the store for the next life to load). */
async function submit(http: string, token: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${http}/api/v1/executions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'echo', params: { value: i } }) });
    expect(res.status).toBe(201);
  }
}

function expectClean(l: Life, dataDir: string): void {
  const story = l.messages.join('\n');
  expect(l.listening, story).toBe(true);
  expect(l.code, story).toBe(0);
  expect(l.messages.filter((m) => m.startsWith('closed')), story).toEqual(['closed: every step of the stop ended; exiting 0']);
  expect(['squall.db-wal', 'squall.db-shm'].filter((f) => existsSync(join(dataDir, f)))).toEqual([]);
}

describe('live: squall coordinator on SQLite, started and stopped with SIGTERM', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('starts and stops cleanly on a fresh data dir, then on the populated one', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'squall-live-life-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const tokenFile = join(dir, 'admin.token');
    const fresh = await life(dataDir, tokenFile, (http) => submit(http, readFileSync(tokenFile, 'utf8').trim(), 20));
    expectClean(fresh, dataDir);
    const populated = await life(dataDir, tokenFile);
    expectClean(populated, dataDir);
    expect(populated.messages).toContain('store recovered');
  });
});
