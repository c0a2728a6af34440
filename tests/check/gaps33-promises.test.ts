/**
 * Synthetic histories for session 33's harness gaps:
 * - 8 auth: the heartbeat flags given alone past the adaptive ceiling's
 *   default start, the timeout their floor and the ceiling not below it
 *   (deploy-probe-defaults.ts slowHeartbeats; blind set 17 #12 refused them).
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
