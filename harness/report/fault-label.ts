/**
 * Names a fault for people: a partition by its sides ("{coordinator, east} |
 * {west}", "→" for a one-way cut) and the workers it cut off from the
 * coordinator, a link fault by its two ends, anything else by its target.
 * Reports and the live-run page use it, so a partition of one group is never
 * shown as hitting "all-workers".
 */

/** What a recorded fault carries (harness/check FaultDetails, loosely). */
export interface FaultLike {
  action: string;
  target: string;
  workers?: readonly string[] | undefined;
  params?: Record<string, unknown> | undefined;
}

interface Side {
  coordinator?: boolean;
  workers?: string[];
}

const sideName = (s: unknown): string => (Array.isArray(s) ? `{${s.map(String).join(', ')}}` : `{${String(s)}}`);

/** The label and the workers actually affected. */
export function describeFaultTarget(f: FaultLike): { label: string; workers: string[] } {
  const p = f.params ?? {};
  if (f.action === 'partition' && Array.isArray(p.groups)) {
    const oneWay = p.oneWay === true;
    const label = `${oneWay ? 'one-way ' : ''}${p.groups.map(sideName).join(oneWay ? ' → ' : ' | ')}`;
    const sides = Array.isArray(p.sides) ? (p.sides as Side[]) : [];
    const cut = sides.filter((s) => s.coordinator !== true).flatMap((s) => s.workers ?? []);
    return { label, workers: sides.length > 0 ? cut : [...(f.workers ?? [])] };
  }
  return { label: f.target, workers: [...(f.workers ?? [])] };
}

/** "partition {coordinator, east} | {west} (2 workers cut off)" for tables and chart lanes. */
export function faultTitle(f: FaultLike): string {
  const d = describeFaultTarget(f);
  if (f.action === 'partition') return `partition ${d.label} (${d.workers.length} worker${d.workers.length === 1 ? '' : 's'} cut off)`;
  return `${f.action} → ${d.label}`;
}
