/**
 * Promise 26 (issue 10, docs/DEFECTS.md classes 09 and 21): a worker's
 * concurrency is used, and never exceeded. Both defects heal by redundancy
 * (a refused assignment is re-queued and another worker runs it), so the
 * outcome stays right and only the trigger shows them:
 *  - a worker refuses a fresh assignment (a `revoked` result for a lease it
 *    never started) while fewer of its attempts are live than its
 *    concurrency and it is not draining: a capacity leak (ghost attempts);
 *  - the coordinator claims a lease for a worker that already holds its
 *    concurrency in live leases (free capacity counted without the leases
 *    it holds).
 * Needs CheckContext.workerConcurrency (the fleet's); without it nothing is judged. A
 * worker restarted with another --concurrency is judged by its new one
 * (worker-capabilities.ts): its process by its own, the coordinator by its
 * latest registration's (blind set 17 #13).
 */
import type { CheckContext } from './context.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';
import { WorkerCapabilities } from './worker-capabilities.js';

/** A worker's concurrency at a record index: its process's (the worker's own view) or its latest registration's (the coordinator's). */
type Limit = (w: string, index: number) => number | undefined;

/** 26. Refusals below capacity and claims beyond it, each against the concurrency in force then (worker-capabilities.ts). */
export function checkCapacity(view: HistoryView, ctx: CheckContext): Violation[] {
  const caps = new WorkerCapabilities(view, ctx);
  const fleet = ctx.maxConcurrency === undefined ? [] : claimsBeyondCapacity(view, () => ctx.maxConcurrency, 'fleet');
  if (ctx.workerConcurrency === undefined && !caps.any) return fleet;
  const own: Limit = (w, i) => caps.ofProcess(w, i).concurrency;
  const registered: Limit = (w, i) => caps.atCoordinator(w, i).concurrency;
  return [...refusalsBelowCapacity(view, own), ...attemptsBeyondConcurrency(view, own), ...claimsBeyondCapacity(view, registered, 'worker'), ...fleet];
}

/**
 * Worker side, from its own trace: it never runs more than its concurrency
 * at once, whatever it is offered (an assignment beyond it is handed back as a
 * `revoked` result, never started). The real coordinator never offers more,
 * except when its view is stale: a worker back in a new session after its
 * leases expired still runs them until its sync revokes them, and an
 * assignment can reach it first (scenario zombie-checkpoint; set 10 #20, a
 * runner that admits at running == concurrency, runs concurrency + 1).
 */
function attemptsBeyondConcurrency(view: HistoryView, limitOf: Limit): Violation[] {
  const out: Violation[] = [];
  for (const [w, all] of view.byWorker) {
    /** Live attempts by lease: their execution, and whether they were aborted (settling). */
    const live = new Map<string, { executionId: string; aborted: boolean }>();
    let life = -1;
    for (const e of all) {
      if (e.ev.source !== w) continue;
      const l = view.lifeOf(w, e.rec.index);
      if (l !== life) live.clear();
      life = l;
      const ev = e.ev;
      if (ev.type === 'task_finished') live.delete(ev.leaseToken);
      const aborted = ev.type === 'task_aborted' ? live.get(ev.leaseToken) : undefined;
      if (aborted !== undefined) aborted.aborted = true;
      if (ev.type !== 'task_started') continue;
      // A new lease of the same execution supersedes an aborted attempt still settling: it takes that slot
      // (the runner replaces the entry), so the old one no longer counts, for this start or any later one.
      for (const [t, r] of live) if (r.aborted && r.executionId === ev.executionId) live.delete(t);
      const others = [...live.keys()];
      live.set(ev.leaseToken, { executionId: ev.executionId, aborted: false });
      const limit = limitOf(w, e.rec.index);
      if (limit === undefined || others.length < limit) continue;
      out.push(
        violation(
          view.records,
          'capacity',
          `${w} started lease ${ev.leaseToken} at t=${e.rec.time} while ${others.length} of its attempts were live (${others.join(', ')}), its whole concurrency ${limit}: an assignment beyond it must be handed back (a revoked result), not run`,
          { index: e.rec.index, workerId: w, executionId: ev.executionId },
        ),
      );
    }
  }
  return out;
}

/** The lease token of a worker-side `result:<exec>/<lease>/revoked` key, else undefined. */
function refusedLease(key: string | undefined): string | undefined {
  const m = key === undefined ? null : /^result:[^/]*\/([^/]+)\/revoked$/.exec(key);
  return m?.[1];
}

