/**
 * Faults fired by protocol events (scenario `triggers`, faults-trigger.ts):
 * each trigger of scenarios/protocol-boundaries.yaml fires once, delayMs after
 * the nth matching event, and the run is the same for the same seed.
 */
import { describe, expect, it } from 'vitest';
import { runChecked } from '../../harness/scenario/run.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runScenarioSim } from '../../harness/scenario/run-sim.js';
import { triggerEvent } from '../../harness/scenario/schema-engine.js';

describe('protocol-event triggers', () => {
  it('fire once each, delayMs after the nth matching event', async () => {
    const s = await loadScenario('scenarios/protocol-boundaries.yaml');
    const o = await runScenarioSim(s, { seed: 1 });
    const starts = o.history.filter((r) => r.f === 'fault' && r.value.phase === 'start' && r.value.origin === 'trigger');
    expect(starts.map((r) => r.value.id).sort()).toEqual(s.triggers.map((_, i) => `t${i + 1}`).sort());
    s.triggers.forEach((t, i) => {
      const start = starts.find((r) => r.value.id === `t${i + 1}`);
      const { type, status } = triggerEvent(t.on.event);
      const matches = o.history.filter(
        (r) =>
          r.f === type &&
          r.type === 'info' &&
          (status === undefined || r.value.to === status) &&
          (t.on.worker === undefined || r.value.workerId === t.on.worker || r.process === t.on.worker),
      );
      const nth = matches[t.on.nth - 1];
      expect(nth, `trigger t${i + 1}: its event happened`).toBeDefined();
      expect(start?.time, `trigger t${i + 1} fires delayMs after event ${t.on.nth}`).toBe((nth?.time ?? NaN) + t.on.delayMs);
      expect(start?.index).toBeGreaterThan(nth?.index ?? Infinity);
    });
    const again = await runScenarioSim(s, { seed: 1 });
    expect(again.traceHash).toBe(o.traceHash);
  });

  it('fail the run, naming the trigger, when one never fires; the history is still checked', async () => {
    const s = await loadScenario('scenarios/protocol-boundaries.yaml');
    const never = { ...s, triggers: s.triggers.map((t, i) => (i === 4 ? { ...t, on: { ...t.on, nth: 2000 } } : t)) };
    const run = await runChecked(never, { seed: 1 });
    expect(run.crash).toBeUndefined();
    expect(run.passed).toBe(false);
    expect(run.violations).toEqual([]);
    expect(run.problems).toEqual([expect.stringMatching(/trigger t5 \(triggers\[4\]: sync #2000, seen \d+ time\(s\)\) never fired/)]);
    expect(run.outcome.history.length).toBeGreaterThan(0);
  });
});
