import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { coordinatorNodeFlags } from '../../benchmarks/lib/node-flags.js';

const child = fileURLToPath(new URL('./fixtures/reexec-child.ts', import.meta.url));

function run(args: string[]): { status: number | null; execArgv: string[] } {
  const out = spawnSync(process.execPath, ['--import', 'tsx', child, ...args], { encoding: 'utf8' });
  const line = out.stdout.trim().split('\n').at(-1) ?? '{}';
  return { status: out.status, execArgv: (JSON.parse(line) as { execArgv?: string[] }).execArgv ?? [] };
}

describe('bench --coordinator-node-flags', () => {
  it('splits the flags and refuses a value that is not node flags', () => {
    expect(coordinatorNodeFlags(['node', 's', '--coordinator-node-flags', '--max-semi-space-size=32 --trace-gc'])).toEqual(['--max-semi-space-size=32', '--trace-gc']);
    expect(coordinatorNodeFlags(['node', 's', '--tasks', '10'])).toEqual([]);
    expect(() => coordinatorNodeFlags(['node', 's', '--coordinator-node-flags'])).toThrow(/needs node flags/);
    expect(() => coordinatorNodeFlags(['node', 's', '--coordinator-node-flags', '32'])).toThrow(/needs node flags/);
  });

  it('runs the script once more under the flags, once, and passes its exit code on', () => {
    const withFlags = run(['--coordinator-node-flags', '--max-semi-space-size=64']);
    expect(withFlags.execArgv.filter((a) => a === '--max-semi-space-size=64')).toHaveLength(1);
    expect(withFlags.status).toBe(3);
    const without = run([]);
    expect(without.execArgv).not.toContain('--max-semi-space-size=64');
    expect(without.status).toBe(3);
  });
});