/** Worker side: a fresh assignment refused while the worker's live attempts were below its concurrency. */
function refusalsBelowCapacity(view: HistoryView, limitOf: Limit): Violation[] {
  const out: Violation[] = [];
  for (const [w, all] of view.byWorker) {
    const mine = all.filter((e) => e.ev.source === w);
    const started = new Set(mine.filter((e) => e.ev.type === 'task_started').map((e) => (e as Ev<'task_started'>).ev.leaseToken));
    const drainingLives = new Set(mine.filter((e) => e.ev.type === 'msg_sent' && e.ev.key === 'drain').map((e) => view.lifeOf(w, e.rec.index)));
    for (const e of mine) {
      if (e.ev.type !== 'msg_sent' || e.ev.dir !== 'to_coordinator' || e.ev.resend) continue;
      const lease = refusedLease(e.ev.key);
      if (lease === undefined || started.has(lease)) continue;
      const life = view.lifeOf(w, e.rec.index);
      if (drainingLives.has(life)) continue;
      // The worker decided when the assignment was handed to its logic (else: when it answered).
      const decided = mine.find((x) => x.ev.type === 'msg_delivered' && x.ev.dir === 'to_worker' && x.ev.key?.endsWith(`/${lease}`) === true) ?? e;
      const live = liveAttempts(view, w, mine, decided.rec.index);
      const limit = limitOf(w, decided.rec.index);
      if (limit === undefined || live >= limit) continue;
      out.push(
        violation(
          view.records,
          'capacity',
          `${w} refused lease ${lease} (revoked without starting it) at t=${decided.rec.time} with ${live} live attempt(s) below its concurrency ${limit}, not draining: a capacity leak (an ended attempt still fills a slot)`,
          { index: e.rec.index, workerId: w, ...executionOf(e.ev.key) },
        ),
      );
    }
  }
  return out;
}

/** Attempts of w's life at `index` started before it and not finished before it (an aborted attempt is live until it settles). */
function liveAttempts(view: HistoryView, w: string, mine: readonly Ev[], index: number): number {
  const life = view.lifeOf(w, index);
  const live = new Set<string>();
  for (const e of mine) {
    if (e.rec.index >= index) break;
    if (e.ev.type === 'task_started' && view.lifeOf(w, e.rec.index) === life) live.add(e.ev.leaseToken);
    else if (e.ev.type === 'task_finished') live.delete(e.ev.leaseToken);
  }
  return live.size;
}

function executionOf(key: string | undefined): { executionId?: string } {
  const m = key === undefined ? null : /^[a-z_]+:([^/]+)\//.exec(key);
  return m?.[1] === undefined ? {} : { executionId: m[1] };
}

/** One change of a worker's live leases as the coordinator decided it (`at`: the engine's clock, before the commit). */
interface LeaseStep {
  e: Ev;
  at: number;
  /** +1 a claim, -1 the lease's end. */
  delta: 1 | -1;
}

/**
 * Coordinator side: a claim while the worker already held its concurrency in
 * live leases. Ordered by the engine's own `at` (events are recorded when
 * their commit lands, which may reorder two executions' events); at one
 * instant ends go first. A coordinator restart or a store reload (which may
 * roll leases back without events) starts the count afresh. Per worker
 * (its concurrency) or for the whole fleet (the engine's maxConcurrency).
 */
function claimsBeyondCapacity(view: HistoryView, limitOf: Limit, per: 'worker' | 'fleet'): Violation[] {
  const out: Violation[] = [];
  const steps = new Map<string, LeaseStep[]>();
  const ended = new Set<string>();
  const resets: number[] = [];
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source !== 'coordinator') continue;
    if (ev.type === 'store_recovered') resets.push(ev.at);
    if (ev.type === 'claimed') push(steps, per === 'fleet' ? 'the fleet' : ev.workerId, { e, at: ev.at, delta: 1 });
    else if ((ev.type === 'lease_released' || ev.type === 'lease_expired' || ev.type === 'result_recorded') && !ended.has(ev.leaseToken)) {
      ended.add(ev.leaseToken);
      push(steps, per === 'fleet' ? 'the fleet' : ev.workerId, { e, at: ev.at, delta: -1 });
    }
  }
  for (const [w, list] of steps) {
    list.sort((a, b) => a.at - b.at || a.delta - b.delta || a.e.rec.index - b.e.rec.index);
    const held = new Set<string>();
    // A lease ended in the very instant it was claimed (a sync that did not report it yet): ends go first at one
    // instant, so its end is met before its claim, and its claim holds nothing past that instant.
    const endedFirst = new Set<string>();
    let life = 0;
    let reset = 0;
    for (const s of list) {
      const sLife = view.lifeOf('coordinator', s.e.rec.index);
      let r = reset;
      while (r < resets.length && (resets[r] as number) <= s.at) r++;
      if (sLife !== life || r !== reset) held.clear();
      life = sLife;
      reset = r;
      const ev = s.e.ev as Ev<'claimed'>['ev'];
      if (s.delta === -1) {
        if (!held.delete(ev.leaseToken)) endedFirst.add(ev.leaseToken);
        continue;
      }
      held.add(ev.leaseToken);
      const limit = limitOf(ev.workerId, s.e.rec.index);
      const over = limit !== undefined && held.size > limit;
      if (endedFirst.delete(ev.leaseToken)) held.delete(ev.leaseToken);
      if (!over) continue;
      const says =
        per === 'fleet'
          ? `lease ${ev.leaseToken} claimed for ${ev.workerId} at t=${s.at} while ${held.size - 1} execution(s) were already in flight, the engine's maxConcurrency ${limit}`
          : `lease ${ev.leaseToken} claimed for ${w} at t=${s.at} while it already held ${held.size - 1} live lease(s), its whole concurrency ${limit}: free capacity must count the leases a worker holds`;
      out.push(violation(view.records, 'capacity', says, { index: s.e.rec.index, executionId: ev.executionId, workerId: ev.workerId }));
    }
  }
  return out;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}
