import { describe, expect, it } from 'vitest';
import { logsPretty } from './logger.js';

describe('logsPretty', () => {
  it('is pretty on a terminal only: a pipe or a file (isTTY absent, as node leaves it) gets JSON lines', () => {
    expect(logsPretty({}, { isTTY: true })).toBe(true);
    expect(logsPretty({}, {})).toBe(false);
    expect(logsPretty({ pretty: true }, {})).toBe(true);
    expect(logsPretty({ pretty: false }, { isTTY: true })).toBe(false);
  });
});
