/**
 * Session 35 (gaps35b): the container kind's errors for an engine that is
 * not there or fails, not only for a missing image (docs/TASK-KINDS.md,
 * "Errors of the container kind"). task-resources' simulated engines fail
 * three attempts' calls by the image asked for (harness/sim/resources/
 * docker-engine.ts, WEATHER): not listening (ECONNREFUSED), socket missing
 * (ENOENT), an image inspect answered 500; each must end the execution
 * failed `unavailable` "Docker engine not reachable at <socket>: <cause>"
 * (promise 32, promises-resources-answers.ts). Broken variants at seed 1,
 * where the real system passes:
 *
 * - a kind that takes any HTTP error answer of the inspect for a missing
 *   image (planted at the Docker client seam: the 500 reaches it as a 404):
 *   the outage is reported `not_found`, sending users to load an image that
 *   is there;
 * - a kind whose ping failure escapes unwrapped (planted by vi.mock of
 *   container.ts: the kind's `unavailable` error for a failed dial replaced
 *   by the raw socket error): the outage reaches the user as a bare
 *   "connect ECONNREFUSED", without the documented code.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type { SimWiring } from '../../harness/sim/index.js';
import type * as ContainerModule from '../../system/tasks/container.js';
import { inspectErrorsMapped } from './broken/tasks20-variants.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ rawDial: false }));

vi.mock('../../system/tasks/container.js', async (importOriginal) => {
  const real = await importOriginal<typeof ContainerModule>();
  const containerKind: typeof real.containerKind = (opts) => {
    const kind = real.containerKind(opts);
    return {
      ...kind,
      run: (params, ctx) =>
        kind.run(params, ctx).catch((err: unknown) => {
          // Broken: a failed dial of the engine escapes as the socket's own error.
          const dial = /: (connect E[A-Z]+ \S+)$/.exec(err instanceof Error ? err.message : '')?.[1];
          throw plant.rawDial && dial !== undefined ? new Error(dial) : err;
        }),
    };
  };
  return { ...real, containerKind };
});

/** The kind takes an inspect's 500 for a missing image: the answer reaches it as a 404 (the Docker client seam). */
const serverErrorAsMissing: SimWiring = inspectErrorsMapped((name) => (err) =>
  (err as { statusCode?: number }).statusCode === 500 ? Object.assign(new Error(`(HTTP code 404) No such image: ${name}`), { statusCode: 404 }) : err,
);

describe('32 resources: an unreachable or failing Docker engine is `unavailable`, naming the cause', () => {
  it('task-resources passes; an inspect 500 reported as a missing image, and a failed dial escaping unwrapped, fail promise 32', { timeout: 120_000 }, async () => {
    const s = await loadScenario('scenarios/task-resources.yaml');
    expect((await simVerdict(s)).text).toBe('');
    const as404 = await simVerdict(s, serverErrorAsMissing);
    expect(as404.promises).toEqual(['resources']);
    expect(as404.text).toMatch(/execution ex_[0-9a-f]{16} failed with .*"code":"not_found".*, but the Docker engine on w\d+ answered its inspect of sim\/engine-500:1 with 500 at t=\d+: documented is code unavailable, "…Docker engine not reachable at…\(HTTP code 500\) server error/);
    const raw = await withPlanted(flagOn(plant, 'rawDial'), () => simVerdict(s));
    expect(raw.promises).toEqual(['resources']);
    expect(raw.text).toMatch(/execution ex_[0-9a-f]{16} failed with .*connect ECONNREFUSED \/var\/run\/docker.sock.*, but the Docker engine on w\d+ failed its ping \(sim\/engine-refused:1\) with ECONNREFUSED at t=\d+: documented is code unavailable/);
    expect(raw.text).toMatch(/failed its ping \(sim\/engine-no-socket:1\) with ENOENT/);
  });
});
