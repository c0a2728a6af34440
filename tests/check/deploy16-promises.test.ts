/**
 * Promise 8 (auth) over the deployment probes of the processes as the CLI
 * configures them (harness/scenario/deploy-probe-cli.ts): an outcome other
 * than the documented one is reported, the documented one passes.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const messages = (h: H): string[] => checkHistory(h.history(), ['auth'], baseContext).map((v) => v.message);

function probe(role: string, what: string, expect: string, outcome: string, why?: string): H {
  const h = new H().at(10);
  h.rec.recordInfo({ deployProbe: { role, what, expect, outcome, ...(why === undefined ? {} : { why }) } }, 'deploy-probe');
  return h;
}

describe('8 auth: processes as the CLI configures them', () => {
  it('passes each documented outcome', () => {
    expect(messages(probe('coordinator-cli', '--secret-file F: frames after registration', 'signed', 'signed'))).toEqual([]);
    expect(messages(probe('coordinator-files', 'tokens.json (token hashes) mode', '0600', '0600'))).toEqual([]);
    expect(messages(probe('coordinator-data-dir', 'a second coordinator on the same --data-dir while the first runs', 'refused', 'refused', 'in use by another process'))).toEqual([]);
    expect(messages(probe('worker', 'maxAttempts 3', '3 attempts, gave up', '3 attempts, gave up'))).toEqual([]);
  });

  it('reports an undocumented outcome with what the README documents', () => {
    expect(messages(probe('coordinator-cli', '--secret-file F: frames after registration', 'signed', 'crc-only'))).toEqual([expect.stringMatching(/coordinator-cli "--secret-file F: frames after registration": crc-only, but the README documents signed/)]);
    expect(messages(probe('coordinator-files', 'tokens.json (token hashes) mode', '0600', '0644'))).toEqual([expect.stringMatching(/0644, but the README documents 0600/)]);
    expect(messages(probe('worker', 'maxAttempts 3', '3 attempts, gave up', '4 attempts, gave up'))).toEqual([expect.stringMatching(/"maxAttempts 3": 4 attempts, gave up, but the README documents 3 attempts, gave up/)]);
    expect(messages(probe('coordinator-data-dir', 'a second coordinator on the same --data-dir while the first runs', 'refused', 'started'))).toEqual([expect.stringMatching(/the first runs" was refused|the first runs" started: the README forbids it/)]);
  });
});
