/**
 * Promise 32 (resources), the container kind's errors for an engine that is
 * not there or fails (promises-resources-answers.ts, on synthetic
 * histories): a dial the engine refused (ECONNREFUSED), a missing socket
 * (ENOENT) and an inspect answered 500 are each `unavailable` "Docker engine
 * not reachable at <socket>: <cause>"; reported as a missing image, or
 * without the documented code or the cause, they fail. The simulation shows
 * it caught (tests/sim/broken-engine35.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const lease = { executionId: 'e1', workerId: 'w1', attempt: 1, leaseToken: 't1' };

/** Attempt 1 of e1, whose engine gave `answer` (call, status or error, cause), read back as `read`. */
function engineFailed(answer: Record<string, unknown>, read: Record<string, unknown>): string[] {
  const h = new H().connect('w1');
  h.at(10).emit('w1', { type: 'task_started', ...lease });
  h.at(12).rec.recordInfo({ resource: 'container', op: 'answered', host: 'w1', execution: 'e1', attempt: 1, ...answer }, 'resources');
  h.at(13).emit('w1', { type: 'task_finished', ...lease, outcome: 'failed' });
  h.at(14).emit('coordinator', { type: 'result_recorded', ...lease, outcome: 'failed' });
  h.at(100).rec.recordInfo({ kindResults: { e1: read } });
  return checkHistory(h.at(200).phase('end').history(), ['resources'], baseContext).map((v) => v.message);
}

const refused = { call: 'ping', error: 'ECONNREFUSED', cause: 'connect ECONNREFUSED /var/run/docker.sock', image: 'sim/engine-refused:1' };
const noSocket = { call: 'ping', error: 'ENOENT', cause: 'connect ENOENT /var/run/docker.sock', image: 'sim/engine-no-socket:1' };
const error500 = { call: 'inspect', status: 500, cause: '(HTTP code 500) server error - failed to inspect image sim/engine-500:1: input/output error', image: 'sim/engine-500:1' };
const unavailable = (cause: string) => ({ status: 'failed', error: { code: 'unavailable', message: `Docker engine not reachable at /var/run/docker.sock: ${cause}` } });

describe('32 resources: an unreachable or failing engine is `unavailable`, naming its cause', () => {
  it('passes each as documented', () => {
    for (const a of [refused, noSocket, error500]) expect(engineFailed(a, unavailable(a.cause))).toEqual([]);
  });

  it('reports a 500 taken for a missing image, a failed dial without the documented code, and the cause left out', () => {
    expect(engineFailed(error500, { status: 'failed', error: { code: 'not_found', message: 'image sim/engine-500:1 not present locally; squall never pulls — build or load it first' } })).toEqual([
      expect.stringMatching(/^execution e1 failed with .*"code":"not_found".*, but the Docker engine on w1 answered its inspect of sim\/engine-500:1 with 500 at t=12: documented is code unavailable, "…Docker engine not reachable at…\(HTTP code 500\) server error/),
    ]);
    expect(engineFailed(refused, { status: 'failed', error: { code: 'task_failed', message: 'connect ECONNREFUSED /var/run/docker.sock' } })).toEqual([
      expect.stringMatching(/^execution e1 failed with .*"code":"task_failed".*, but the Docker engine on w1 failed its ping \(sim\/engine-refused:1\) with ECONNREFUSED at t=12: documented is code unavailable/),
    ]);
    expect(engineFailed(noSocket, unavailable('engine down'))).toEqual([expect.stringMatching(/failed its ping \(sim\/engine-no-socket:1\) with ENOENT at t=12: documented is code unavailable, "…Docker engine not reachable at…connect ENOENT \/var\/run\/docker.sock"/)]);
  });
});
