import { describe, expect, it } from 'vitest';
import { wireTo } from './client-shapes.js';

const bytes = (h: Record<string, string>): number => Object.entries(h).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);

describe('client shapes: the requests real HTTP clients send', () => {
  it('rotates the Bearer scheme case and header name spelling, keeping every byte count, from one address', () => {
    const wire = wireTo({});
    const sent = { host: 'coordinator', authorization: 'Bearer sqt_a_b', 'x-other': 'text/plain' };
    const shapes = Array.from({ length: 10 }, () => wire.next(sent));
    const schemes = new Set(shapes.map((s) => (s.headers.authorization ?? s.headers.Authorization ?? '').split(' ')[0]));
    expect([...schemes].sort()).toEqual(['BEARER', 'Bearer', 'bEaReR', 'bearer']);
    expect(shapes.some((s) => s.headers.Authorization !== undefined && s.headers.Host !== undefined)).toBe(true);
    for (const s of shapes) {
      expect(bytes(s.headers)).toBe(bytes(sent));
      expect(Object.values(s.headers)).toContain('text/plain');
      expect(s.peer.address).toBe('::ffff:10.0.0.2');
    }
  });

  it('spells JSON as clients do: parameters, case, a quoted charset, whitespace around the `;` (RFC 9110; blind set 21 #14)', () => {
    const wire = wireTo({});
    const types = Array.from({ length: 5 }, () => {
      const h = wire.next({ 'content-type': 'application/json' }).headers;
      return h['content-type'] ?? h['Content-Type'];
    });
    expect(types).toEqual(['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json;charset="UTF-8"', 'application/JSON ; charset=utf-8']);
    expect(Object.values(wire.next({ 'content-type': 'text/plain' }).headers)).toEqual(['text/plain']);
  });

  it('opens a connection (new source port) per request, except keep-alive requests, which reuse the previous one', () => {
    const wire = wireTo({});
    const ports = Array.from({ length: 5 }, () => wire.next({}).peer.port);
    expect(ports).toEqual([49152, 49152, 49153, 49153, 49154]);
  });

  it('leaves a header that is not `Bearer <token>` as it is', () => {
    const wire = wireTo({});
    for (const auth of ['Basic dXNlcjpwdw==', 'Bearer', 'Bearer a b']) expect(Object.values(wire.next({ authorization: auth }).headers)).toEqual([auth]);
  });
});
