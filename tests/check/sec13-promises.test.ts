/**
 * Promise 8 over the HTTP surface, the Host guard, the deployment probes
 * (harness/check/promises-surface.ts) and secret redaction
 * (harness/check/promises-secrets.ts), on synthetic histories.
 */
import { describe, expect, it } from 'vitest';
import { HTTP_ADVERSARY } from '../../harness/check/api-scopes.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { hostNamesCoordinator } from '../../harness/check/promises-surface.js';
import { H, baseContext } from './builder.js';

const messages = (h: H, ctx = baseContext): string[] => checkHistory(h.history(), ['auth'], ctx).map((v) => v.message);

function surface(path: string, needs: string, held: string, status: number, code?: string): H {
  const h = new H().at(10);
  h.rec.recordInfo({ httpSurface: { method: 'GET', path, needs, held, status, ...(code === undefined ? {} : { code }) } }, HTTP_ADVERSARY);
  return h;
}

function hostProbe(host: string, listen: string, allowedHosts: string[], status: number, code?: string): H {
  const h = new H().at(10);
  h.rec.recordInfo({ httpHost: { host, listen, allowedHosts, status, ...(code === undefined ? {} : { code }) } }, HTTP_ADVERSARY);
  return h;
}

describe('8 auth: every served route', () => {
  it('passes the data routes refused 401 without a token, read with one, and the open page', () => {
    expect(messages(surface('/ui/events', 'read', 'none', 401, 'unauthenticated'))).toEqual([]);
    expect(messages(surface('/ui/events', 'read', 'read', 200))).toEqual([]);
    expect(messages(surface('/ui', 'open', 'none', 200))).toEqual([]);
    expect(messages(surface('/probe-unknown', 'token', 'forged', 401, 'invalid_token'))).toEqual([]);
  });

  it('reports a data route or an unknown path answered without a valid token, and a closed page', () => {
    expect(messages(surface('/ui/events', 'read', 'none', 200))).toEqual([expect.stringMatching(/GET \/ui\/events with no token was answered 200 instead of 401/)]);
    expect(messages(surface('/ui/graph/x', 'read', 'garbage', 404, 'not_found'))).toEqual([expect.stringMatching(/answered 404 not_found instead of 401/)]);
    expect(messages(surface('/ui/nope', 'token', 'none', 404, 'not_found'))).toEqual([expect.stringMatching(/a path no one documents still needs a token first/)]);
    expect(messages(surface('/ui/assets/app.js', 'open', 'none', 401, 'unauthenticated'))).toEqual([expect.stringMatching(/page and assets are open/)]);
    expect(messages(surface('/ui/events', 'read', 'read', 403, 'insufficient_scope'))).toEqual([expect.stringMatching(/a read token may read/)]);
  });
});

describe('8 auth: the Host guard (README: loopback names, the listen address, --allowed-hosts)', () => {
  it('names the coordinator as the README says', () => {
    expect(hostNamesCoordinator('evil.example', '0.0.0.0', [])).toBe(true);
    expect(hostNamesCoordinator('evil.example', '0.0.0.0', ['squall.example'])).toBe(false);
    expect(hostNamesCoordinator('squall.example:7000', '0.0.0.0', ['squall.example'])).toBe(true);
    expect(hostNamesCoordinator('[::1]:7000', '0.0.0.0', ['squall.example'])).toBe(true);
    expect(hostNamesCoordinator('127.0.0.1.evil.example', '0.0.0.0', ['squall.example'])).toBe(false);
    expect(hostNamesCoordinator('coordinator:7000', 'coordinator', [])).toBe(true);
    expect(hostNamesCoordinator('10.9.8.7', 'coordinator', [])).toBe(false);
  });

  it('passes a refused stranger and an admitted allowed name; reports the reverse', () => {
    expect(messages(hostProbe('evil.example', '0.0.0.0', ['squall.example'], 403, 'host_not_allowed'))).toEqual([]);
    expect(messages(hostProbe('squall.example', '0.0.0.0', ['squall.example'], 200))).toEqual([]);
    expect(messages(hostProbe('evil.example', '0.0.0.0', ['squall.example'], 200))).toEqual([expect.stringMatching(/must be refused 403 host_not_allowed \(DNS rebinding\)/)]);
    expect(messages(hostProbe('squall.example', '0.0.0.0', ['squall.example'], 403, 'host_not_allowed'))).toEqual([expect.stringMatching(/that Host names the coordinator/)]);
  });
});

describe('8 auth: deployment probes and secrets', () => {
  it('reports an unsafe configuration that started and a safe one refused', () => {
    const h = new H().at(10);
    h.rec.recordInfo({ deployProbe: { role: 'worker', what: 'no secret, ws://127.0.0.1.x:1', expect: 'refused', outcome: 'refused', why: 'no' } }, 'deploy-probe');
    expect(messages(h)).toEqual([]);
    h.rec.recordInfo({ deployProbe: { role: 'worker', what: 'no secret, ws://127.example.com:1', expect: 'refused', outcome: 'started' } }, 'deploy-probe');
    h.rec.recordInfo({ deployProbe: { role: 'worker', what: 'no secret, ws://127.0.0.1:1', expect: 'started', outcome: 'refused', why: 'x' } }, 'deploy-probe');
    expect(messages(h)).toEqual([expect.stringMatching(/"no secret, ws:\/\/127\.example\.com:1" started: the README forbids it/), expect.stringMatching(/"no secret, ws:\/\/127\.0\.0\.1:1" was refused: the README allows it/)]);
  });

  it('reports a checkpoint state the coordinator holds showing the secret, and passes it redacted (set 20 #22)', () => {
    const ctx = { ...baseContext, secrets: ['hush-hush'] };
    const h = new H().at(10);
    h.rec.recordInfo({ checkpointsHeld: { e1: { note: '[redacted]' } } });
    expect(messages(h, ctx)).toEqual([]);
    h.at(20).rec.recordInfo({ checkpointsHeld: { e1: { note: 'hush-hush' } } });
    expect(messages(h, ctx)).toEqual([expect.stringMatching(/the workers' secret was shown at t=20 \(\S+ note\): .*"checkpointsHeld":\{"e1":\{"note":"hush-hush"/)]);
  });

  it('reports the secret shown by a read once, and passes it redacted', () => {
    const ctx = { ...baseContext, secrets: ['hush-hush'] };
    const h = new H().at(10);
    h.rec.recordInfo({ apiReads: { all: { items: [['e1', 'failed', 0, 'fail', [], null, '{"message":"[redacted] leaked"}']] } } });
    expect(messages(h, ctx)).toEqual([]);
    h.rec.recordInfo({ apiReads: { all: { items: [['e1', 'failed', 0, 'fail', [], null, '{"message":"hush-hush leaked"}']] } } });
    h.rec.recordInfo({ listing: 'hush-hush again' });
    expect(messages(h, ctx)).toEqual([expect.stringMatching(/the workers' secret was shown at t=10/)]);
  });
});
