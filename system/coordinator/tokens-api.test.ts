import { describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import { seededRandom } from '../core/random.js';
import type { HttpRequest } from '../core/transport.js';
import { createToken, memoryTokenStore } from './tokens.js';
import { tokensApi } from './tokens-api.js';

const req = (method: string, path: string): HttpRequest => ({ method, path, query: new URLSearchParams(), headers: {}, body: '' });

describe('tokens API', () => {
  it('refuses every method but POST on a revoke route 405 with Allow: POST, and revokes nothing', async () => {
    const { record } = createToken(seededRandom(1), 'victim', 'read', 0);
    const tokens = memoryTokenStore([record]);
    const handle = tokensApi(async () => ({ status: 404, headers: {}, body: '' }), { tokens, random: seededRandom(2), clock: systemClock });
    for (const method of ['GET', 'HEAD', 'DELETE', 'PUT', 'PATCH', 'OPTIONS']) {
      const res = await handle(req(method, `/api/v1/tokens/${record.id}/revoke`));
      expect([method, res.status, res.headers?.allow]).toEqual([method, 405, 'POST']);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'method_not_allowed' } });
    }
    expect(tokens.find(record.id)?.revokedAt).toBeUndefined();
    expect((await handle(req('POST', `/api/v1/tokens/${record.id}/revoke`))).status).toBe(200);
  });
});
