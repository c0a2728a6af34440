/**
 * Realistic, deterministic RunResults for the report tests and for rendering
 * an example report by hand (`npx tsx tests/report/render-example.ts`):
 * a live thundering-herd run with one violation, and a full reconnect benchmark.
 */
import type { BenchRow, ReconnectSample, RunResult, RunResultInput } from '../../harness/report/model.js';
import { reconnectBenchSlos } from '../../harness/report/bench-slo.js';
import { groupReconnectSamples, parseRunResult, summarizeSamples } from '../../harness/report/model.js';

/** mulberry32: tiny seeded generator so fixtures never change between runs. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Log-normal-ish positive noise around `median`. */
function noisy(r: () => number, median: number, spread = 0.5): number {
  const u = Math.max(1e-9, r());
  const v = r();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return median * Math.exp(spread * z);
}

function backoffWait(r: () => number, strategy: string, attempt: number): number {
  const base = 100;
  const cap = 2000;
  const ceiling = Math.min(cap, base * 2 ** attempt);
  switch (strategy) {
    case 'none':
      return 0;
    case 'full-jitter':
      return r() * ceiling;
    case 'equal-jitter':
      return ceiling / 2 + (r() * ceiling) / 2;
    default:
      return Math.min(cap, base + r() * (ceiling * 3 - base));
  }
}

const CONDITIONS = ['clean', 'latency-50ms', 'jitter-200±100ms', 'bandwidth-1mbps', 'flapping', 'corrupt'] as const;
const STRATEGIES = ['none', 'full-jitter', 'equal-jitter', 'decorrelated-jitter'] as const;
const FLEETS = [1, 50, 500] as const;

const CONDITION_RTT: Record<(typeof CONDITIONS)[number], number> = {
  clean: 0.6,
  'latency-50ms': 100,
  'jitter-200±100ms': 400,
  'bandwidth-1mbps': 30,
  flapping: 60,
  corrupt: 8,
};

/** A full `squall bench reconnect` result (13k samples). */
export function benchFixture(): RunResult {
  const r = rng(42);
  const samples: ReconnectSample[] = [];
  const rows: BenchRow[] = [];
  for (const condition of CONDITIONS) {
    for (const strategy of STRATEGIES) {
      for (const fleetSize of FLEETS) {
        const ms: number[] = [];
        const beyond: number[] = [];
        let failed = 0;
        for (let w = 0; w < fleetSize; w++) {
          const attempts = condition === 'flapping' || condition === 'corrupt' ? Math.floor(r() * 3) : 0;
          failed += attempts;
          let wait = 0;
          for (let a = 0; a <= attempts; a++) wait += backoffWait(r, strategy, a);
          // Herding: with no jitter, everyone arrives at once and queues.
          const queue = strategy === 'none' ? (w / fleetSize) * fleetSize * 1.4 : noisy(r, fleetSize / 40, 0.8);
          const overhead = noisy(r, 0.35 + CONDITION_RTT[condition], 0.35) + queue;
          ms.push(wait + overhead);
          beyond.push(overhead);
          samples.push({ strategy, condition, fleetSize, ms: wait + overhead, beyondBackoffMs: overhead });
        }
        const s = summarizeSamples(ms);
        rows.push({
          condition,
          strategy,
          fleetSize,
          p50: s.p50,
          p95: s.p95,
          p99: s.p99,
          max: s.max,
          beyondBackoffP99: summarizeSamples(beyond).p99,
          failedHandshakes: failed,
          loopLagP99: strategy === 'none' ? 4 + fleetSize / 12 : 2 + fleetSize / 80,
          cpuPercent: Math.min(100, 8 + fleetSize / 9 + (strategy === 'none' ? 20 : 0)),
        });
      }
    }
  }
  const floor = { p50: 0.31, p99: 0.52 };
  const input: RunResultInput = {
    schemaVersion: 1,
    runId: 'bench-reconnect-20261123T120000Z',
    kind: 'bench-reconnect',
    startedAt: '2026-11-23T12:00:00.000Z',
    version: '0.1.0',
    passed: true,
    wallMs: 61_250,
    metrics: {
      reconnect: summarizeSamples(samples.map((s) => s.ms)),
      eventLoopLagMs: { p50: 1.2, p99: 44.6, max: 61.3 },
      cpuPercent: 71.5,
      completions: { expected: 13_224, completed: 13_224, lost: 0, duplicated: 0 },
    },
    reconnectSamples: groupReconnectSamples(samples),
    benchRows: rows,
    floor,
    slo: reconnectBenchSlos({ benchRows: rows, floor, completions: { expected: 13_224, completed: 13_224, lost: 0, duplicated: 0 } }),
  };
  return parseRunResult(input);
}

