import { describe, expect, it } from 'vitest';
import { seededRandom } from '../core/random.js';
import { authorize, requiredScope } from './http-auth.js';
import { createToken, memoryTokenStore, parseScope, scopeCovers, verifyToken } from './tokens.js';

describe('API tokens', () => {
  it('stores only the hash; the token verifies, a one-character change does not', () => {
    const store = memoryTokenStore();
    const { token, record } = createToken(seededRandom(1), 'ci', 'submit', 5);
    store.add(record);
    expect(token).toMatch(/^sqt_[0-9a-f]{16}_[0-9a-f]{64}$/);
    expect(JSON.stringify(store.list())).not.toContain(token.slice(21));
    expect(verifyToken(store, token)).toEqual({ ok: true, principal: { tokenId: record.id, name: 'ci', scope: 'submit' } });
    const flipped = token.slice(0, -1) + (token.endsWith('0') ? '1' : '0');
    expect(verifyToken(store, flipped)).toMatchObject({ ok: false, code: 'invalid_token' });
    store.revoke(record.id, 9);
    expect(verifyToken(store, token)).toMatchObject({ ok: false, code: 'token_revoked' });
  });

  it('scopes nest: admin ⊃ submit ⊃ read; bad names are refused naming the valid ones', () => {
    expect(scopeCovers('admin', 'submit')).toBe(true);
    expect(scopeCovers('submit', 'read')).toBe(true);
    expect(scopeCovers('read', 'submit')).toBe(false);
    expect(scopeCovers('submit', 'admin')).toBe(false);
    expect(() => parseScope('root')).toThrow(/scope must be one of read, submit, admin/);
  });

  it('routes need: nothing for /healthz, read for GETs, submit for work changes, admin for tokens and anything unknown', () => {
    expect(requiredScope('GET', '/healthz', 'token')).toBeNull();
    expect(requiredScope('GET', '/readyz/', 'token')).toBeNull();
    expect(requiredScope('GET', '/metrics', 'none')).toBeNull();
    expect(requiredScope('GET', '/metrics', 'token')).toBe('read');
    expect(requiredScope('GET', '/ui/index.html', 'token')).toBe('read');
    expect(requiredScope('POST', '/api/v1/executions/x/cancel', 'token')).toBe('submit');
    expect(requiredScope('POST', '/api/v1/graphs', 'token')).toBe('submit');
    expect(requiredScope('GET', '/api/v1/tokens', 'token')).toBe('admin');
    expect(requiredScope('DELETE', '/api/v1/whatever', 'token')).toBe('admin');
  });

  it('authorize is a reusable request → principal check (what a dashboard mounted beside the API calls)', () => {
    const store = memoryTokenStore();
    const { token, record } = createToken(seededRandom(2), 'ui', 'read', 0);
    store.add(record);
    const req = (h: Record<string, string>) => ({ method: 'GET', path: '/ui', query: new URLSearchParams(), headers: h, body: '' });
    const ok = authorize(req({ authorization: `Bearer ${token}` }), 'read', { apiAuth: 'token', tokens: store });
    expect(ok).toMatchObject({ ok: true, principal: { name: 'ui', scope: 'read' } });
    const no = authorize(req({}), 'read', { apiAuth: 'token', tokens: store });
    expect(no.ok === false && no.response.status).toBe(401);
    const low = authorize(req({ authorization: `Bearer ${token}` }), 'admin', { apiAuth: 'token', tokens: store });
    expect(low.ok === false && low.response.status).toBe(403);
    expect(authorize(req({}), 'admin', { apiAuth: 'none', tokens: undefined }).ok).toBe(true);
  });
});
