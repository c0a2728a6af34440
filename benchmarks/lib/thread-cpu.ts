/**
 * CPU time per thread of this process, from /proc/self/task (Linux; empty
 * elsewhere): how a coordinator's CPU splits between its main thread, the
 * SQLite store's thread and V8's platform threads (GC, compilation).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** user + system ms of every live thread of this process, by thread id. */
export function threadCpuMs(): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(f[11]) + Number(f[12])) * 10);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/**
 * CPU spent between two snapshots by threads other than the main one: those
 * started after `before` (the store's thread: started when the store opened)
 * and the others (V8's platform threads, libuv's); undefined without /proc.
 */
export function threadSplitMs(
  before: ReadonlyMap<string, number>,
  t0: ReadonlyMap<string, number>,
  t1: ReadonlyMap<string, number>,
): { newThreads: number; otherThreads: number } | undefined {
  if (t1.size === 0) return undefined;
  const main = String(process.pid);
  let newThreads = 0;
  let otherThreads = 0;
  for (const [tid, ms] of t1) {
    if (tid === main) continue;
    const spent = ms - (t0.get(tid) ?? 0);
    if (before.has(tid)) otherThreads += spent;
    else newThreads += spent;
  }
  return { newThreads, otherThreads };
}
