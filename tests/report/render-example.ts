/**
 * Renders the example reports from the fixtures, for looking at by eye:
 * `npx tsx tests/report/render-example.ts [outDir]` (default /tmp/squall-report-example).
 */
import { writeReport } from '../../harness/report/write.js';
import { benchFixture, liveFixture, simSweepFixture } from './fixtures.js';

const out = process.argv[2] ?? '/tmp/squall-report-example';
for (const make of [liveFixture, benchFixture, simSweepFixture]) {
  const result = make();
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const dir = await writeReport(result, { dir: out });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  console.log(`${dir} (${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU)`);
}
