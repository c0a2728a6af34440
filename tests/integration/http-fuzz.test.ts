/**
 * Property: no request body, however wrong, gets a 500 from the HTTP API
 * (real engine, memory store, called through handleHttp without sockets).
 * Every 4xx names a code and a path.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Coordinator } from '../../system/coordinator/index.js';
import { Fixture } from './helpers.js';

let fx: Fixture;
let c: Coordinator;
beforeAll(async () => {
  fx = new Fixture();
  c = await fx.coordinator();
});
afterAll(async () => {
  await fx.cleanup();
});

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const specLike = fc.record(
  {
    kind: fc.oneof(fc.constantFrom('echo', 'sleep', 'fail', 'cpu', 'command', 'nope'), jsonValue),
    params: fc.oneof(jsonValue, fc.record({ value: jsonValue, durationMs: jsonValue, times: jsonValue, ms: jsonValue, argv: jsonValue })),
    priority: fc.oneof(fc.constantFrom('low', 'medium', 'high', 'critical', 'urgent'), jsonValue),
    retry: fc.oneof(jsonValue, fc.record({ strategy: fc.oneof(fc.constantFrom('none', 'fixed', 'exponential', 'bogus'), jsonValue), maxRetries: jsonValue, delayMs: jsonValue, maxDelayMs: jsonValue })),
    timeoutMs: jsonValue,
    dependencies: fc.oneof(jsonValue, fc.array(fc.string())),
    scheduledAt: jsonValue,
    metadata: jsonValue,
    idempotencyKey: jsonValue,
    taskId: jsonValue,
  },
  { requiredKeys: [] },
);

async function call(method: string, path: string, body: string): Promise<{ status: number; body: string }> {
  const u = new URL(path, 'http://x');
  return c.handleHttp({ method, path: u.pathname, query: u.searchParams, headers: {}, body });
}

function checkResponse(res: { status: number; body: string }): void {
  expect(res.status).not.toBe(500);
  if (res.status >= 400) {
    const err = (JSON.parse(res.body) as { error: { code: unknown; message: unknown; path: unknown } }).error;
    expect(typeof err.code).toBe('string');
    expect(typeof err.message).toBe('string');
    expect(typeof err.path).toBe('string');
  }
}

describe('HTTP API never answers 500 to bad input', () => {
  it('POST /api/v1/executions with arbitrary specs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(specLike, jsonValue), async (body) => checkResponse(await call('POST', '/api/v1/executions', JSON.stringify(body)))),
      { numRuns: 300 },
    );
  });

  it('batch and graph endpoints with arbitrary bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.record({ executions: fc.array(specLike, { maxLength: 4 }) }), fc.array(specLike, { maxLength: 3 }), jsonValue),
        fc.oneof(fc.record({ tasks: fc.dictionary(fc.string({ maxLength: 4 }), fc.record({ kind: fc.constantFrom('echo', 'x'), params: fc.record({ value: jsonValue }), dependsOn: fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }) }), { maxKeys: 5 }) }), jsonValue),
        async (batch, graph) => {
          checkResponse(await call('POST', '/api/v1/executions/batch', JSON.stringify(batch)));
          checkResponse(await call('POST', '/api/v1/graphs', JSON.stringify(graph)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('arbitrary strings as bodies and query strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), fc.string({ maxLength: 40 }), async (body, q) => {
        checkResponse(await call('POST', '/api/v1/executions', body));
        checkResponse(await call('GET', `/api/v1/executions?limit=${encodeURIComponent(q)}&status=${encodeURIComponent(q)}&cursor=${encodeURIComponent(q)}`, ''));
        checkResponse(await call('POST', `/api/v1/executions/${encodeURIComponent(q) || 'x'}/cancel`, body));
        checkResponse(await call('GET', `/api/v1/executions/${encodeURIComponent(q) || 'x'}`, ''));
      }),
      { numRuns: 200 },
    );
  });
});
