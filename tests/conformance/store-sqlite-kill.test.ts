/**
 * Durability of SqliteStore against kill -9: a child process acknowledges
 * writes (prints them only after their promise resolved), is SIGKILLed mid
 * stream, and every acknowledged write must be in the reopened database.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../system/store/sqlite-store.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const fixture = join(here, 'fixtures', 'sqlite-writer.ts');

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** Runs the writer until it acknowledged `wanted` submits, then SIGKILLs it; returns every acked line. */
function runAndKill(dataDir: string, wanted: number, thread: boolean): Promise<{ lines: string[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir, String(thread)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    let stderr = '';
    const lines: string[] = [];
    let submits = 0;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? ''; // a partial last line is not an ack
      for (const line of parts) {
        lines.push(line);
        if (line.startsWith('sub ') && ++submits === wanted) child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // Never leave a writer running behind a failed test.
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL' || submits < wanted) {
        reject(new Error(`writer ended after ${submits} acks (signal ${signal}) instead of being killed: ${stderr}`));
      } else {
        resolve({ lines, signal });
      }
    });
  });
}

describe.each([{ thread: false }, { thread: true }])('SqliteStore (thread: $thread)', ({ thread }) => {
  it('loses no acknowledged submit, checkpoint or status change when the process is killed with SIGKILL', async () => {
    dir = mkdtempSync(join(tmpdir(), 'squall-kill-'));
    const { lines } = await runAndKill(dir, 200, thread);
    const acked = lines.filter((l) => l.startsWith('sub ')).map((l) => l.slice(4));
    const ackedCheckpoints = lines.filter((l) => l.startsWith('cp ')).map((l) => l.split(' ')[1]);
    expect(acked.length).toBeGreaterThanOrEqual(200);

    const store = SqliteStore.open(join(dir, 'squall.db'));
    try {
      const records = new Map((await store.loadAll()).map((r) => [r.executionId as string, r]));
      expect(acked.filter((id) => !records.has(id))).toEqual([]);
      expect(ackedCheckpoints.filter((id) => records.get(id ?? '')?.checkpoint?.seq !== 1)).toEqual([]);
      // Acknowledged status changes: their appended history entries included.
      const history = (id: string): string[] | undefined => records.get(id)?.statusHistory.map((e) => e.status);
      const claimed = lines.filter((l) => l.startsWith('claim ')).map((l) => l.slice(6));
      const done = lines.filter((l) => l.startsWith('done ')).map((l) => l.slice(5));
      expect(done.length).toBeGreaterThan(0);
      expect(claimed.filter((id) => history(id)?.[1] !== 'preparing')).toEqual([]);
      expect(done.filter((id) => records.get(id)?.status !== 'completed' || history(id)?.join() !== 'scheduled,preparing,running,completed')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
