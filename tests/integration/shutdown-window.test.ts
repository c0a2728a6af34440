/**
 * A coordinator told to stop acts on no request it still receives (README,
 * "HTTP API"): from the moment close() is called its engine is closed, so a
 * submission or a cancel reaching the handler (a keep-alive connection, a
 * request in flight) is refused 503 illegal_state with Retry-After and
 * changes nothing. Failing before the fix: the engine was closed only after
 * the port, so a submission in that window was created (201) and a cancel
 * acted on, their answers possibly cut off with the connection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Coordinator } from '../../system/coordinator/index.js';
import { Fixture } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

const post = (c: Coordinator, path: string, body = '') =>
  c.handleHttp({ method: 'POST', path, query: new URLSearchParams(), headers: { host: '127.0.0.1', 'content-type': 'application/json' }, body });

describe('requests in a graceful stop', () => {
  it('a submission and a cancel after close() began are refused 503 illegal_state with Retry-After and change nothing', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    const made = await post(c, '/api/v1/executions', JSON.stringify({ kind: 'sleep', params: { durationMs: 60_000 } }));
    expect(made.status).toBe(201);
    const id = (JSON.parse(made.body) as { executionId: string }).executionId;
    const closing = c.close();
    const submit = await post(c, '/api/v1/executions', JSON.stringify({ kind: 'sleep', params: { durationMs: 1 } }));
    const cancel = await post(c, `/api/v1/executions/${id}/cancel`);
    for (const res of [submit, cancel]) {
      expect(res.status).toBe(503);
      expect(res.headers?.['retry-after']).toBe('1');
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'illegal_state' } });
    }
    await closing;
    expect(c.engine.getExecutionStats()).toMatchObject({ total: 1 });
    expect(c.engine.getExecution(id)?.status).toBe('scheduled');
  });
});
