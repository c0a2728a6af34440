/**
 * Blind set 15's operator paths as broken variants: the scenarios pass on
 * the real system at seed 1 and fail naming the promise with the defect
 * planted. Promise 31 (cli): a `squall submit` that leaves --priority out
 * of its request (set 15 #20) is caught by promises-cli-options.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as ApiClient from '../../system/cli/api-client.js';
import { simVerdict } from './broken/verdict.js';

/** #20: the submit body built without the priority, switched on per test. */
const dropPriority = vi.hoisted(() => ({ on: false }));
vi.mock('../../system/cli/api-client.js', async (importOriginal) => {
  const real = await importOriginal<typeof ApiClient>();
  const apiJson: typeof real.apiJson = (t, method, path, what, body) => {
    if (!dropPriority.on || method !== 'POST' || path !== '/api/v1/executions' || body === null || typeof body !== 'object') return real.apiJson(t, method, path, what, body);
    const { priority: _dropped, ...rest } = body as Record<string, unknown>;
    return real.apiJson(t, method, path, what, rest);
  };
  return { ...real, apiJson };
});

describe('31 cli: every submit option reaches the wire (set 15 #20)', () => {
  it('cli-edges passes on the real CLI at seed 1; a submit dropping --priority is reported under cli only', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/cli-edges.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    dropPriority.on = true;
    try {
      const v = await simVerdict(scenario);
      expect(v.promises).toEqual(['cli']);
      expect(v.text).toMatch(/squall submit --kind sleep --params \{"durationMs":400\} --priority high \(t=750\): sent POST \/api\/v1\/executions at t=750 with \{"kind":"sleep","params":\{"durationMs":400\}\}, but its command line asks for \{.*"priority":"high"\}: every submit option given reaches the request/);
      expect(v.text).toMatch(/--priority critical --timeout-ms 5000 .* \(t=900\): sent POST/);
    } finally {
      dropPriority.on = false;
    }
  });
});
