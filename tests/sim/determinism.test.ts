/**
 * Same seed ⇒ same trace hash; different seed ⇒ different hash: first at the
 * network level, then for whole scenarios (the real system under a herd
 * outage and swarm faults), and through a replay artifact written to disk and
 * read back (a passing run, and a failing run of a broken variant).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeArtifact, readArtifact, writeArtifact } from '../../harness/scenario/artifact.js';
import { parseScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { engineFactoryOf, NeverExpiringEngine } from './broken/variants.js';
import { netWorld } from './net-world.js';

async function run(seed: number): Promise<{ hash: string; lines: string[] }> {
  const w = await netWorld(seed, { keepTrace: true });
  w.sim.net.addRuleBothWays('cli', 'srv', { type: 'latency', latency: 20, jitter: 15 });
  w.sim.net.addRule('cli', 'srv', { type: 'corrupt', probability: 0.2, toxicity: 0.9 });
  const { client, server } = await w.connect();
  // Echo on the server side so both directions carry jittered traffic.
  let n = 0;
  const workload = w.sim.random.fork('workload');
  const tick = (): void => {
    if (n++ >= 100) return;
    client.conn.send(JSON.stringify({ n, r: workload.int(0, 1_000_000) }));
    w.cli.clock.setTimeout(tick, workload.int(1, 20));
  };
  tick();
  await w.sim.runFor(5_000);
  for (const r of server.got) server.conn.send(r.frame);
  await w.sim.runFor(1_000);
  return { hash: w.sim.traceHash(), lines: w.sim.trace.lines ?? [] };
}

describe('determinism', () => {
  it('the same seed gives the same trace, line for line', async () => {
    const a = await run(42);
    const b = await run(42);
    expect(a.lines.length).toBeGreaterThan(200);
    expect(b.lines).toEqual(a.lines);
    expect(b.hash).toBe(a.hash);
  });

  it('different seeds give different trace hashes', async () => {
    const hashes = new Set<string>();
    for (const seed of [1, 2, 3, 4]) hashes.add((await run(seed)).hash);
    expect(hashes.size).toBe(4);
  });
});

/** thundering-herd in small: the whole fleet loses the network at once, plus swarm faults drawn from the seed. */
const HERD = parseScenario(
  `name: small-herd
description: 30 workers lose the network at once and come back; swarm faults on top
fleet: { workers: 30, concurrency: 2, backoff: { strategy: full-jitter, initialMs: 100, maxMs: 1000 } }
coordinator: { heartbeatMs: 500, heartbeatTimeoutMs: 1500, leaseMs: 2000 }
workload:
  items: [{ kind: sleep, count: 60, ratePerSec: 30, params: { durationMs: 800, checkpointEveryMs: 300 } }]
faults:
  - { at: 1500, for: 1500, target: all-workers, action: down }
swarm: { ratePerMin: 30, actions: [latency, reset_peer, pause, kill], targets: [workers], minDurationMs: 200, maxDurationMs: 1000, maxConcurrent: 2 }
phases: { faultsMs: 4000, healMs: 8000 }
`,
  'small-herd.yaml',
);

describe('determinism of whole scenarios', () => {
  it('the same seed gives the same trace hash and verdict; another seed another hash', async () => {
    const a = await runChecked(HERD, { seed: 7 });
    const b = await runChecked(HERD, { seed: 7 });
    const c = await runChecked(HERD, { seed: 8 });
    expect(a.outcome.accepted).toBe(60);
    expect(a.outcome.swarm.length).toBeGreaterThan(0);
    expect(b.outcome.traceHash).toBe(a.outcome.traceHash);
    expect(b.passed).toBe(a.passed);
    expect(b.violations.map((v) => v.message)).toEqual(a.violations.map((v) => v.message));
    expect(c.outcome.traceHash).not.toBe(a.outcome.traceHash);
    expect(a.passed, a.violations.map((v) => v.message).join('\n')).toBe(true);
  });

  it('an artifact written to disk and read back replays to the same trace hash and verdict', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'squall-artifact-'));
    try {
      const first = await runChecked(HERD, { seed: 3 });
      const path = join(dir, 'herd.json');
      await writeArtifact(path, makeArtifact(first, { scenarioFile: 'small-herd.yaml' }));
      const artifact = await readArtifact(path);
      expect(artifact.seed).toBe(3);
      const replay = await runChecked(artifact.scenario, { seed: artifact.seed, swarm: artifact.swarm });
      expect(replay.outcome.traceHash).toBe(artifact.traceHash);
      expect(replay.passed).toBe(artifact.passed);
      expect(replay.violations.length).toBe(artifact.violations.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a failing run (leases never expiring) replays from its artifact to the same violations', async () => {
    const stuck = parseScenario(
      `name: stuck-leases
description: two of four workers die holding leases
fleet: { workers: 4, concurrency: 2 }
coordinator: { heartbeatMs: 300, heartbeatTimeoutMs: 1000, leaseMs: 1000 }
workload:
  items: [{ kind: sleep, count: 16, params: { durationMs: 1500 } }]
faults:
  - { at: 500, for: 3000, target: w1, action: kill }
  - { at: 500, for: 3000, target: w2, action: kill }
phases: { faultsMs: 4000, healMs: 6000 }
`,
      'stuck-leases.yaml',
    );
    const wiring: SimWiring = { engineFactory: engineFactoryOf(NeverExpiringEngine) };
    const dir = await mkdtemp(join(tmpdir(), 'squall-artifact-'));
    try {
      const first = await runChecked(stuck, { seed: 5, wiring });
      expect(first.passed).toBe(false);
      const path = join(dir, 'stuck.json');
      await writeArtifact(path, makeArtifact(first));
      const artifact = await readArtifact(path);
      const replay = await runChecked(artifact.scenario, { seed: artifact.seed, swarm: artifact.swarm, wiring });
      expect(replay.outcome.traceHash).toBe(artifact.traceHash);
      expect(replay.violations.map((v) => v.message)).toEqual(artifact.violations.map((v) => v.message));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
