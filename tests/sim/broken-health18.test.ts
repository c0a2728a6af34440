/**
 * Blind set 18's "judged over its whole life" misses, each as a broken
 * variant: the scenario passes on the real system and fails naming the
 * promise with the defect planted.
 *
 * - liveness judged by the store's failures since start (set 18 #10,
 *   vi.mock of system/coordinator/health.ts): disk-full's health reads
 *   after the store recovered (harness/scenario/health-poll.ts) catch it
 *   under store-health.
 * - the SQLite store's history counts kept for ended executions (set 18
 *   #15's class, vi.mock of system/store/sqlite-history.ts: a count is
 *   never forgotten) and the engine's dependents lists keeping a pruned
 *   dependent (the leak promise 35 found, a subclass): memory-held-sqlite's
 *   final read (harness/check/promises-held.ts) catches both under hygiene.
 * - the wss:// socket maker's SNI choice inverted (set 18 #24, vi.mock of
 *   system/transport/ws-client.ts wrapping the production maker): the
 *   deployment probe's connects to a host name and to IPv4/IPv6 addresses
 *   (harness/scenario/deploy-probe-tls.ts) catch it under auth.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Health from '../../system/coordinator/health.js';
import type { ExecutionRecord } from '../../system/core/model.js';
import { Engine } from '../../system/engine/engine.js';
import type * as History from '../../system/store/sqlite-history.js';
import type * as WsClient from '../../system/transport/ws-client.js';
import { engineFactoryOf } from './broken/variants.js';
import { simVerdict } from './broken/verdict.js';

const state = vi.hoisted(() => ({ broken: '' as '' | 'liveness-since-start' | 'counts-kept' | 'sni-inverted' }));

vi.mock('../../system/transport/ws-client.js', async (importOriginal) => {
  const real = await importOriginal<typeof WsClient>();
  const { isIP } = await import('node:net');
  // Set 18 #24: the server name decided the wrong way round (an address sent as SNI, a host name not).
  const wsClientOptions: typeof real.wsClientOptions = (url, opts, onSocket) => {
    const o = real.wsClientOptions(url, opts, onSocket);
    const make = o.createConnection;
    if (state.broken !== 'sni-inverted' || make === undefined) return o;
    const inverted = ((options: { host?: string; servername?: string }, cb?: () => void) => {
      if (!options.servername && options.servername !== '') options.servername = isIP(options.host ?? '') ? options.host : '';
      return (make as (o: unknown, c?: () => void) => unknown)(options, cb);
    }) as unknown as typeof make;
    return Object.freeze({ ...o, createConnection: inverted });
  };
  return { ...real, wsClientOptions };
});

vi.mock('../../system/store/sqlite-history.js', async (importOriginal) => {
  const real = await importOriginal<typeof History>();
  // Set 18 #15's class: the store keeps an execution's history count after it ended (here: whatever its status).
  class KeptCounts extends real.HistoryCounts {
    override set(id: string, n: number, done: boolean): void {
      super.set(id, n, done && state.broken !== 'counts-kept');
    }
  }
  return { ...real, HistoryCounts: KeptCounts };
});

/** Pruning leaves a dependent in its dependencies' lists (the engine before this branch's fix). */
class KeepsPrunedDependents extends Engine {
  protected override forgetDependent(_rec: ExecutionRecord): void {}
}

vi.mock('../../system/coordinator/health.js', async (importOriginal) => {
  const real = await importOriginal<typeof Health>();
  // Set 18 #10: a store that failed once keeps /healthz 503 for the life of the process.
  const liveness: typeof real.liveness = (src) => {
    const store = src.store();
    if (state.broken === 'liveness-since-start' && store !== undefined && store.failures > 0) return real.liveness({ ...src, store: () => ({ ...store, ok: false }) });
    return real.liveness(src);
  };
  return { ...real, liveness };
});

describe('blind set 18: health, TLS names and memory judged over the whole life', () => {
  it('disk-full: /healthz judged by failures since start stays 503 after the store recovered (store-health)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/disk-full.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    state.broken = 'liveness-since-start';
    try {
      const broken = await simVerdict(scenario);
      expect(broken.passed).toBe(false);
      expect(broken.promises).toContain('store-health');
      expect(broken.text).toMatch(/\/healthz answered 503 on the read after poll \(t=\d+\) while the store could commit/);
    } finally {
      state.broken = '';
    }
  });

  it('memory-held-sqlite: the SQLite store keeps the history count of an ended execution (hygiene)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/memory-held-sqlite.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    state.broken = 'counts-kept';
    try {
      const broken = await simVerdict(scenario);
      expect(broken.passed).toBe(false);
      expect(broken.promises).toContain('hygiene');
      expect(broken.text).toMatch(/store\.historyCounts \(\d+ entries\) still holds ex_\w+, an execution (that ended (failed|cancelled|timeout|completed)|the engine no longer knows)/);
    } finally {
      state.broken = '';
    }
  });

  it('memory-held-sqlite: pruning leaves a dependent listed under its dependency (hygiene)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/memory-held-sqlite.yaml');
    const broken = await simVerdict(scenario, { engineFactory: engineFactoryOf(KeepsPrunedDependents) });
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('hygiene');
    expect(broken.text).toMatch(/engine\.dependents \(\d+ entries\) still holds ex_\w+, an execution the engine no longer knows/);
  });

  it('adversarial-clients: the wss:// socket maker sends an address as SNI and a host name none (auth: the deployment probe)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/adversarial-clients.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    state.broken = 'sni-inverted';
    try {
      const broken = await simVerdict(scenario);
      expect(broken.passed).toBe(false);
      expect(broken.promises).toContain('auth');
      expect(broken.text).toMatch(/worker-tls "wss:\/\/coordinator\.example:7443: the server name \(SNI\) its TLS handshake sends": "no SNI", but the README documents "SNI coordinator\.example"/);
      expect(broken.text).toMatch(/worker-tls "wss:\/\/192\.0\.2\.10:7443: the server name \(SNI\) its TLS handshake sends": "SNI 192\.0\.2\.10", but the README documents "no SNI"/);
    } finally {
      state.broken = '';
    }
  });

  it('wire-frames: the same inversion on every simulated wss:// connect to the coordinator by host name (wire)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/wire-frames.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    state.broken = 'sni-inverted';
    try {
      const broken = await simVerdict(scenario);
      expect(broken.passed).toBe(false);
      expect(broken.promises).toContain('wire');
      expect(broken.text).toMatch(/w1's connect to wss:\/\/coordinator:7000\/ws at t=\d+ \(given a CA, --tls-ca\) sends no SNI where the host name coordinator must be sent/);
    } finally {
      state.broken = '';
    }
  });
});
