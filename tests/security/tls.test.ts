/**
 * TLS for both the API (https://) and the worker link (wss://), with a
 * certificate generated here (selfsigned). A worker or client that trusts
 * it (--tls-ca) works end to end; one that does not is refused by the TLS
 * handshake and never registers; a plain-text client gets nowhere. Without
 * the TLS plumbing (the old transport) the coordinator would serve ws://
 * and the first assertion fails.
 */
import { generate } from 'selfsigned';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../system/core/clock.js';
import { realCpu } from '../../system/core/cpu.js';
import type { SystemEvent } from '../../system/core/events.js';
import { silentLogger } from '../../system/core/logger.js';
import { cryptoRandom } from '../../system/core/random.js';
import { apiCall } from '../../system/cli/api-client.js';
import { createCoordinator, createToken, memoryTokenStore, type Coordinator } from '../../system/coordinator/index.js';
import { openStore } from '../../system/store/index.js';
import { builtinTaskKinds } from '../../system/tasks/registry.js';
import { wsTransport } from '../../system/transport/index.js';
import { Worker } from '../../system/worker/worker.js';
import { FAST_COORDINATOR, waitFor } from '../integration/helpers.js';

const SECRET = 'tls-test-secret-0123456789';
let pem: { cert: string; key: string };
let other: { cert: string };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

beforeAll(async () => {
  const ext = [{ name: 'subjectAltName' as const, altNames: [{ type: 2 as const, value: 'localhost' }, { type: 7 as const, ip: '127.0.0.1' }] }];
  const made = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, extensions: ext });
  pem = { cert: made.cert, key: made.private };
  other = { cert: (await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, extensions: ext })).cert };
});

async function tlsCoordinator(): Promise<{ c: Coordinator; token: string }> {
  const tokens = memoryTokenStore();
  const t = createToken(cryptoRandom, 'tls', 'submit', 0);
  tokens.add(t.record);
  const c = await createCoordinator(
    { transport: wsTransport(), clock: systemClock, random: cryptoRandom, logger: silentLogger, events: { emit: () => {} }, store: openStore({ kind: 'memory' }), taskKinds: builtinTaskKinds(), tokens },
    { ...FAST_COORDINATOR, secret: SECRET, signMessages: true, apiAuth: 'token', tls: pem },
  );
  cleanups.push(() => c.close());
  return { c, token: t.token };
}

function worker(url: string, ca: string | undefined, events: SystemEvent[]): Worker {
  const w = new Worker(
    { transport: wsTransport(), clock: systemClock, random: cryptoRandom, logger: silentLogger, events: { emit: (e) => events.push(e) }, cpu: realCpu, taskKinds: builtinTaskKinds() },
    { id: `w-${events.length}-${ca === undefined ? 'noca' : 'ca'}`, coordinatorUrl: url, secret: SECRET, heartbeatMs: 100, backoff: { strategy: 'none', initialMs: 20, maxMs: 50 }, ...(ca === undefined ? {} : { tlsCa: ca }) },
  );
  cleanups.push(() => w.stop({ drain: false }));
  w.start();
  return w;
}

describe('TLS on the coordinator port', () => {
  it('serves wss:// and https://; a worker and a client trusting the certificate work end to end', async () => {
    const { c, token } = await tlsCoordinator();
    expect(c.url).toMatch(/^wss:\/\//);
    expect(c.httpUrl).toMatch(/^https:\/\//);
    const events: SystemEvent[] = [];
    worker(c.url.replace('127.0.0.1', 'localhost'), pem.cert, events);
    await waitFor(() => events.some((e) => e.type === 'connected'), 'worker registered over wss');
    const target = { base: c.httpUrl, token, ca: pem.cert };
    const sub = await apiCall(target, 'POST', '/api/v1/executions', { kind: 'echo', params: { value: 'over tls' } });
    expect(sub.status).toBe(201);
    const id = (sub.json as { executionId: string }).executionId;
    await waitFor(async () => ((await apiCall(target, 'GET', `/api/v1/executions/${id}`)).json as { status: string }).status === 'completed', 'echo completed');
  });

  it('a worker that does not trust the certificate (no CA, or another one pinned) never registers', async () => {
    const { c } = await tlsCoordinator();
    for (const ca of [undefined, other.cert]) {
      const events: SystemEvent[] = [];
      worker(c.url, ca, events);
      await waitFor(() => events.filter((e) => e.type === 'backoff').length >= 3, 'three refused connections');
      expect(events.filter((e) => e.type === 'connected')).toEqual([]);
      expect(c.workers()).toEqual([]);
    }
  });

  it('clients without the CA, or speaking plain http, are refused', async () => {
    const { c, token } = await tlsCoordinator();
    await expect(apiCall({ base: c.httpUrl, token, ca: undefined }, 'GET', '/api/v1/stats')).rejects.toThrow(/self.signed|certificate/i);
    await expect(apiCall({ base: c.httpUrl.replace('https', 'http'), token, ca: undefined }, 'GET', '/api/v1/stats')).rejects.toThrow();
  });
});
