/**
 * Promise 29 (harness/check/promises-api-methods.ts) on synthetic histories:
 * the HTTP adversary's media-type probes judged by RFC 9110's reading of
 * Content-Type (blind set 21 #14), and its method matrix judged by the
 * README's route table: 405 method_not_allowed with Allow, and no effect
 * (blind set 21 #16); HEAD as GET without the body on every GET route
 * (session 36).
 */
import { describe, expect, it } from 'vitest';
import { HTTP_ADVERSARY } from '../../harness/check/api-scopes.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { declaresJson, type HeadProbe, type MediaProbe, type MethodProbe, type SeenAnswer } from '../../harness/check/promises-api-methods.js';
import { H, baseContext } from './builder.js';

const media = (h: H, p: MediaProbe): H => {
  h.rec.recordInfo({ httpMedia: p }, HTTP_ADVERSARY);
  return h;
};
const STATE = 'token revokedAt null answering 200; execution scheduled after 1 changes';
const method = (h: H, p: Partial<MethodProbe> & Pick<MethodProbe, 'method' | 'status'>): H => {
  h.rec.recordInfo({ httpMethod: { route: '/api/v1/tokens/{id}/revoke', documented: ['POST'], before: STATE, after: STATE, ...p } }, HTTP_ADVERSARY);
  return h;
};
const messages = (h: H): string[] => checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);

describe('29 api-contract: media types as RFC 9110 reads them', () => {
  it('reads JSON with parameters, any case and whitespace as JSON; look-alikes are not', () => {
    for (const t of ['application/json', 'application/json; charset=utf-8', 'Application/JSON', ' application/json ; charset="UTF-8"', 'APPLICATION/JSON;CHARSET=utf-8']) expect([t, declaresJson(t)]).toEqual([t, true]);
    for (const t of ['application/jsonx', 'text/json', 'application/json-patch+json', 'application/x-json', '', undefined]) expect([t, declaresJson(t)]).toEqual([t, false]);
  });

  it('reports JSON with a charset refused 415, and a look-alike or a typeless body taken (blind set 21 #14)', () => {
    const h = media(new H().at(10), { route: '/api/v1/executions', type: 'application/json; charset=utf-8', empty: false, status: 415, code: 'unsupported_media_type' });
    media(h, { route: '/api/v1/tokens', type: 'text/json', empty: false, status: 400, code: 'invalid_argument' });
    media(h, { route: '/api/v1/graphs', empty: false, status: 400, code: 'invalid_argument' });
    expect(messages(h)).toEqual([
      'POST /api/v1/executions with Content-Type "application/json; charset=utf-8" and a body was answered 415 unsupported_media_type: its media type is application/json (RFC 9110: case-insensitive, parameters such as charset and whitespace around them allowed): it must not be refused 415 (t=10)',
      'POST /api/v1/tokens with Content-Type "text/json" and a body was answered 400 invalid_argument: its media type is not application/json: it must be refused 415 unsupported_media_type (t=10)',
      'POST /api/v1/graphs with no Content-Type and a body was answered 400 invalid_argument: its media type is not application/json: it must be refused 415 unsupported_media_type (t=10)',
    ]);
  });

  it('passes JSON in every spelling taken and the rest refused 415', () => {
    const h = media(new H().at(10), { route: '/api/v1/executions', type: 'Application/JSON; charset="UTF-8"', empty: false, status: 400, code: 'invalid_argument' });
    media(h, { route: '/api/v1/executions/{id}/cancel', type: 'application/json ; charset=utf-8', empty: false, status: 404, code: 'not_found' });
    media(h, { route: '/api/v1/tokens', type: 'application/json-patch+json', empty: false, status: 415, code: 'unsupported_media_type' });
    media(h, { route: '/api/v1/graphs', empty: false, status: 415, code: 'unsupported_media_type' });
    expect(messages(h)).toEqual([]);
  });
});

describe('29 api-contract: the method matrix', () => {
  it('reports an undocumented method served with an effect, a 405 without Allow, and a 404 for a known route (blind set 21 #16)', () => {
    const h = method(new H().at(10), { method: 'GET', status: 200, after: 'token revokedAt 10 answering 401; execution scheduled after 1 changes' });
    method(h, { method: 'DELETE', status: 405, code: 'method_not_allowed' });
    method(h, { route: '/api/v1/executions/batch', documented: ['POST'], method: 'GET', status: 404, code: 'not_found' });
    method(h, { route: '/api/v1/executions/batch', documented: ['POST'], method: 'PUT', status: 405, code: 'method_not_allowed', allow: 'POST, GET' });
    expect(messages(h)).toEqual([
      'GET /api/v1/tokens/{id}/revoke (the README documents POST) was answered 200: a method the route does not serve must be refused 405 method_not_allowed (t=10)',
      `GET /api/v1/tokens/{id}/revoke (the README documents POST) changed what the adversary reads: before ${STATE}, after token revokedAt 10 answering 401; execution scheduled after 1 changes: a request refused for its method has no effect (t=10)`,
      'DELETE /api/v1/tokens/{id}/revoke (the README documents POST) was answered 405 with Allow null: a 405 names exactly the methods the route serves (POST) (t=10)',
      'GET /api/v1/executions/batch (the README documents POST) was answered 404 not_found: a method the route does not serve must be refused 405 method_not_allowed (t=10)',
      'PUT /api/v1/executions/batch (the README documents POST) was answered 405 with Allow "POST, GET": a 405 names exactly the methods the route serves (POST) (t=10)',
    ]);
  });

  it('reports a 405 that had an effect anyway', () => {
    const h = method(new H().at(10), { route: '/api/v1/executions/{id}/cancel', method: 'PUT', status: 405, code: 'method_not_allowed', allow: 'POST', after: 'token revokedAt null answering 200; execution cancelled after 2 changes' });
    expect(messages(h)).toHaveLength(1);
  });

  it('passes 405 method_not_allowed with an Allow naming the documented methods and no effect (a HEAD answer has no body)', () => {
    const h = method(new H().at(10), { method: 'GET', status: 405, code: 'method_not_allowed', allow: 'POST' });
    method(h, { method: 'HEAD', status: 405, allow: 'POST' });
    method(h, { route: '/api/v1/tokens', documented: ['GET', 'POST'], method: 'DELETE', status: 405, code: 'method_not_allowed', allow: 'GET, HEAD, POST' });
    method(h, { route: '/ui', documented: ['GET'], method: 'POST', status: 405, code: 'method_not_allowed', allow: 'GET, HEAD' });
    expect(messages(h)).toEqual([]);
  });
});

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const seen = (status: number, bytes: number, headers: Record<string, string> = JSON_TYPE): SeenAnswer => ({ status, headers, bytes });
const head = (h: H, p: Partial<HeadProbe>): H => {
  h.rec.recordInfo({ httpHead: { route: '/api/v1/stats', get: seen(200, 120), head: seen(200, 0, { ...JSON_TYPE, 'content-length': '120' }), again: seen(200, 120), ...p } }, HTTP_ADVERSARY);
  return h;
};

