/**
 * Preloaded into a coordinator child process (`node --import probe.mjs`) by
 * the live harness to measure, IN that process, event-loop lag and CPU time,
 * without touching system/cli. A timer due every SQUALL_PROBE_TICK_MS (default
 * 10) records how late it fired; every SQUALL_PROBE_FLUSH_MS (default 250)
 * one JSON line goes to SQUALL_PROBE_FILE:
 *   {"mono": <ms, timeOrigin + now>, "lagMs": [...], "cpuUserUs": n, "cpuSystemUs": n}
 * Plain JS so it needs no loader; unref'd so it never keeps the process alive.
 */
/* global process, performance, setInterval */
import { appendFileSync } from 'node:fs';

const file = process.env.SQUALL_PROBE_FILE;
if (file) {
  const tick = Number(process.env.SQUALL_PROBE_TICK_MS ?? 10);
  const flushEvery = Number(process.env.SQUALL_PROBE_FLUSH_MS ?? 250);
  const mono = () => performance.timeOrigin + performance.now();
  let lags = [];
  let expected = performance.now() + tick;
  const t = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, Math.round((now - expected) * 1000) / 1000));
    expected = now + tick;
  }, tick);
  t.unref();
  const f = setInterval(() => {
    const cpu = process.cpuUsage();
    const line = { mono: mono(), lagMs: lags, cpuUserUs: cpu.user, cpuSystemUs: cpu.system };
    lags = [];
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      // the harness may have removed its temp dir; measuring is best-effort
    }
  }, flushEvery);
  f.unref();
}
