/**
 * Blind set 14's "reported numbers" misses (#01, #06, #08, #20), each broken
 * variant injected through a module mock local to this file (as
 * broken-adversary.test.ts does) and reported at seed 1 of a scenario that
 * exercises it, where the real system passes:
 *
 * - a nearest-rank percentile taking floor for ceil: GET /api/v1/stats'
 *   duration p50/p95 below the listed completions' own, judged by the
 *   checker's own nearest rank (promises-reads-derived.ts, nearest-rank.ts);
 * - squall_message_bytes_total incremented by the message count: fewer bytes
 *   per message than the smallest frame of that type the simulated network
 *   carried (promises-metrics-bytes.ts);
 * - an execution submitted without a priority stored as low: the documented
 *   default (medium) does not read back (promises-api-defaults.ts);
 * - a worker's secret redacted at its first occurrence only: a command that
 *   prints it twice leaks it (promises-secrets.ts, secret-redaction).
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Metrics from '../../system/coordinator/metrics.js';
import type * as Stats from '../../system/core/stats.js';
import type * as Spec from '../../system/engine/spec.js';
import type * as Redact from '../../system/worker/redact.js';
import { simVerdict } from './broken/verdict.js';

const PCT = 'worker-features';

const state = vi.hoisted(() => ({ broken: 'none' as 'none' | 'floor-rank' | 'bytes-as-count' | 'low-default' | 'redact-first' }));

vi.mock('../../system/core/stats.js', async (importOriginal) => {
  const real = await importOriginal<typeof Stats>();
  // #01: the rank floored, so p95 of 10 samples is the 9th, p50 of 5 the 2nd.
  const percentileOfSorted: typeof real.percentileOfSorted = (sorted, p) => {
    if (state.broken !== 'floor-rank' || sorted.length === 0) return real.percentileOfSorted(sorted, p);
    return sorted[Math.min(sorted.length, Math.max(1, Math.floor((p / 100) * sorted.length))) - 1] ?? null;
  };
  return { ...real, percentileOfSorted };
});

vi.mock('../../system/coordinator/metrics.js', async (importOriginal) => {
  const real = await importOriginal<typeof Metrics>();
  // #06: each message adds 1 to the bytes counter, its count, instead of its bytes.
  class CoordinatorMetrics extends real.CoordinatorMetrics {
    override countMessage(direction: 'in' | 'out', type: string, bytes: number): void {
      super.countMessage(direction, type, state.broken === 'bytes-as-count' ? 1 : bytes);
    }
  }
  return { ...real, CoordinatorMetrics };
});

vi.mock('../../system/engine/spec.js', async (importOriginal) => {
  const real = await importOriginal<typeof Spec>();
  // #08: a spec without a priority defaults to low.
  const lowIfOmitted = (input: unknown, spec: Spec.NormalizedSpec): Spec.NormalizedSpec =>
    state.broken === 'low-default' && typeof input === 'object' && input !== null && (input as { priority?: unknown }).priority === undefined ? { ...spec, priority: 'low' } : spec;
  const normalizeSpec: typeof real.normalizeSpec = (input, ctx, prefix) => lowIfOmitted(input, real.normalizeSpec(input, ctx, prefix));
  const normalizeBatch: typeof real.normalizeBatch = (input, ctx) => real.normalizeBatch(input, ctx).map((s, i) => lowIfOmitted(Array.isArray(input) ? input[i] : undefined, s));
  const normalizeGraph: typeof real.normalizeGraph = (input, ctx) => real.normalizeGraph(input, ctx).map((n) => ({ ...n, spec: lowIfOmitted((input as Record<string, unknown>)[n.name], n.spec) }));
  return { ...real, normalizeSpec, normalizeBatch, normalizeGraph };
});

vi.mock('../../system/worker/redact.js', async (importOriginal) => {
  const real = await importOriginal<typeof Redact>();
  // #20: String.replace with a string pattern: the first occurrence only.
  const redactSecrets: typeof real.redactSecrets = (value, secrets) => {
    if (state.broken !== 'redact-first' || value === undefined) return real.redactSecrets(value, secrets);
    let text = JSON.stringify(value);
    for (const s of secrets) if (s.length >= 4) text = text.replace(JSON.stringify(s).slice(1, -1), '[redacted]');
    return JSON.parse(text) as typeof value;
  };
  return { ...real, redactSecrets };
});

async function verdictOf(name: string, broken: typeof state.broken) {
  state.broken = broken;
  try {
    return await simVerdict(await loadScenario(`scenarios/${name}.yaml`));
  } finally {
    state.broken = 'none';
  }
}

describe('reported numbers: percentiles, bytes counters, documented defaults, secrets in any count (set 14)', () => {
  it('a percentile of rank floor(p·n) is reported (PCT: stats); the real stats pass', { timeout: 60_000 }, async () => {
    expect((await verdictOf(PCT, 'none')).text).toBe('');
    const v = await verdictOf(PCT, 'floor-rank');
    expect(v.promises).toEqual(['api-contract']);
    expect(v.text).toMatch(/GET \/api\/v1\/stats gives durationsMs\.p(50|95) \d+, but the \d+ listed completions .* give \d+ by nearest rank/);
  });

  it('a bytes counter incremented by the message count is reported (lone-worker: gauges); the real counter passes', { timeout: 60_000 }, async () => {
    expect((await verdictOf('lone-worker', 'none')).text).toBe('');
    const v = await verdictOf('lone-worker', 'bytes-as-count');
    expect(v.promises).toEqual(['api-contract']);
    expect(v.text).toMatch(/squall_message_bytes_total\{type=\w+,direction=(in|out)\} is \d+ over \d+ message\(s\) \(1\.0 bytes each\), but each \w+ frame the network carried/);
  });

  it('a spec without a priority stored as low is reported (lone-worker: every item leaves it out); the real default passes', { timeout: 60_000 }, async () => {
    const v = await verdictOf('lone-worker', 'low-default');
    expect(v.promises).toContain('api-contract');
    expect(v.text).toMatch(/submitted without [^,]*priority.*with priority "low" \(documented default "medium"\)/);
  });

  it('a secret redacted at its first occurrence only is reported (secret-redaction); the real redaction passes', { timeout: 60_000 }, async () => {
    expect((await verdictOf('secret-redaction', 'none')).text).toBe('');
    const v = await verdictOf('secret-redaction', 'redact-first');
    expect(v.promises).toContain('auth');
    expect(v.text).toMatch(/the workers' secret was shown at t=\d+/);
  });
});
