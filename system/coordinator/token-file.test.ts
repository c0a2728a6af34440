import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../core/random.js';
import { createToken, verifyToken } from './tokens.js';
import { fileTokenStore, TOKEN_FILE_NAME } from './token-file.js';

describe('token file', () => {
  it('survives a restart (a new reader), is private (0600), and sees another writer\'s changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-tokfile-'));
    const a = fileTokenStore(dir);
    const { token, record } = createToken(seededRandom(3), 'ci', 'read', 1);
    a.add(record);
    expect(statSync(join(dir, TOKEN_FILE_NAME)).mode & 0o777).toBe(0o600);
    const b = fileTokenStore(dir);
    expect(verifyToken(b, token).ok).toBe(true);
    expect(b.revoke(record.id, 2)).toBe(true);
    expect(verifyToken(a, token)).toMatchObject({ ok: false, code: 'token_revoked' });
    expect(b.revoke('0000000000000000', 3)).toBe(false);
  });

  it('a damaged file is an error naming the file and the field, never "no tokens"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-tokfile-'));
    writeFileSync(join(dir, TOKEN_FILE_NAME), '{"version":1,"tokens":[{"id":"zz"}]}');
    expect(() => fileTokenStore(dir).list()).toThrow(/tokens\.json is malformed: .* at "tokens\.0\.id"/);
    writeFileSync(join(dir, TOKEN_FILE_NAME), '{not json');
    expect(() => fileTokenStore(dir).find('x')).toThrow(/not valid JSON/);
  });
});
