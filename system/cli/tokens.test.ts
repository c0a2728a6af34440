import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../core/random.js';
import type { CliIo } from './cli-io.js';
import { registerTokensCommand } from './tokens.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs `squall tokens ...` in-process on a fresh io; what it printed and its exit code. */
async function tokens(dir: string, ...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const r = { out: '', err: '', code: 0 };
  const io: CliIo = { out: (t) => void (r.out += t), err: (t) => void (r.err += t), now: () => Date.UTC(2026, 11, 4), isTTY: false, setExitCode: (c) => void (r.code = c), interrupted: () => new AbortController().signal };
  const program = new Command().exitOverride();
  registerTokensCommand(program, io, seededRandom(7));
  await program.parseAsync(['tokens', ...args, '--data-dir', dir], { from: 'user' });
  return r;
}

describe('squall tokens', () => {
  it('revoking an id no token has exits 4 (not found) and revokes nothing; a known id exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-tokens-'));
    dirs.push(dir);
    const made = await tokens(dir, 'create', '--name', 'ci', '--scope', 'submit');
    const id = /^sqt_([0-9a-f]{16})_/.exec(made.out)?.[1] as string;
    expect(made.code).toBe(0);
    expect(await tokens(dir, 'revoke', '0123456789abcdef')).toMatchObject({ code: 4, err: expect.stringContaining('no token with id') });
    expect((await tokens(dir, 'revoke', id)).code).toBe(0);
  });

  it('list --json prints times as ISO-8601, never epoch ms', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-tokens-'));
    dirs.push(dir);
    await tokens(dir, 'create', '--name', 'ci');
    const [t] = JSON.parse((await tokens(dir, 'list', '--json')).out) as { createdAt: unknown; revokedAt: unknown }[];
    expect(t).toMatchObject({ createdAt: '2026-12-04T00:00:00.000Z', revokedAt: null });
  });

  it('list shows the malformed entries the coordinator leaves out, marked invalid with the reason; exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-tokens-'));
    dirs.push(dir);
    await tokens(dir, 'create', '--name', 'ci');
    const file = join(dir, 'tokens.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { tokens: Record<string, unknown>[] };
    doc.tokens.push({ ...doc.tokens[0], id: 'feedfacefeedface', name: 'pasted', hash: 'ABC' }, { name: 'no id' });
    writeFileSync(file, JSON.stringify(doc));
    const table = await tokens(dir, 'list');
    expect(table.code).toBe(0);
    expect(table.err).toContain('2 malformed entries');
    const lines = table.out.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/ ci +read .* active$/);
    expect(lines[2]).toMatch(/^feedfacefeedface +- +- +- +invalid \(entry 1\): hash: a SHA-256 hash is 64 lowercase hex digits$/);
    expect(lines[3]).toMatch(/^\(entry 2\) +- +- +- +invalid \(entry 2\): id: /);
    const json = await tokens(dir, 'list', '--json');
    const views = JSON.parse(json.out) as Record<string, unknown>[];
    expect([json.code, views.length, views[0]?.name]).toEqual([0, 3, 'ci']);
    expect(views.slice(1)).toEqual([
      { id: 'feedfacefeedface', entry: 1, invalid: 'hash: a SHA-256 hash is 64 lowercase hex digits' },
      { id: null, entry: 2, invalid: expect.stringMatching(/^id: /) },
    ]);
  });
});
