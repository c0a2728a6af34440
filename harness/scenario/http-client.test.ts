import { describe, expect, it } from 'vitest';
import { terminalEntries } from './http-client.js';

describe('terminalEntries', () => {
  it('does not count a failed attempt that was retried', () => {
    const h = [{ status: 'scheduled' }, { status: 'running' }, { status: 'failed' }, { status: 'retrying' }, { status: 'running' }, { status: 'completed' }];
    expect(terminalEntries(h).map((x) => x.status)).toEqual(['completed']);
  });
  it('counts every end of an execution that ended twice', () => {
    const h = [{ status: 'running' }, { status: 'completed' }, { status: 'running' }, { status: 'completed' }];
    expect(terminalEntries(h)).toHaveLength(2);
  });
});
