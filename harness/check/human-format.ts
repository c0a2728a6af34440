/**
 * The checker's own copy of how the CLI shows times to a person, written
 * from the README ("Operating it from the command line"), never from
 * system/cli/format.ts: a time prints as `2026-12-02T08:30:12.914Z (3s
 * ago)` (or `(in 1h30m)` for one ahead), and an age or a span in its two
 * largest units, each truncated: under a minute whole seconds (`0s`, `42s`),
 * then `2m5s`, `1h30m`, `2d5h`. A table cell that has no time is `-`. How
 * long an execution ran: `950ms`, `1.5s` (under 10 s), then as a span.
 */

/** [unit ms, unit name, next unit ms, next unit name], largest first. */
const UNITS: readonly [number, string, number, string][] = [
  [86_400_000, 'd', 3_600_000, 'h'],
  [3_600_000, 'h', 60_000, 'm'],
  [60_000, 'm', 1000, 's'],
];

/** An age or span (ms >= 0) as the README shows it: `42s`, `2m5s`, `1h30m`, `2d5h`. */
export function humanSpan(ms: number): string {
  for (const [big, bu, small, su] of UNITS) {
    if (ms < big) continue;
    const whole = Math.floor(ms / big);
    return `${whole}${bu}${Math.floor((ms - whole * big) / small)}${su}`;
  }
  return `${Math.floor(ms / 1000)}s`;
}

/** Whether `shown` is how long `ms` ran, as the README shows it: `950ms`, `1.5s` (tenths, rounded either way, under 10 s), then as a span (`42s`, `1h30m`). */
export function isRunLength(shown: string, ms: number): boolean {
  if (ms < 1000) return shown === `${Math.round(ms)}ms`;
  const tenths = /^(\d+\.\d)s$/.exec(shown)?.[1];
  if (ms < 10_000) return tenths !== undefined && Math.abs(Number(tenths) * 1000 - ms) <= 50;
  return shown === humanSpan(ms);
}

/** `3s ago` / `in 1h30m` for a time seen at `now`; `-` for none. */
export function humanAge(at: number | null | undefined, now: number): string {
  if (at === null || at === undefined) return '-';
  return at <= now ? `${humanSpan(now - at)} ago` : `in ${humanSpan(at - now)}`;
}

/** Every `<ISO> (<age>)` a text shows: [the time, the age as printed]. */
export function timesShown(text: string): [number, string][] {
  return [...text.matchAll(/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) \(([^)]*)\)/g)].map((m): [number, string] => [Date.parse(m[1] as string), m[2] as string]);
}

/** A table's rows (after its header and the rule under it), each split into cells at two or more spaces. */
export function tableRows(text: string, firstHeader: string): string[][] {
  const lines = text.split('\n');
  const head = lines.findIndex((l) => l.startsWith(firstHeader));
  if (head < 0) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(head + 2)) {
    if (line.trim() === '' || /^\d+ \w+\(s\)/.test(line)) break;
    rows.push(line.trim().split(/ {2,}/));
  }
  return rows;
}
