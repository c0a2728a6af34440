import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { durationOption } from './coordinator-store.js';
import { securityConfig } from './coordinator-security.js';
import { intOption, numberOption, resolveSecret, resolveSecretFrom } from './options.js';
import { workerConfigFromFlags, type WorkerFlags } from './worker.js';
import { silentLogger } from '../core/logger.js';

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

  it("the secret's environment sources are read from the env given (a probe's own), never the process's behind it", () => {
    process.env.SQUALL_SECRET_FILE = '/nonexistent/secret';
    try {
      expect(resolveSecret(undefined, undefined, { SQUALL_SECRET: 'from-given-env' })).toBe('from-given-env');
      expect(resolveSecret(undefined, undefined, {})).toBeUndefined();
      expect(securityConfig({ apiAuth: 'none', metricsAuth: 'none' } as Parameters<typeof securityConfig>[0], undefined, silentLogger, {}).secret).toBeUndefined();
      expect(workerConfigFromFlags({ id: 'w', coordinator: 'ws://127.0.0.1:1' } as WorkerFlags, { SQUALL_SECRET: 's' }).secret).toBe('s');
      expect(() => resolveSecret(undefined, undefined)).toThrow(/\$SQUALL_SECRET_FILE \/nonexistent\/secret: cannot read it/);
    } finally {
      delete process.env.SQUALL_SECRET_FILE;
    }
  });

  it('an empty or missing file is an error naming the flag and the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-opts-'));
    writeFileSync(join(dir, 'empty'), '\n');
    expect(() => resolveSecretFrom(src({ file: join(dir, 'empty') }))).toThrow(/--secret-file .*empty is empty/);
    expect(() => resolveSecretFrom(src({ file: join(dir, 'nope') }))).toThrow(/--secret-file .*nope: cannot read it \(ENOENT\)/);
  });
});

describe('numeric flags take plain decimal digits only (session 34)', () => {
  it('intOption refuses exponents, hex, signs, blanks, fractions and the empty string, naming the flag and the value', () => {
    const port = intOption('--port', 0, 65535);
    for (const v of ['1e3', '0x10', '+5', ' 5', '5 ', '5.0', '', '0b1', '1_000', '١٢']) expect(() => port(v), v).toThrow(`--port takes plain decimal digits (an integer between 0 and 65535), got "${v}"`);
    expect(port('0')).toBe(0);
    expect(port('007')).toBe(7);
    expect(() => port('65536')).toThrow('--port must be an integer between 0 and 65535, got "65536"');
  });

  it('numberOption takes digits with an optional fraction; durations take digits and one unit, no blanks', () => {
    const k = numberOption('--rtt-factor', 1, 100);
    for (const v of ['1e1', '0x10', 'Infinity', ' 2', '.5', '2.', '+2']) expect(() => k(v), v).toThrow(`--rtt-factor takes a plain decimal number like 2 or 2.5 (a number between 1 and 100), got "${v}"`);
    expect(k('2.5')).toBe(2.5);
    const d = durationOption('--retain-age');
    for (const v of [' 7d', '7d ', '1e3', '7 d', '7D', '0x10s']) expect(() => d(v), v).toThrow(`--retain-age must be a positive duration like 500ms, 30s, 15m, 12h or 7d, got "${v}"`);
    expect(d('7d')).toBe(7 * 86_400_000);
  });
});
