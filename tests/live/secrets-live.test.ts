/**
 * Promise 8 in live runs (harness/live/live-secrets.ts): every line the
 * coordinator and swarm hosts print and every HTTP answer the harness reads
 * is scanned for the workers' secret and the bearer tokens. The real system
 * passes; two defects planted in the real coordinator process (a preloaded
 * module, tests/live/plants) are each caught under promise 8: a start-up log
 * line carrying the secret, and a stats answer echoing the bearer token.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runLive } from '../../harness/live/runner.js';
import { parseScenario } from '../../harness/scenario/loader.js';

const SECRET = 'live-scan-secret-5f1c';
const YAML = `
name: live-secrets-test
description: tiny live run whose process output and HTTP answers are scanned for secrets
fleet:
  workers: 2
  concurrency: 2
coordinator:
  heartbeatMs: 300
  heartbeatTimeoutMs: 1000
  leaseMs: 1200
  secret: ${SECRET}
workload:
  items:
    - kind: echo
      count: 6
      ratePerSec: 20
phases:
  faultsMs: 500
  healMs: 10000
`;

const plant = (name: string): string => fileURLToPath(new URL(`./plants/${name}`, import.meta.url));

async function authMessages(coordinatorPreload?: string): Promise<string[]> {
  const scenario = parseScenario(YAML, 'live-secrets-test.yaml');
  const { json } = await runLive(scenario, { seed: 1, reportDir: null, ...(coordinatorPreload === undefined ? {} : { wiring: { coordinatorPreload } }) });
  return json.violations.filter((v) => v.promise === 8).map((v) => v.message);
}

describe('live: secrets in process output and HTTP answers', () => {
  it('the real system shows no secret', async () => {
    expect(await authMessages()).toEqual([]);
  }, 90_000);

  it('catches a coordinator that logs the secret at start', async () => {
    const msgs = await authMessages(plant('log-secret.mjs'));
    expect(msgs.some((m) => m.startsWith("the workers' secret showed in a log line") && m.includes("the coordinator (stderr)"))).toBe(true);
    expect(msgs.join('\n')).not.toContain(SECRET);
  }, 90_000);

  it('catches a stats answer that echoes the bearer token', async () => {
    const msgs = await authMessages(plant('echo-bearer.mjs'));
    expect(msgs.some((m) => m.includes('the bootstrap admin token') && m.includes('showed in an HTTP answer') && m.includes('GET /api/v1/stats'))).toBe(true);
  }, 90_000);
});
