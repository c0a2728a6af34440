/**
 * Promise 26 (capacity), allowed kinds (blind set 13 #14): a worker runs a
 * dangerous kind (command, container: DANGEROUS_KINDS) only when started with
 * it allowed (WorkerConfig.allowKinds, --allow-kinds), advertises only what it
 * runs, and the coordinator assigns it nothing else. So, with the fleet's
 * allowKinds known (CheckContext.workerAllowKinds):
 *  - the coordinator never claims an execution of a dangerous kind for a
 *    worker that was not started with it: it must wait for one that was (a
 *    worker offered a kind it does not run refuses it `kind_not_allowed`, and
 *    the execution fails or burns a retry instead).
 * And GET /api/v1/workers, read during the run (gauge reads), lists each
 * connected worker with its latest registration's concurrency and dangerous
 * kinds. Against the kinds of the worker's latest registration (a worker restarted
 * with another --allow-kinds: worker-capabilities.ts, blind set 17 #13).
 * Without workerAllowKinds nothing is judged.
 */
import { DANGEROUS_KINDS } from './spec-tables.js';
import type { CheckContext } from './context.js';
import type { GaugeRead } from './promises-metrics-gauges.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';
import { WorkerCapabilities } from './worker-capabilities.js';

/** 26. Dangerous kinds go only to workers started with them allowed. */
export function checkAllowedKinds(view: HistoryView, ctx: CheckContext): Violation[] {
  if (ctx.workerAllowKinds === undefined) return [];
  // The kinds of the worker's latest registration before the claim (a restart with another --allow-kinds: worker-capabilities.ts).
  const caps = new WorkerCapabilities(view, ctx);
  const out: Violation[] = [];
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.type === 'claimed' && ev.source === 'coordinator') {
      const kind = view.submitted.get(ev.executionId)?.ev.kind;
      const mine = caps.atCoordinator(ev.workerId, e.rec.index).allowKinds ?? [];
      if (kind === undefined || !DANGEROUS_KINDS.has(kind) || mine.includes(kind)) continue;
      out.push(violation(view.records, 'capacity', `${ev.executionId} (kind ${kind}) was claimed for ${ev.workerId}, which was started allowing [${mine.join(', ')}]: a worker is given only the dangerous kinds it allowed (and advertised); this work must wait for a worker that allows ${kind}`, { index: e.rec.index, executionId: ev.executionId, workerId: ev.workerId }));
    }
  }
  return [...out, ...listedCapabilities(view, caps)];
}

/**
 * GET /api/v1/workers (a gauge read, client-gauges.ts) lists each connected
 * worker with the concurrency and dangerous kinds of its latest registration
 * (a worker restarted with other flags shows the new ones, blind set 17 #13).
 */
function listedCapabilities(view: HistoryView, caps: WorkerCapabilities): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    const read = rec.f === 'note' ? (rec.value.gaugeRead as GaugeRead | undefined) : undefined;
    for (const [w, concurrency, kinds] of read?.capabilities ?? []) {
      const want = caps.atCoordinator(w, rec.index);
      const wantKinds = [...(want.allowKinds ?? [])].sort();
      if ((want.concurrency === undefined || concurrency === want.concurrency) && JSON.stringify(kinds) === JSON.stringify(wantKinds)) continue;
      const says = `GET /api/v1/workers at t=${read?.at ?? rec.time} lists ${w} with concurrency ${JSON.stringify(concurrency)} and dangerous kinds ${JSON.stringify(kinds)}, but its latest registration came from a process started with concurrency ${want.concurrency ?? '?'} allowing ${JSON.stringify(wantKinds)}: a worker's capabilities are those of its latest registration`;
      out.push(violation(view.records, 'capacity', says, { index: rec.index, workerId: w }));
    }
  }
  return out;
}
