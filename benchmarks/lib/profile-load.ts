/**
 * The load profile-coordinator.sh runs against a coordinator under clinic:
 * 4 workers in a child process, --tasks echo tasks submitted through
 * POST /api/v1/executions/batch until all complete, then --api-sec seconds
 * of single POST /api/v1/executions with autocannon (10 connections).
 * Bounded: every phase has a timeout. Prints a JSON summary.
 *
 *   node --import tsx benchmarks/lib/profile-load.ts --port P [--tasks 20000] [--api-sec 5]
 */
import { createRequire } from 'node:module';
import { argNumber } from './args.js';
import { spawnWorkerHost, waitForHttp } from './cluster.js';
import { maxHttp } from './load.js';

type Autocannon = (opts: Record<string, unknown>) => Promise<{ requests: { average: number }; non2xx: number; errors: number }>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const port = argNumber('port', Number(process.env.PORT ?? 0));
if (!port) throw new Error('profile-load: --port (or $PORT) is required');
const tasks = argNumber('tasks', 20_000);
const apiSec = argNumber('api-sec', 5);
const httpUrl = `http://127.0.0.1:${port}`;

async function main(): Promise<void> {
  await waitForHttp(`${httpUrl}/api/v1/stats`, 30_000);
  const workers = spawnWorkerHost(`ws://127.0.0.1:${port}`, 4, 64);
  try {
    await workers.ready;
    const dispatch = await maxHttp(httpUrl, { tasks, batchSize: 1000, inflight: 4, pollMs: 50, timeoutMs: 120_000, tag: 'profile' });
    const api = await autocannon({
      url: `${httpUrl}/api/v1/executions`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'echo', params: { value: 1 } }),
      connections: 10,
      duration: apiSec,
    });
    console.log(JSON.stringify({ load: 'profile', dispatch, api: { requestsPerSec: Math.round(api.requests.average), non2xx: api.non2xx, errors: api.errors } }));
  } finally {
    await workers.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
