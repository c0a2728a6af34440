/**
 * Frames on a replaced connection (issue 10): scenarios/replaced-connection.yaml
 * restarts a worker while its last frames are held up in the network, so they
 * arrive on its old connection after the new incarnation's connection
 * replaced it (4409). The real coordinator fences the old connection; one
 * whose replaceBy closes it but leaves it registered acts on those frames
 * under the dead incarnation's session, and promise 11 (delivery) says so.
 * The same file leaves w1 twice in a row without a session (a partition, then
 * its upstream dying as it comes back), so its sync is unacknowledged when
 * the next session begins: a worker that re-sends that stale report there is
 * caught under promise 11 too (blind set-5 25). And w1 disconnects more
 * than once: a registry that keeps the time of its first disconnect
 * declares it lost moments after a later one (blind set 11 #15, liveness).
 */
import { describe, expect, it } from 'vitest';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { withBrokenReplace, withFirstDisconnectKept } from './broken/connection-variants.js';
import { keepStaleSync } from './broken/protocol-variants.js';

async function run(wiring?: SimWiring) {
  const scenario = await loadScenario('scenarios/replaced-connection.yaml');
  const r = await runChecked(scenario, { seed: 1, ...(wiring === undefined ? {} : { wiring }) });
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

  it('delivery: a worker whose new session re-sends an earlier session\'s unacknowledged sync', async () => {
    const { r, promises, text } = await run({ onWorker: keepStaleSync });
    expect(r.passed).toBe(false);
    expect(promises, text).toContain('delivery');
    expect(text).toMatch(/w1 re-sent a sync report as seq \d+ in session \S+ at t=\d+ that it never sent in that session: a stale report from session \S+/);
  });

  it('liveness: a registry that keeps a worker\'s first disconnect time declares it lost right after a later disconnect', async () => {
    const { promises, text } = await withFirstDisconnectKept(run);
    expect(promises, text).toEqual(['liveness']);
    expect(text).toMatch(/w1 was declared lost \d+ ms after its latest disconnect \(t=\d+\): a worker is lost only once gone for more than leaseMs \(3000 ms\)/);
  });
});