/** A live thundering-herd run of 500 workers that found one exactly-once violation. */
export function liveFixture(): RunResult {
  const r = rng(7);
  const workers = 500;
  const faults = [
    { start: 10_000, end: 25_000, action: 'partition', target: 'workers[0..499]' },
    { start: 32_000, end: 40_000, action: 'latency 200±100ms', target: 'workers[0..99]' },
    { start: 45_000, end: 47_500, action: 'kill', target: 'coordinator' },
  ];
  const samples: ReconnectSample[] = [];
  for (let w = 0; w < workers; w++) {
    const wait = r() * Math.min(2000, 100 * 2 ** Math.floor(r() * 6));
    const overhead = noisy(r, 1.8, 0.5);
    samples.push({ strategy: 'full-jitter', ms: wait + overhead, beyondBackoffMs: overhead });
  }
  const timeline = [];
  let completed = 0;
  for (let t = 0; t <= 60_000; t += 250) {
    const down = faults.some((f) => f.action !== 'latency 200±100ms' && t >= f.start && t < f.end);
    const recovering = faults.find((f) => t >= f.end && t < f.end + 2000);
    let connected = workers;
    if (down) connected = 0;
    else if (recovering) connected = Math.round(workers * Math.min(1, (t - recovering.end) / 1800));
    const slow = t >= 32_000 && t < 40_000 ? 0.75 : 1;
    const tput = down ? 0 : Math.max(0, (connected / workers) * 820 * slow + (r() - 0.5) * 60);
    completed += Math.round((tput * 250) / 1000);
    timeline.push({ t, connectedWorkers: connected, completedTotal: completed, throughputPerSec: tput });
  }
  const recon = summarizeSamples(samples.map((s) => s.ms));
  const input: RunResultInput = {
    schemaVersion: 1,
    runId: 'live-thundering-herd-7-20261123T121500Z',
    kind: 'live',
    startedAt: '2026-11-23T12:15:00.000Z',
    version: '0.1.0',
    scenario: 'thundering-herd',
    seed: 7,
    passed: false,
    traceHash: '9f3c2a71d04be5e8',
    wallMs: 63_870,
    violations: [
      {
        promise: 2,
        name: 'exactly-once',
        message:
          'execution ex-0042 completed twice: attempt 1 (lease <lt-7a> & worker w-17) and attempt 2 (lease "lt-9c"); only the current lease may record',
        executionId: 'ex-0042',
        workerId: 'w-17',
        events: [
          '#18220 t=24990 coordinator info claimed {"executionId":"ex-0042","workerId":"w-17","attempt":1,"leaseToken":"lt-7a"}',
          '#18391 t=25010 nemesis info fault {"phase":"end","action":"partition","target":"workers[0..499]"}',
          '#18502 t=25420 coordinator info result_recorded {"executionId":"ex-0042","workerId":"w-17","attempt":1,"outcome":"completed"}',
          '#18977 t=26103 coordinator info result_recorded {"executionId":"ex-0042","workerId":"w-88","attempt":2,"outcome":"completed"}',
        ],
      },
    ],
    metrics: {
      reconnect: recon,
      completions: { expected: completed + 1, completed: completed + 1, lost: 0, duplicated: 1 },
      eventLoopLagMs: { p50: 1.4, p99: 38.2, max: 57.9 },
      cpuPercent: 64.2,
    },
    timeline,
    faults,
    reconnectSamples: groupReconnectSamples(samples),
    slo: [
      { name: 'reconnect p99', target: 2000, measured: recon.p99, unit: 'ms', passed: recon.p99 <= 2000 },
      { name: 'all work done within 30 s after faults stop', target: 30_000, measured: 12_400, unit: 'ms', passed: true },
      { name: 'event-loop lag p99', target: 50, measured: 38.2, unit: 'ms', passed: true },
    ],
  };
  return parseRunResult(input);
}

