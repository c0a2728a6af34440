/**
 * A worker's capabilities over its whole life (blind set 17 #13): a worker
 * restarted with another command line (a restart fault whose details carry
 * `capabilities`, {concurrency, allowKinds}: scenario restart `args`) runs
 * with the new ones, and its registration tells the coordinator. So:
 * - the worker itself holds to the capabilities of the process that emits
 *   an event (the last restart with capabilities before it);
 * - the coordinator holds to those of the worker's latest registration
 *   before its decision (a claim between the restart and the new
 *   registration is still made on the old session's word).
 * Without such restarts every answer is the fleet's (CheckContext).
 */
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import { affectsWorker } from './view.js';

/** What a worker process was started with. */
export interface Capabilities {
  concurrency: number | undefined;
  allowKinds: readonly string[] | undefined;
}

/** One restart with new capabilities: from record `index` on, the worker's process has `caps`. */
interface Change {
  index: number;
  caps: { concurrency?: number; allowKinds?: readonly string[] };
}

export class WorkerCapabilities {
  private readonly changes = new Map<string, Change[]>();
  private readonly registrations = new Map<string, number[]>();

  constructor(
    view: HistoryView,
    private readonly ctx: CheckContext,
  ) {
    for (const f of view.faults) {
      const caps = f.details.params?.capabilities as Change['caps'] | undefined;
      if (f.details.action !== 'restart' || caps === undefined) continue;
      for (const w of f.details.workers ?? []) if (affectsWorker(f.details, w)) this.changes.set(w, [...(this.changes.get(w) ?? []), { index: f.start.index, caps }]);
    }
    for (const e of view.ofType('worker_registered')) {
      if (e.ev.source === 'coordinator') this.registrations.set(e.ev.workerId, [...(this.registrations.get(e.ev.workerId) ?? []), e.rec.index]);
    }
  }

  /** Whether any worker was restarted with other capabilities (else every answer is the fleet's). */
  get any(): boolean {
    return this.changes.size > 0;
  }

  /** The capabilities of w's process at record `index` (the worker's own view). */
  ofProcess(w: string, index: number): Capabilities {
    let caps: Capabilities = { concurrency: this.ctx.workerConcurrency, allowKinds: this.ctx.workerAllowKinds === undefined ? undefined : (this.ctx.workerAllowKinds[w] ?? []) };
    for (const c of this.changes.get(w) ?? []) {
      if (c.index >= index) break;
      caps = { concurrency: c.caps.concurrency ?? caps.concurrency, allowKinds: c.caps.allowKinds ?? caps.allowKinds };
    }
    return caps;
  }

  /** The capabilities the coordinator must hold for w at record `index`: those its latest registration before it carried. */
  atCoordinator(w: string, index: number): Capabilities {
    const regs = this.registrations.get(w) ?? [];
    let last: number | undefined;
    for (const r of regs) {
      if (r >= index) break;
      last = r;
    }
    return this.ofProcess(w, last ?? index);
  }
}
