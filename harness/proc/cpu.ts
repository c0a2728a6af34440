/** CPU time of processes, for cost per unit of work (the machine is shared, so wall time is noisy). */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** user + system ms from the text of /proc/<pid>/stat (clock ticks assumed 100/s, Linux's CLK_TCK). */
function statCpuMs(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // after "pid (comm) ": state is field 3 → index 0; utime is field 14 → index 11, stime 15 → 12.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks * 10 : undefined;
}

/** CPU time (user + system) of another process in ms, from /proc; undefined when unavailable. */
export async function procCpuMs(pid: number): Promise<number | undefined> {
  try {
    return statCpuMs(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** procCpuMs, synchronously (for a measurement taken right before a kill). */
export function procCpuMsSync(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) of this process in ms. */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return Math.round((u.user + u.system) / 1000);
}

/** CPU time (user + system) of this process's main thread in ms (the rest of processCpuMs() is other threads: a store thread, GC, libuv); undefined without /proc. */
export function mainThreadCpuMs(): number | undefined {
  try {
    return statCpuMs(readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}
