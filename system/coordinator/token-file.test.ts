import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

  it('a damaged file is an error naming the file, never "no tokens"; a damaged entry is left out, named at each load, kept on a rewrite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-tokfile-'));
    writeFileSync(join(dir, TOKEN_FILE_NAME), '{"version":1,"tokens":{}}');
    expect(() => fileTokenStore(dir).list()).toThrow(/tokens\.json is malformed: .* at "tokens"/);
    writeFileSync(join(dir, TOKEN_FILE_NAME), '{not json');
    expect(() => fileTokenStore(dir).find('x')).toThrow(/not valid JSON/);
    const good = createToken(seededRandom(4), 'ci', 'read', 1);
    const bad = createToken(seededRandom(5), 'old', 'admin', 1);
    const entries = [good.record, { ...bad.record, hash: bad.record.hash.slice(0, 40) }, { id: 'zz' }];
    writeFileSync(join(dir, TOKEN_FILE_NAME), JSON.stringify({ version: 1, tokens: entries }));
    const reports: unknown[] = [];
    const store = fileTokenStore(dir, (_path, b) => reports.push(b));
    expect(verifyToken(store, good.token).ok).toBe(true);
    expect(verifyToken(store, bad.token)).toMatchObject({ ok: false, code: 'invalid_token' });
    expect(reports).toEqual([
      { index: 1, id: bad.record.id, problem: 'hash: a SHA-256 hash is 64 lowercase hex digits' },
      { index: 2, id: 'zz', problem: expect.stringMatching(/^id: /) as unknown },
    ]);
    expect(store.revoke(good.record.id, 2)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, TOKEN_FILE_NAME), 'utf8'))).toMatchObject({ tokens: [{ id: good.record.id, revokedAt: 2 }, entries[1], entries[2]] });
  });
});
