/**
 * The rules blind set 20's API and metrics contract class added, on
 * synthetic histories: every creating route answers 201
 * (promises-api-created.ts, its routes derived from the README's table), the
 * heartbeat_adapted histograms in seconds (promises-reads-instant.ts), and
 * promise 8's malformed registration MACs and announced frame limit
 * (promises-adversary.ts). The simulation shows each caught against a broken
 * system (tests/sim/broken-api20.test.ts); these pin the rules' edges.
 */
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../harness/check/api-scopes.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { creatingRoutes, JUDGED_CREATIONS } from '../../harness/check/promises-api-created.js';
import type { TokenStep } from '../../harness/check/promises-api-tokens.js';
import type { GaugeRead } from '../../harness/check/promises-metrics-gauges.js';
import { H, baseContext } from './builder.js';

const messages = (h: H, promise: 'api-contract' | 'auth' = 'api-contract', ctx = baseContext) => checkHistory(h.history(), [promise], ctx).map((v) => v.message);

describe('29 api-contract: every creation is answered 201 (promises-api-created.ts)', () => {
  const submitted = (h: H, ref: string, kind: string, ids: string[], status: number, keys: (string | undefined)[]): H => {
    const i = h.rec.recordInvoke({ ref, kind, intent: keys.map((k) => ({ priority: 'medium', ...(k === undefined ? {} : { idempotencyKey: k }) })) });
    h.rec.recordOk(i, { executionIds: ids, status });
    return h;
  };
  const tokenStep = (h: H, createStatus: number): H => {
    const step: TokenStep = { at: h.now, revokes: [], presented: [], listing: [{ id: 't1', name: 'probe-1', scope: 'read', createdAt: 1, revokedAt: null }], held: [], created: 't1', createStatus };
    h.rec.recordInfo({ tokenStep: step });
    return h;
  };

  it('judges every POST route of the README without an {id}: the creating routes are exactly the ones judged', () => {
    expect(creatingRoutes(apiRoutes()).sort()).toEqual(Object.values(JUDGED_CREATIONS).sort());
  });

  it('passes 201 for creations and 200 for a keyed repeat', () => {
    const h = submitted(new H().at(10), 'a', 'echo', ['x'], 201, [undefined]);
    submitted(h, 'b', 'echo', ['y'], 201, ['k']);
    submitted(h, 'c', 'echo', ['y'], 200, ['k']);
    submitted(h, 'd', 'batch', ['p', 'q'], 201, [undefined, 'k2']);
    submitted(h, 'e', 'graph', ['r', 's'], 201, [undefined, undefined]);
    expect(messages(tokenStep(h, 201))).toEqual([]);
  });

  it('reports a keyless submission, batch or graph answered 200, any creation answered another 2xx, and a token made with 200 (blind set 20 #13)', () => {
    const h = submitted(new H().at(10), 'a', 'echo', ['x'], 200, [undefined]);
    submitted(h, 'd', 'batch', ['p', 'q'], 200, ['k1', undefined]);
    submitted(h, 'e', 'graph', ['r'], 202, ['k3']);
    expect(messages(tokenStep(h.at(20), 200))).toEqual([
      'POST /api/v1/executions (a) created what it was sent (an entry without an idempotency key) and was answered 200 at t=10: a creation is answered 201 Created',
      'POST /api/v1/executions/batch (d) created what it was sent (an entry without an idempotency key) and was answered 200 at t=10: a creation is answered 201 Created',
      'POST /api/v1/graphs (e) was accepted and was answered 202 at t=10: a creation is answered 201 Created',
      'POST /api/v1/tokens made token t1 (the answer shows it) and was answered 200 at t=20: a creation is answered 201 Created',
    ]);
  });
});

