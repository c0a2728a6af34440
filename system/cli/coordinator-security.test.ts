/**
 * The production wiring of the token file's bad-entry report: the store
 * `securityConfig` gives `squall coordinator` warns through the coordinator's
 * logger for each malformed entry, with the file, the entry's position, its
 * id and the problem, while the good entries keep working (the simulation
 * builds its own store, so only the store's report is judged there).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../core/logger.js';
import { securityConfig } from './coordinator-security.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function recordingLogger(): Logger & { warned: { obj: object; msg?: string }[] } {
  const warned: { obj: object; msg?: string }[] = [];
  const logger: Logger & { warned: typeof warned } = {
    warned,
    debug: () => undefined,
    info: () => undefined,
    warn: (obj, msg) => void warned.push({ obj, ...(msg === undefined ? {} : { msg }) }),
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

const GOOD = { id: '0123456789abcdef', name: 'ci', scope: 'read', hash: 'a'.repeat(64), createdAt: 1 };

describe('securityConfig: the token file behind squall coordinator', () => {
  it('warns through the logger for each malformed entry, and still serves the good ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-security-'));
    dirs.push(dir);
    const file = join(dir, 'tokens.json');
    writeFileSync(file, JSON.stringify({ version: 1, tokens: [GOOD, { ...GOOD, id: 'feedfacefeedface', hash: 'ABC' }, { name: 'no id' }] }));
    const logger = recordingLogger();
    const { tokens } = securityConfig({ apiAuth: 'token', metricsAuth: 'none' }, dir, logger);
    expect(tokens?.find(GOOD.id)?.name).toBe('ci');
    expect(tokens?.find('feedfacefeedface')).toBeUndefined();
    const malformed = logger.warned.filter((w) => w.msg === 'token file entry malformed: left out, its token is refused');
    expect(malformed.map((w) => w.obj)).toEqual([
      { file, entry: 1, tokenId: 'feedfacefeedface', problem: 'hash: a SHA-256 hash is 64 lowercase hex digits' },
      { file, entry: 2, problem: expect.stringMatching(/^id: /) },
    ]);
  });

  it('warns nothing for a good file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-security-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ version: 1, tokens: [GOOD] }));
    const logger = recordingLogger();
    const { tokens } = securityConfig({ apiAuth: 'token', metricsAuth: 'none' }, dir, logger);
    expect(tokens?.list()).toHaveLength(1);
    expect(logger.warned.filter((w) => w.msg?.includes('token file'))).toEqual([]);
  });
});
