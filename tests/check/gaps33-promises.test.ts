/**
 * Synthetic histories for session 33's harness gaps:
 * - 8 auth: the heartbeat flags given alone past the adaptive ceiling's
 *   default start, the timeout their floor and the ceiling not below it
 *   (deploy-probe-defaults.ts slowHeartbeats; blind set 17 #12 refused them);
 * - 35 hygiene: the engine's maps keyed by lease token (lost and unconfirmed
 *   leases), each token resolved to its execution, hold no lease of an
 *   ended execution nor a token no event names (promises-held.ts);
 * - 29 api-contract: a 409 idempotency conflict names a field in which the
 *   key's two tasks differ (promises-conflict-field.ts); a dashboard read
 *   the browser could not read (status 0, probeCall) is one violation, not
 *   a crash and not a list of missing headers (promises-ui-reads.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { cliDefaultResults } from '../../harness/scenario/deploy-probe-defaults.js';
import type { CliDeployResult } from '../../harness/scenario/deploy-probe-cli.js';
import { H, baseContext } from './builder.js';

const messages = (h: H): string[] => checkHistory(h.history(), ['auth'], baseContext).map((v) => v.message);

function probed(rows: readonly CliDeployResult[]): H {
  const h = new H().at(10);
  for (const r of rows) h.rec.recordInfo({ deployProbe: { ...r } }, 'deploy-probe');
  return h;
}

describe('8 auth: slow heartbeats with no ceiling flag start (set 17 #12)', () => {
  it('passes the rows the real commands give, on both sides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-gaps33-'));
    try {
      writeFileSync(join(dir, 'secret'), 'probe-secret-probe-secret-probe-secret', { mode: 0o600 });
      const rows = cliDefaultResults(join(dir, 'secret')).filter((r) => r.role.endsWith('-flags'));
      expect(rows.map((r) => r.role)).toEqual(['coordinator-flags', 'worker-flags', 'coordinator-flags', 'worker-flags']);
      expect(messages(probed(rows))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a start refused over a ceiling the operator never gave, and a ceiling below the floor', () => {
    const expect_ = JSON.stringify({ starts: true, floor: 90_000, ceilingAtLeastFloor: true });
    const rows: CliDeployResult[] = [
      { role: 'coordinator-flags', what: 'squall coordinator --heartbeat-ms 30000 --heartbeat-timeout-ms 90000', expect: expect_, outcome: JSON.stringify('refused: heartbeatTimeoutMaxMs (60000) must be >= heartbeatTimeoutMs (90000)') },
      { role: 'worker-flags', what: 'squall worker --heartbeat-ms 30000 --heartbeat-timeout-ms 90000', expect: expect_, outcome: JSON.stringify({ starts: true, floor: 90_000, ceilingAtLeastFloor: false }) },
    ];
    expect(messages(probed(rows))).toEqual([
      expect.stringMatching(/^coordinator-flags "squall coordinator --heartbeat-ms 30000 --heartbeat-timeout-ms 90000": "refused: heartbeatTimeoutMaxMs \(60000\) must be >= heartbeatTimeoutMs \(90000\)", but the README documents/),
      expect.stringMatching(/^worker-flags .*"ceilingAtLeastFloor":false}, but the README documents .*"ceilingAtLeastFloor":true}/),
    ]);
  });
});

describe('35 hygiene: memory kept per lease is bounded by its execution\'s life', () => {
  const held = (entries: object[], counts: Record<string, number>): H => {
    const h = new H();
    h.at(5000).rec.recordInfo({ heldMemory: { counts: { 'engine.lostLeases': 0, 'engine.unconfirmed': 0, ...counts }, entries } });
    return h;
  };
  const hygiene = (h: H): string[] => checkHistory(h.history(), ['hygiene'], baseContext).map((v) => v.message);

  it('passes lease maps holding only leases of work under way (none noted)', () => {
    expect(hygiene(held([], { 'engine.unconfirmed': 1 }))).toEqual([]);
  });

  it('reports a lost lease kept after its execution completed, and a token no event names, once per map', () => {
    const entries = [
      { map: 'engine.lostLeases', role: 'work', id: 'ex_a', status: 'completed', token: 'lt_1' },
      { map: 'engine.lostLeases', role: 'work', id: 'ex_b', status: 'failed', token: 'lt_2' },
      { map: 'engine.unconfirmed', role: 'work', id: 'lt_9', status: null, token: 'lt_9' },
    ];
    expect(hygiene(held(entries, { 'engine.lostLeases': 2, 'engine.unconfirmed': 1 }))).toEqual([
      'at the final read (t=5000) engine.lostLeases (2 entries) still holds lease lt_1 of ex_a, an execution that ended completed: memory for work under way is released when the work ends, whatever its terminal status, else it grows with the work done',
      expect.stringMatching(/^at the final read \(t=5000\) engine\.unconfirmed \(1 entries\) still holds lease lt_9 of no execution the history names, an execution the engine no longer knows/),
    ]);
  });
});

describe('29 api-contract: the 409 conflict names the differing field', () => {
  const keyed = (h: H, task: Record<string, unknown>, key = 'k-params-1'): number =>
    h.rec.recordInvoke({ ref: 'r', kind: 'echo', tasks: [{ kind: 'echo', ...task }], intent: [{ priority: 'medium', idempotencyKey: key }] });
  const conflict = (field: string, key = 'k-params-1'): { code: string; message: string } => ({
    code: 'conflict',
    message: `idempotencyKey ${JSON.stringify(key)} is already used by execution a with a different ${field}; use a new key for a different spec`,
  });
  const contract = (h: H): string[] => checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message).filter((m) => m.includes('409 conflict'));

  it('passes a conflict naming the field that differs (a key holding a field name does not count)', () => {
    const h = new H().phase('faults');
    h.rec.recordOk(keyed(h, { params: { value: { a: 1 } } }), { executionIds: ['a'] });
    h.rec.recordFail(keyed(h, { params: { value: { a: 2 } } }), conflict('params'));
    h.rec.recordFail(keyed(h, { params: { value: { a: 1 } }, timeoutMs: 500 }), conflict('timeoutMs'));
    expect(contract(h)).toEqual([]);
  });

  it('reports a conflict naming a field in which the tasks agree, or none', () => {
    const h = new H().phase('faults');
    h.rec.recordOk(keyed(h, { params: { value: { a: 1 } } }, 'k-1'), { executionIds: ['a'] });
    h.rec.recordFail(keyed(h, { params: { value: { a: 2 } } }, 'k-1'), conflict('priority', 'k-1'));
    h.rec.recordFail(keyed(h, { params: { value: { a: 3 } } }, 'k-1'), { code: 'conflict', message: 'idempotency key reused' });
    expect(contract(h)).toEqual([
      expect.stringMatching(/^the 409 conflict at t=\d+ for idempotency key "k-1" names priority, in which the two agree .*\(here: params\)$/),
      expect.stringMatching(/^the 409 conflict at t=\d+ for idempotency key "k-1" names no field of the spec/),
    ]);
  });
});

describe('29 api-contract: a dashboard answer the browser could not read', () => {
  it('is one violation naming the client error, with no header noise', () => {
    const h = new H().at(100);
    h.rec.recordInfo({ uiPages: [{ method: 'GET', path: '/ui/assets/client.js', expect: 'js', status: 0, code: 'HPE_INVALID_CONSTANT', headers: {} }] });
    const ui = checkHistory(h.at(200).phase('end').history(), ['api-contract'], baseContext).map((v) => v.message).filter((m) => m.includes('(dashboard,'));
    expect(ui).toEqual(['GET /ui/assets/client.js (dashboard, t=100) got no answer the browser could read (HPE_INVALID_CONSTANT), documented 200']);
  });
});
