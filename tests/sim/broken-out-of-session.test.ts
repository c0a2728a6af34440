/**
 * Frames on a replaced connection (issue 10): scenarios/replaced-connection.yaml
 * restarts a worker while its last frames are held up in the network, so they
 * arrive on its old connection after the new incarnation's connection
 * replaced it (4409). The real coordinator fences the old connection; one
 * whose replaceBy closes it but leaves it registered acts on those frames
 * under the dead incarnation's session, and promise 11 (delivery) says so.
 */
import { describe, expect, it } from 'vitest';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import { withBrokenReplace } from './broken/connection-variants.js';

async function run() {
  const scenario = await loadScenario('scenarios/replaced-connection.yaml');
  const r = await runChecked(scenario, { seed: 1 });
  return { r, promises: [...new Set(r.violations.map((v) => v.promise.name))], text: r.violations.map(formatViolation).join('\n') };
}

describe('frames arriving on a replaced connection', () => {
  it('replaced-connection passes on the real system and replaces a connection', async () => {
    const { r, text } = await run();
    expect(text).toBe('');
    expect(r.passed).toBe(true);
    expect(r.outcome.marks['coordinator.session-replaced']).toBeGreaterThan(0);
  });

  it('delivery: a coordinator that closes a replaced connection but still acts on its frames', async () => {
    const { r, promises, text } = await withBrokenReplace(run);
    expect(r.passed).toBe(false);
    expect(promises, text).toContain('delivery');
    expect(text).toMatch(/handed over on connection \S+ after it was replaced by \S+ at t=\d+: an out-of-session frame was acted on/);
  });
});
