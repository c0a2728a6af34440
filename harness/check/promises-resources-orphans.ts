/**
 * Promise 32 (resources), orphans: a worker's crash leaves its containers
 * running (they are the Docker engine's, not the worker's), and the
 * coordinator reassigns their attempts, so the work would run twice. When
 * the worker starts again, the container kind removes every container
 * labelled with its id (system/tasks/container.ts sweepOrphans). Judged:
 * a container still running when a later life of the worker that created it
 * starts (its first `connecting`) is gone within the tolerance, unless a
 * process fault on that worker overlaps the window.
 */
import type { CheckContext } from './context.js';
import type { Made } from './promises-resources.js';
import type { HistoryView } from './view.js';
import { type Violation, violation } from './violation.js';

/** The time each later life of `worker` started (its first `connecting`), by life number. */
function lifeStarts(view: HistoryView, worker: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const { rec, ev } of view.ofType('connecting')) {
    if (ev.workerId !== worker) continue;
    const life = view.lifeOf(worker, rec.index);
    if (!out.has(life)) out.set(life, rec.time);
  }
  return out;
}

/** A container running when a later life of its creator started: gone within `tol` of that start. */
function judgeOne(m: Made, starts: Map<number, number>, view: HistoryView, tol: number): Violation[] {
  const started = m.ops.find((r) => r.value.op === 'start');
  if (started === undefined) return [];
  const gone = m.ops.find((r) => r.value.op === 'exit' || r.value.op === 'remove');
  const goneAt = gone?.time ?? Infinity;
  const life = view.lifeOf(m.host, started.index);
  const next = [...starts.entries()].filter(([l, at]) => l > life && at < goneAt).sort((a, b) => a[0] - b[0])[0];
  if (next === undefined) return [];
  const by = next[1] + tol;
  // From just after the start: the fault that ended the earlier life is not one that excuses the new one.
  if (goneAt <= by || view.endAt < by || view.processFaultOn(m.host, next[1] + 1, by)) return [];
  const still = gone === undefined ? 'was still running at the end of the run' : `ran until t=${gone.time}`;
  const text = `container ${m.id} (execution ${m.execution} attempt ${m.attempt} on ${m.host}) outlived the worker process that created it and ${still}, but ${m.host} started again at t=${next[1]}: a starting worker removes every container labelled with its id, or the reassigned attempt runs twice (bound t=${by})`;
  return [violation(view.records, 'resources', text, { index: (gone ?? started).index, executionId: m.execution, workerId: m.host })];
}

/** Every container that outlived its creator's process, against the creator's next start. */
export function judgeOrphans(made: readonly Made[], view: HistoryView, ctx: CheckContext): Violation[] {
  const starts = new Map<string, Map<number, number>>();
  return made.flatMap((m) => {
    if (m.resource !== 'container') return [];
    let s = starts.get(m.host);
    if (s === undefined) starts.set(m.host, (s = lifeStarts(view, m.host)));
    return judgeOne(m, s, view, ctx.toleranceMs);
  });
}
