/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time per function
 * (url:line) and self time per file, top N, as JSON. Used to read where the
 * coordinator's time goes without a browser.
 *
 *   npx tsx benchmarks/lib/cpuprofile-top.ts FILE.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { argNumber } from './args.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time per function and per file, in ms, biggest first. */
export function topSelfTime(
  profile: Profile,
  top: number,
): { totalMs: number; functions: { fn: string; ms: number; pct: number }[]; inclusive: { fn: string; ms: number; pct: number }[]; files: { file: string; ms: number; pct: number }[] } {
  const short = (url: string): string => url.replace(/^file:\/\//, '').replace(/^.*\/work\/main\//, '').replace(/^.*node_modules\//, 'nm/');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, ms] of self) {
    const cf = byId.get(id)?.callFrame;
    if (cf === undefined) continue;
    const file = cf.url === '' ? '(native)' : short(cf.url);
    const key = `${cf.functionName || '(anonymous)'} ${file}:${cf.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + ms);
    files.set(file, (files.get(file) ?? 0) + ms);
  }
  // Inclusive ("total") time per function: each sample counts once per distinct function on its stack.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (id: number): string => {
    const cf = byId.get(id)?.callFrame;
    return cf === undefined ? '?' : `${cf.functionName || '(anonymous)'} ${cf.url === '' ? '(native)' : short(cf.url)}:${cf.lineNumber + 1}`;
  };
  const incl = new Map<string, number>();
  for (const [id, ms] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) seen.add(keyOf(cur));
    for (const k of seen) incl.set(k, (incl.get(k) ?? 0) + ms);
  }
  const pct = (ms: number): number => Math.round((ms / total) * 1000) / 10;
  const sorted = <K extends string>(m: Map<string, number>, k: K) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]) => ({ [k]: name, ms: Math.round(ms), pct: pct(ms) }) as Record<K, string> & { ms: number; pct: number });
  return { totalMs: Math.round(total), functions: sorted(fns, 'fn'), inclusive: sorted(incl, 'fn'), files: sorted(files, 'file') };
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: cpuprofile-top.ts FILE.cpuprofile [--top N]');
  console.log(JSON.stringify(topSelfTime(JSON.parse(readFileSync(file, 'utf8')) as Profile, argNumber('top', 25)), null, 1));
}
