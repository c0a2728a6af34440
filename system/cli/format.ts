/**
 * How the client commands show things to a person: times as "3s ago" plus
 * ISO-8601 (never epoch milliseconds), durations as "1.2s", rows as an
 * aligned table. Machine output (--json, or stdout not a TTY) stays JSON,
 * with times as ISO strings too.
 */

/** "4s ago", "3m ago", "in 2h" relative to now; "-" for none. */
export function ago(at: number | null | undefined, now: number): string {
  if (at === null || at === undefined) return '-';
  const d = now - at;
  const s = duration(Math.abs(d), false);
  return d >= 0 ? `${s} ago` : `in ${s}`;
}

/** 950 -> "950ms", 1500 -> "1.5s", 125000 -> "2m5s", 7200000 -> "2h0m", 3 days -> "3d0h". */
export function duration(ms: number, precise = true): string {
  if (ms < 1000) return precise ? `${Math.round(ms)}ms` : '0s';
  if (ms < 60_000) return precise && ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.floor(ms / 1000)}s`;
  const units: [number, string, number, string][] = [
    [86_400_000, 'd', 3_600_000, 'h'],
    [3_600_000, 'h', 60_000, 'm'],
    [60_000, 'm', 1000, 's'],
  ];
  const [big, bu, small, su] = units.find(([u]) => ms >= u) as [number, string, number, string];
  return `${Math.floor(ms / big)}${bu}${Math.floor((ms % big) / small)}${su}`;
}

/** ISO-8601 UTC, or "-" for none. */
export function iso(at: number | null | undefined): string {
  return at === null || at === undefined ? '-' : new Date(at).toISOString();
}

/** "2026-12-02T08:30:12.914Z (3s ago)". */
export function when(at: number | null | undefined, now: number): string {
  return at === null || at === undefined ? '-' : `${iso(at)} (${ago(at, now)})`;
}

/** A plain-text table for terminals: padded columns, a rule under the header (the harness's reports use it too). */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (align[i] === 'r' ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Fields the API returns as epoch ms, at any depth of a JSON view. */
const TIME_FIELDS = new Set(['at', 'createdAt', 'startedAt', 'completedAt', 'scheduledAt', 'nextRunAt', 'expiresAt', 'connectedAt', 'connectedSince', 'lastSeenAt', 'lastHeartbeatAt', 'disconnectedAt', 'failingSince']);

/** A JSON view with every epoch-ms time field as an ISO string (for --json and submit --wait). */
export function isoTimes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(isoTimes);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [k, TIME_FIELDS.has(k) && typeof x === 'number' && x > 0 ? new Date(x).toISOString() : isoTimes(x)]),
  );
}
