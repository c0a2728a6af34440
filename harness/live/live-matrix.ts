/**
 * Runs every scenario file live against squall's own proxy and against the
 * real Toxiproxy (toxiproxy-server from TOXIPROXY_BIN, started here on a free
 * loopback port; skipped with a note when unset), and prints one table row
 * per run: scenario, proxy, verdict, faults applied/refused, wall time, and
 * the first problem. Scenarios whose faults a proxy cannot apply are refused
 * up front (preflight) and say so in the row. Long: mixed-chaos alone has a
 * 10-minute fault phase. Not part of `npm test`.
 *
 *   TOXIPROXY_BIN=../shared/tools/toxiproxy-2.12.0/toxiproxy-server npx tsx harness/live/live-matrix.ts [--only a,b] [--proxy embedded|real]
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderTable } from '../report/table.js';
import { freePort, REPO_ROOT, spawnChild, stopChild } from '../proc/index.js';
import { runLive } from './runner.js';
import { loadScenario } from '../scenario/loader.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const only = arg('--only')?.split(',');
const proxies = (arg('--proxy') ?? 'embedded,real').split(',');

async function startReal(bin: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawnChild(bin, ['-host', '127.0.0.1', '-port', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/version`)).ok) return { url, child };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`toxiproxy-server did not start on ${url}`);
}

const dir = join(REPO_ROOT, 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && (only === undefined || only.some((o) => f.startsWith(o)))).sort();
const bin = process.env['TOXIPROXY_BIN'];
const real = proxies.includes('real') && bin !== undefined && existsSync(bin) ? await startReal(bin) : undefined;
if (proxies.includes('real') && real === undefined) process.stderr.write('TOXIPROXY_BIN unset or missing: real-Toxiproxy runs skipped\n');
const rows: string[][] = [];
try {
  for (const f of files) {
    const scenario = await loadScenario(join(dir, f));
    for (const p of proxies) {
      if (p === 'real' && real === undefined) continue;
      const url = p === 'real' ? real?.url : '';
      process.stderr.write(`${scenario.name} on ${p}...\n`);
      const t0 = Date.now();
      const { json } = await runLive(scenario, { reportDir: null, proxyUrl: url ?? '', log: (l) => process.stderr.write(`  ${l}\n`) });
      const problem = json.error?.message.split('\n').slice(0, 2).join(' ') ?? json.violations[0]?.message ?? '';
      rows.push([scenario.name, p, json.passed ? 'pass' : 'FAIL', String(json.faults.applied.length), String(json.faults.refused.length), `${((Date.now() - t0) / 1000).toFixed(1)} s`, problem.slice(0, 110)]);
      process.stderr.write(`  -> ${rows[rows.length - 1]?.join(' | ')}\n`);
    }
  }
} finally {
  await stopChild(real?.child);
}
process.stdout.write(`${renderTable(['scenario', 'proxy', 'verdict', 'applied', 'refused', 'wall', 'first problem'], rows)}\n`);
