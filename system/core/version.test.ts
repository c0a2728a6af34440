import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SQUALL_VERSION } from './version.js';

describe('SQUALL_VERSION', () => {
  it('is the version in package.json (bump both together)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(SQUALL_VERSION).toBe(pkg.version);
  });
});
