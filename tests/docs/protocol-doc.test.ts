/**
 * docs/PROTOCOL.md lists every close code the code sends: each CloseCode
 * constant, and the codes the `ws` library sends on our behalf. A new code
 * without a row fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../system/protocol/close-codes.js';

const rows = (doc: string): Set<number> => new Set([...doc.matchAll(/^\| (\d{4}) \|/gm)].map((m) => Number(m[1])));

describe('docs/PROTOCOL.md close codes', () => {
  it('has a row for every CloseCode and every code the ws library sends (1002, 1007)', () => {
    const documented = rows(readFileSync('docs/PROTOCOL.md', 'utf8'));
    const missing = [...Object.values(CloseCode), 1002, 1007].filter((c) => !documented.has(c));
    expect(missing, 'close codes sent but not documented in docs/PROTOCOL.md').toEqual([]);
  });

  it('would catch an undocumented code', () => {
    const documented = rows(readFileSync('docs/PROTOCOL.md', 'utf8'));
    expect(documented.has(4999)).toBe(false);
  });
});