/** A simulated mixed-chaos sweep of 20 seeds (10 simulated minutes each), one failing on backoff. */
export function simSweepFixture(): RunResult {
  const r = rng(1);
  const actions = ['partition', 'latency 300ms', 'reset_peer', 'pause', 'kill', 'corrupt 0.1%', 'clock skew +2s'];
  const faults = [];
  for (let t = 20_000; t < 480_000; t += 25_000 + Math.floor(r() * 30_000)) {
    const action = actions[Math.floor(r() * actions.length)] ?? 'partition';
    const lo = Math.floor(r() * 40);
    faults.push({ start: t, end: t + 3_000 + Math.floor(r() * 20_000), action, target: `workers[${lo}..${lo + 9}]` });
  }
  const timeline = [];
  let completed = 0;
  for (let t = 0; t <= 600_000; t += 1_000) {
    const hit = faults.filter((f) => t >= f.start && t < f.end).length;
    const connected = Math.max(0, 50 - hit * 10 - (r() < 0.05 ? 1 : 0));
    const tput = (connected / 50) * 40 + r() * 4;
    completed += Math.round(tput);
    timeline.push({ t, connectedWorkers: connected, completedTotal: completed, throughputPerSec: tput });
  }
  const samples: ReconnectSample[] = [];
  for (let i = 0; i < 400; i++) {
    const overhead = noisy(r, 3, 0.4);
    samples.push({ strategy: 'full-jitter', ms: r() * 1500 + overhead, beyondBackoffMs: overhead });
  }
  const sweep = Array.from({ length: 20 }, (_, i) => ({
    seed: i + 1,
    passed: i + 1 !== 13,
    traceHash: (0x9e3779b9 * (i + 1)).toString(16).slice(0, 12),
    violations: i + 1 === 13 ? 1 : 0,
    simulatedMs: 600_000,
    wallMs: 380 + Math.round(r() * 90),
  }));
  const input: RunResultInput = {
    schemaVersion: 1,
    runId: 'sim-mixed-chaos-sweep-20261123T123000Z',
    kind: 'sim',
    startedAt: '2026-11-23T12:30:00.000Z',
    version: '0.1.0',
    scenario: 'mixed-chaos',
    seed: 1,
    passed: false,
    traceHash: 'c0ffee1234ab',
    simulatedMs: 600_000 * 20,
    wallMs: sweep.reduce((n, s) => n + s.wallMs, 0),
    violations: [
      {
        promise: 9,
        name: 'backoff',
        message: 'seed 13: worker w-31 retried at attempt 12 after 2000 ms, the same instant as 7 other capped workers (cap applied after jitter)',
        workerId: 'w-31',
      },
    ],
    metrics: {
      reconnect: summarizeSamples(samples.map((s) => s.ms)),
      completions: { expected: completed, completed, lost: 0, duplicated: 0 },
    },
    timeline,
    faults,
    reconnectSamples: groupReconnectSamples(samples),
    sweep,
    slo: [{ name: 'all work done within 60 s after faults stop', target: 60_000, measured: 21_500, unit: 'ms', passed: true }],
  };
  return parseRunResult(input);
}

/** The least a producer can hand in: no metrics, no samples, no charts. */
export function minimalFixture(): RunResultInput {
  return {
    schemaVersion: 1,
    runId: 'sim-minimal',
    kind: 'sim',
    startedAt: '2026-11-23T12:00:00.000Z',
    version: '0.1.0',
    passed: true,
    wallMs: 12,
  };
}
