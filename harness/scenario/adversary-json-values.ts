/**
 * The HTTP adversary's value-count probes (part of attack `http-scopes`): the
 * README ("Limits") says a JSON body holds at most MAX_JSON_NODES (100,000)
 * values, a larger one refused 400. Like the depth probes
 * (adversary-depth.ts), the boundary is probed on both sides, and for every
 * shape the values can take (json-shapes.ts VALUE_SHAPES: scalars of every
 * kind, empty arrays and objects, small containers, nested arrays, and values
 * fast-check generates from the run's seed), once per run: for each, a
 * body of the same shape holding a few values (the reference), one holding
 * exactly the limit and one a value past it, the harness counting the
 * values itself (every scalar and container, the body included), all POSTed
 * to .../cancel of an id nothing has (so nothing changes: a reason must be a
 * text). Each exchange is an `httpValues` note ({shape, values, limit,
 * status, code?, path?}); promise 29 judges them
 * (harness/check/promises-json-depth.ts).
 */
import type { HistoryRecorder } from '../check/history.js';
import { HTTP_ADVERSARY } from '../check/api-scopes.js';
import { MAX_JSON_NODES } from '../../system/core/index.js';
import type { Simulation } from '../sim/index.js';
import { errorOf } from './adversary-depth.js';
import { arrayOfValues, VALUE_SHAPES, type ValueShape } from './json-shapes.js';
import { probeCall, type SimClient } from './sim-client.js';

/** A cancel body holding exactly `values` values: the body object, its `reason` array and what the array holds. */
export function bodyOfValues(shape: ValueShape, values: number, seed: number): string {
  return `{"reason":${arrayOfValues(shape, values - 1, seed)}}`;
}

/** The runs whose probes are done: bodies of 100,000 values cost tens of ms each, so a run sends them once. */
const probed = new WeakSet<Simulation>();

/** For each shape: the reference, a body at the limit and one a value past it, with the submit token, once per run. Skipped while the coordinator is down. */
export async function probeValueCounts(sim: Simulation, client: SimClient, recorder: HistoryRecorder): Promise<void> {
  if (probed.has(sim)) return;
  for (const shape of VALUE_SHAPES) {
    for (const values of [8, MAX_JSON_NODES, MAX_JSON_NODES + 1]) {
      const c = sim.coordinator.instance;
      if (c === null) return;
      const headers = { authorization: `Bearer ${client.probe.submit}`, 'content-type': 'application/json' };
      const res = await probeCall(c)({ method: 'POST', path: '/api/v1/executions/probe-unknown-id/cancel', headers, body: bodyOfValues(shape, values, sim.seed) });
      recorder.recordInfo({ httpValues: { shape, values, limit: MAX_JSON_NODES, status: res.status, ...errorOf(res.body) } }, HTTP_ADVERSARY);
    }
  }
  probed.add(sim);
}