describe('29 api-contract: histograms observed at each heartbeat adaptation hold seconds (promises-reads-instant.ts)', () => {
  const adapted = (h: H, srttMs: number, timeoutMs: number): H => h.emit('coordinator', { type: 'heartbeat_adapted', side: 'coordinator', workerId: 'w1', connectionId: 'c', srttMs, rttvarMs: 5, timeoutMs });
  const read = (h: H, rttSum: number, timeoutSum: number, count: number): H => {
    const gauges: GaugeRead['gauges'] = {
      squall_rtt_estimate_seconds_sum: { '': rttSum },
      squall_rtt_estimate_seconds_count: { '': count },
      squall_heartbeat_timeout_adapted_seconds_sum: { '': timeoutSum },
      squall_heartbeat_timeout_adapted_seconds_count: { '': count },
    };
    h.rec.recordInfo({ gaugeRead: { at: h.now, gauges, workers: {}, byStatus: {} } });
    return h;
  };

  it('passes sums of srttMs and timeoutMs / 1000 over the adaptations before the read (to the microsecond)', () => {
    const h = adapted(adapted(new H().connect('w1').at(100), 40.0004, 2000).at(200), 20, 1500);
    expect(messages(read(h.at(300), 0.0600004, 3.5, 2))).toEqual([]);
  });

  it('reports an RTT estimate summed in ms and a timeout histogram that missed an adaptation (blind set 20 #03)', () => {
    const h = adapted(adapted(new H().connect('w1').at(100), 40, 2000).at(200), 20, 1500);
    expect(messages(read(h.at(300), 60, 3.5, 2))).toEqual([expect.stringMatching(/t=300: squall_rtt_estimate_seconds counts 2 observation\(s\) summing 60 s, but the coordinator reported 2 heartbeat adaptation\(s\) in this life whose smoothed round-trip estimate sums 0.06 s \(srttMs \/ 1000\)/)]);
    const missed = adapted(new H().connect('w1').at(100), 40, 2000);
    expect(messages(read(missed.at(300), 0.04, 2, 2))).toEqual([expect.stringMatching(/squall_rtt_estimate_seconds counts 2 observation\(s\) summing 0.04 s, but the coordinator reported 1 heartbeat/), expect.stringMatching(/squall_heartbeat_timeout_adapted_seconds counts 2/)]);
  });
});

describe('8 auth: malformed registration MACs and the announced frame limit (promises-adversary.ts)', () => {
  const answer = (h: H, shape: string, codes: number[], closedWith: number | null): H => {
    h.rec.recordInfo({ attack: 'malformed-mac-answer', victim: 'w1', shape, codes, closedWith }, 'adversary');
    return h;
  };
  const frame = (h: H, limit: number, bytes: number): H => {
    h.rec.recordInfo({ attack: 'oversized-frame', victim: 'w1', bytes, units: bytes, limit, over: bytes > limit }, 'adversary');
    return h;
  };

  it('passes malformed MACs refused with a code their shape allows', () => {
    expect(messages(answer(answer(new H().at(10), 'non-ascii-64', [4401], 4401), 'short-63', [4400, 4401], 4400), 'auth')).toEqual([]);
  });

  it('reports a malformed MAC closed 4500 or never closed (blind set 20 #28)', () => {
    expect(messages(answer(answer(new H().at(10), 'non-ascii-64', [4401], 4500), 'empty', [4400, 4401], null), 'auth')).toEqual([
      expect.stringMatching(/registration as w1 with a non-ascii-64 MAC \(t=10\) was closed with 4500: a malformed MAC is refused with 4401/),
      expect.stringMatching(/with a empty MAC \(t=10\) was not closed: a malformed MAC is refused with 4400 or 4401/),
    ]);
  });

  it('reports a welcome announcing another limit than the configured or documented one (blind set 20 #26), once', () => {
    const ctx = { ...baseContext, maxFrameBytes: 1_048_576 };
    expect(messages(frame(frame(new H().at(10), 1_048_576, 1_048_560), 1_048_576, 1_048_576), 'auth', ctx)).toEqual([]);
    expect(messages(frame(frame(new H().at(10), 1_000_000, 999_984), 1_000_000, 1_000_000), 'auth', ctx)).toEqual([
      expect.stringMatching(/welcome announced maxFrameBytes 1000000 \(t=10\), but it was started with 1048576 bytes/),
    ]);
  });
});
