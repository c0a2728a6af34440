import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../system/cli/testing.js';
import { benchReconnectCommand } from './bench-reconnect-cli.js';

/** `bench reconnect ARGV` parsed up to its action (which only records that it ran, and the flags). */
async function bench(argv: string[]): Promise<{ ran: boolean; exitCode?: number; err: string; flags?: Record<string, unknown> }> {
  let flags: Record<string, unknown> | undefined;
  const r = await parseCommand((cmd: Command, action) => benchReconnectCommand(cmd, (f) => { flags = f as unknown as Record<string, unknown>; action(); }), argv);
  return { ...r, ...(flags === undefined ? {} : { flags }) };
}

describe('squall bench reconnect reads its numbers strictly, as every command does', () => {
  it('--multiplier takes a plain decimal number >= 1: 1.5 and 2 pass; "", 1e1, 0x2, -2, 0.5, " 2", NaN are refused naming the flag', async () => {
    expect((await bench(['--multiplier', '1.5'])).flags).toMatchObject({ multiplier: 1.5 });
    expect((await bench(['--multiplier', '2'])).flags).toMatchObject({ multiplier: 2 });
    for (const v of ['', '1e1', '0x2', '-2', '0.5', ' 2', 'NaN', 'Infinity']) {
      const r = await bench(['--multiplier', v]);
      expect(r.ran, `--multiplier "${v}"`).toBe(false);
      expect(r.err, `--multiplier "${v}"`).toMatch(/--multiplier/);
    }
  });

  it('the integer flags and the fleet list take plain decimal digits: 1e3, " 5", "", 1.5 and an empty list entry are refused', async () => {
    expect((await bench(['--initial-ms', '100', '--max-ms', '2000', '--down-ms', '0', '--cuts', '3', '--fleets', '1,50', '--tasks-per-worker', '0'])).flags).toMatchObject({ initialMs: 100, maxMs: 2000, downMs: 0, cuts: 3, fleets: [1, 50], tasksPerWorker: 0 });
    for (const argv of [['--initial-ms', '1e3'], ['--max-ms', ' 500'], ['--down-ms', ''], ['--cuts', '1.5'], ['--cuts', '0'], ['--fleets', '1,,50'], ['--fleets', '1, 50'], ['--max-pending-handshakes', '0x10'], ['--tasks-per-worker', '-1']]) {
      const r = await bench(argv);
      expect(r.ran, argv.join(' ')).toBe(false);
      expect(r.err, argv.join(' ')).toMatch(new RegExp(argv[0] as string));
    }
  });

  it('--outage is one of cut, restart (not a list read to its first item); a list flag must name something', async () => {
    expect((await bench(['--outage', 'restart'])).flags).toMatchObject({ outage: 'restart' });
    expect((await bench(['--outage', 'cut,restart'])).err).toMatch(/--outage must be one of cut, restart/);
    expect((await bench(['--strategies', ','])).err).toMatch(/--strategies takes at least one of/);
  });
});

describe('squall bench reconnect refuses flags with no effect (exit 2)', () => {
  it('--report-dir with --no-report', async () => {
    expect(await bench(['--report-dir', 'out', '--no-report'])).toMatchObject({ ran: false, exitCode: 2, err: expect.stringMatching(/--report-dir has no effect with --no-report/) as unknown as string });
    expect((await bench(['--report-dir', 'out'])).ran).toBe(true);
    expect((await bench(['--no-report'])).ran).toBe(true);
  });

  it('--max-ms and --multiplier with --strategies none only (every delay is --initial-ms)', async () => {
    expect((await bench(['--strategies', 'none', '--max-ms', '2000', '--multiplier', '3'])).err).toMatch(/--max-ms and --multiplier have no effect with --strategies none/);
    expect((await bench(['--strategies', 'none', '--initial-ms', '200'])).ran).toBe(true);
    expect((await bench(['--strategies', 'none,full-jitter', '--multiplier', '3'])).ran).toBe(true);
  });

  it('--conditions flapping with --outage restart (the link flaps only while the proxy cuts it)', async () => {
    expect((await bench(['--conditions', 'clean,flapping', '--outage', 'restart'])).err).toMatch(/--conditions flapping has no effect with --outage restart/);
    expect((await bench(['--conditions', 'flapping'])).ran).toBe(true);
    expect((await bench(['--conditions', 'clean', '--outage', 'restart'])).ran).toBe(true);
  });

  it('a cap below the initial delay is refused before anything starts, the cap\'s default too', async () => {
    expect(await bench(['--initial-ms', '500', '--max-ms', '100'])).toMatchObject({ ran: false, exitCode: 2, err: expect.stringMatching(/--max-ms \(100\) must be >= --initial-ms \(500\)/) as unknown as string });
    expect((await bench(['--initial-ms', '5000'])).ran).toBe(true);
  });
});
