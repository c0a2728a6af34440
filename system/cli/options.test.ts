import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveSecretFrom } from './options.js';

const src = (o: { flag?: string; file?: string }) => ({ flag: o.flag, file: o.file, env: 'SQ_TEST_SECRET', envFile: 'SQ_TEST_SECRET_FILE', flagName: '--secret', fileFlagName: '--secret-file' });

describe('secret sources', () => {
  afterEach(() => {
    delete process.env.SQ_TEST_SECRET;
    delete process.env.SQ_TEST_SECRET_FILE;
  });

  it('file first, then the flag (with a warning that ps shows it), then $X_FILE, then $X', () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-opts-'));
    writeFileSync(join(dir, 's'), '  from-file\n');
    writeFileSync(join(dir, 'e'), 'from-env-file\n');
    const warnings: string[] = [];
    const warn = (m: string): void => void warnings.push(m);
    process.env.SQ_TEST_SECRET = 'from-env';
    expect(resolveSecretFrom(src({ file: join(dir, 's'), flag: 'x' }), warn)).toBe('from-file');
    expect(warnings).toEqual([]);
    expect(resolveSecretFrom(src({ flag: 'from-flag' }), warn)).toBe('from-flag');
    expect(warnings[0]).toMatch(/visible to other users.*--secret-file/);
    process.env.SQ_TEST_SECRET_FILE = join(dir, 'e');
    expect(resolveSecretFrom(src({}), warn)).toBe('from-env-file');
    delete process.env.SQ_TEST_SECRET_FILE;
    expect(resolveSecretFrom(src({}), warn)).toBe('from-env');
    delete process.env.SQ_TEST_SECRET;
    expect(resolveSecretFrom(src({}), warn)).toBeUndefined();
  });

  it('an empty or missing file is an error naming the flag and the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-opts-'));
    writeFileSync(join(dir, 'empty'), '\n');
    expect(() => resolveSecretFrom(src({ file: join(dir, 'empty') }))).toThrow(/--secret-file .*empty is empty/);
    expect(() => resolveSecretFrom(src({ file: join(dir, 'nope') }))).toThrow(/--secret-file .*nope: cannot read it \(ENOENT\)/);
  });
});