describe('29 api-contract: HEAD is GET without the body', () => {
  it('reports HEAD refused where GET is served, a wrong Content-Length, other headers, a body, and a 405 leaving HEAD out', () => {
    const h = head(new H().at(10), { head: seen(405, 0, { ...JSON_TYPE, allow: 'GET', 'content-length': '90' }) });
    head(h, { head: seen(200, 0, { ...JSON_TYPE, 'content-length': '0' }) });
    head(h, { route: '/metrics', head: seen(200, 0, { 'content-type': 'application/json', 'content-length': '120' }) });
    head(h, { head: seen(200, 120, { ...JSON_TYPE, 'content-length': '120' }) });
    method(h, { route: '/api/v1/stats', documented: ['GET'], method: 'PUT', status: 405, code: 'method_not_allowed', allow: 'GET' });
    expect(messages(h)).toEqual([
      'HEAD /api/v1/stats with an admin token (the README documents GET, so HEAD too, through the same gate) was answered 405, the GET around it 200: HEAD is answered the status GET is (t=10)',
      'HEAD /api/v1/stats with an admin token (the README documents GET, so HEAD too, through the same gate) was answered Content-Length "0", the GET around it read 120 bytes: a HEAD\'s Content-Length is the GET body\'s (t=10)',
      'HEAD /metrics with an admin token (the README documents GET, so HEAD too, through the same gate) was answered headers [["content-type","application/json"]], the GET around it [["content-type","application/json; charset=utf-8"]]: HEAD carries the headers GET does (t=10)',
      'HEAD /api/v1/stats with an admin token (the README documents GET, so HEAD too, through the same gate) was answered with a 120-byte body: a HEAD answer has none (t=10)',
      'PUT /api/v1/stats (the README documents GET) was answered 405 with Allow "GET": a 405 names exactly the methods the route serves (GET, HEAD) (t=10)',
    ]);
  });

  it('holds a HEAD with each token role to its GET: a read token\'s or no token\'s HEAD answered where the GET is refused is reported, naming the role', () => {
    const refused = (status: number): SeenAnswer => seen(status, 80);
    const h = head(new H().at(10), { route: '/api/v1/tokens', role: 'read', get: refused(403), head: seen(200, 0, { ...JSON_TYPE, 'content-length': '120' }), again: refused(403) });
    head(h, { route: '/api/v1/stats', role: 'none', get: refused(401), head: seen(401, 0, { ...JSON_TYPE, 'content-length': '80' }), again: refused(401) });
    head(h, { route: '/api/v1/stats', role: 'forged', get: refused(401), head: seen(200, 0, { ...JSON_TYPE, 'content-length': '120' }), again: refused(401) });
    expect(messages(h)).toEqual([
      'HEAD /api/v1/tokens with a read token (the README documents GET, so HEAD too, through the same gate) was answered 200, the GET around it 403: HEAD is answered the status GET is (t=10)',
      'HEAD /api/v1/stats with a forged token (the README documents GET, so HEAD too, through the same gate) was answered 200, the GET around it 401: HEAD is answered the status GET is (t=10)',
    ]);
  });

  it('passes HEAD as GET minus the body, a stream without a length, and GETs that disagree (the read changed between them)', () => {
    const h = head(new H().at(10), {});
    const sse = { 'content-type': 'text/event-stream; charset=utf-8' };
    head(h, { route: '/ui/events', get: seen(200, 0, sse), head: seen(200, 0, sse), again: seen(200, 0, sse) });
    head(h, { route: '/metrics', get: seen(200, 300), head: seen(200, 0, { ...JSON_TYPE, 'content-length': '310' }), again: seen(200, 320) });
    head(h, { route: '/readyz', get: seen(200, 20), head: seen(503, 0, { ...JSON_TYPE, 'content-length': '30' }), again: seen(503, 30) });
    method(h, { route: '/api/v1/stats', documented: ['GET'], method: 'PUT', status: 405, code: 'method_not_allowed', allow: 'GET, HEAD' });
    expect(messages(h)).toEqual([]);
  });
});
