/**
 * Promises about executions (ARCHITECTURE.md 1–5): no lost work,
 * exactly-once completion, no double ownership, order. Each checker walks the
 * events of one execution in history order. Retries (5) are in
 * promises-retries.ts.
 */
import type { ExecutionStatus } from '../../system/core/index.js';
import { TERMINAL_STATUSES } from './spec-tables.js';
import type { CheckContext } from './context.js';
import { type Ev, finalTerminals, type HistoryView, interimStatuses, isStatus } from './view.js';
import { checkStuckLeases } from './promises-leases.js';
import { type Violation, violation } from './violation.js';

const isTerminal = (s: ExecutionStatus): boolean => TERMINAL_STATUSES.has(s);
/** Statuses in which an execution holds a lease. */
const LEASED: ReadonlySet<ExecutionStatus> = new Set(['preparing', 'running']);

/** 1. Every acknowledged submission reaches a terminal state, within healMs after heal; no lease outlives its holder's connection (checkStuckLeases). */
export function checkNoLostWork(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = checkStuckLeases(view, ctx);
  const healAt = ctx.healAt ?? view.healAt;
  for (const [id, ack] of view.acked) {
    const events = view.byExecution.get(id) ?? [];
    const st = events.filter(isStatus);
    const terminal = finalTerminals(events)[0];
    const last = st[st.length - 1];
    if (terminal === undefined) {
      const where = last === undefined ? 'the coordinator never mentioned it after the acknowledgement' : `last status ${last.ev.to} at t=${last.rec.time}`;
      out.push(
        violation(view.records, 'no-lost-work', `acknowledged at t=${ack.ok.time} but never reached a terminal state (${where}; run ended at t=${view.endAt})`, {
          index: last?.rec.index ?? ack.ok.index,
          executionId: id,
        }),
      );
    } else if (healAt !== undefined && terminal.rec.time > healAt + ctx.healMs) {
      out.push(
        violation(
          view.records,
          'no-lost-work',
          `reached ${terminal.ev.to} at t=${terminal.rec.time}, ${terminal.rec.time - healAt} ms after heal; the bound is ${ctx.healMs} ms`,
          { index: terminal.rec.index, executionId: id },
        ),
      );
    }
  }
  return out;
}

interface Claim {
  token: string;
  attempt: number;
  workerId: string;
  open: boolean;
  ended?: string;
  /** The engine releases a lease as it records its outcome: the release reason is that outcome. */
  releasedFor?: string;
}

/** Worker-side completions (first finish per worker/lease), to check a recorded completion came from its lease holder. */
interface WorkerFinishes {
  finishedAt: Map<string, number>;
  reporting: Set<string>;
}

/** One execution's walk for checkExactlyOnce. */
interface OnceWalk {
  current: Claim | undefined;
  recorded: Set<string>;
  // Leases released because of a result (reason = the outcome): the result_recorded event follows the
  // commit, so with an immediate retry it can come after the next attempt's claim; it is still fenced.
  releasedForResult: Map<string, string>;
  completed: Ev | undefined;
  terminal: Ev<'status'> | undefined;
  v: (e: Ev, message: string) => void;
}

/** 2. At most one recorded result per attempt, one completion, one terminal state; results only under the current lease. */
export function checkExactlyOnce(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const finishes = workerFinishes(view);
  for (const [id, events] of view.byExecution) {
    const interim = interimStatuses(events);
    const w: OnceWalk = {
      current: undefined,
      recorded: new Set(),
      releasedForResult: new Map(),
      completed: undefined,
      terminal: undefined,
      v: (e, message) => out.push(violation(view.records, 'exactly-once', message, { index: e.rec.index, executionId: id })),
    };
    for (const e of events) {
      const ev = e.ev;
      switch (ev.type) {
        case 'claimed':
          w.current = { token: ev.leaseToken, attempt: ev.attempt, workerId: ev.workerId, open: true };
          break;
        case 'lease_expired':
        case 'lease_released':
          if (ev.type === 'lease_released') w.releasedForResult.set(ev.leaseToken, ev.reason);
          if (w.current !== undefined && w.current.token === ev.leaseToken && w.current.open) {
            w.current.open = false;
            w.current.ended = `${ev.type === 'lease_expired' ? 'expired' : `was released (${ev.type === 'lease_released' ? ev.reason : ''})`} at t=${e.rec.time}`;
            if (ev.type === 'lease_released') w.current.releasedFor = ev.reason;
          }
          break;
        case 'result_recorded':
          onceResult(w, e, ev, finishes, ctx);
          break;
        case 'status':
          if (interim.has(e.rec.index)) break;
          if (w.terminal !== undefined) {
            w.v(e, `left terminal state ${w.terminal.ev.to} (reached at t=${w.terminal.rec.time}) for ${ev.to}`);
          } else if (isTerminal(ev.to)) w.terminal = { rec: e.rec, ev };
          break;
        default:
          break;
      }
    }
  }
  return out;
}

function workerFinishes(view: HistoryView): WorkerFinishes {
  const finishedAt = new Map<string, number>();
  const reporting = new Set<string>();
  for (const e of view.ofType('task_finished')) {
    reporting.add(e.ev.workerId);
    const k = `${e.ev.workerId}/${e.ev.leaseToken}`;
    if (e.ev.outcome === 'completed' && !finishedAt.has(k)) finishedAt.set(k, e.rec.time);
  }
  return { finishedAt, reporting };
}

/** Judges one recorded result: not a duplicate, fenced by the current lease, from its holder, not a second completion. */
function onceResult(w: OnceWalk, e: Ev, ev: Ev<'result_recorded'>['ev'], finishes: WorkerFinishes, ctx: CheckContext): void {
  const { current, v } = w;
  const key = `${ev.attempt}/${ev.leaseToken}`;
  if (w.recorded.has(key)) v(e, `a second result was recorded for attempt ${ev.attempt} (lease ${ev.leaseToken}); duplicates must be acknowledged and ignored`);
  w.recorded.add(key);
  if (current === undefined) v(e, `a result was recorded (lease ${ev.leaseToken}) for an execution that was never claimed`);
  else if (current.token !== ev.leaseToken) {
    if (w.releasedForResult.get(ev.leaseToken) !== ev.outcome) v(e, `a result with lease ${ev.leaseToken} (attempt ${ev.attempt}, ${ev.workerId}) was recorded, but the current lease is ${current.token} (attempt ${current.attempt}, ${current.workerId}): not fenced`);
  } else if (!current.open && current.releasedFor !== ev.outcome) {
    v(e, `a result was recorded under lease ${ev.leaseToken} after that lease ${current.ended ?? 'ended'}: not fenced`);
  }
  if (current !== undefined && current.token === ev.leaseToken) current.releasedFor = undefined;
  if (ev.outcome === 'completed' && finishes.reporting.has(ev.workerId)) {
    const done = finishes.finishedAt.get(`${ev.workerId}/${ev.leaseToken}`);
    if (done === undefined || done > e.rec.time + ctx.toleranceMs) {
      v(e, `completion recorded for ${ev.workerId}'s lease ${ev.leaseToken} at t=${e.rec.time}, but that worker ${done === undefined ? 'never finished it' : `only finished it at t=${done}`}: the result came from someone else (not fenced)`);
    }
  }
  if (ev.outcome === 'completed') {
    if (w.completed !== undefined) v(e, `completed twice (first at t=${w.completed.rec.time}, again at t=${e.rec.time})`);
    w.completed = e;
  }
}

/** A restart re-queued a leased execution whose stored record had no lease (system/engine/recovery.ts): a claim
 * still open then was committed with its lease, so the store lost it and its holder was never told (class 40). */
const RECOVERED_WITHOUT_LEASE = 'recovered_without_lease';

/**
 * 3. Never two valid leases on one execution: a lease lives from claimed to its result, expiry, release or the
 * end of the leased state (not a re-queue at recovery that lost a committed lease: see RECOVERED_WITHOUT_LEASE).
 */
export function checkNoDoubleOwnership(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  for (const [id, events] of view.byExecution) {
    const open = new Map<string, Ev<'claimed'>>();
    const lostAtRecovery = new Set<string>();
    for (const e of events) {
      const ev = e.ev;
      if (ev.type === 'claimed') {
        for (const [token, c] of open) {
          if (token === ev.leaseToken) continue;
          const lost = lostAtRecovery.has(token) ? ` (its claim committed, yet the restarted coordinator recovered the execution without a lease and re-queued it: the store lost the lease)` : '';
          out.push(
            violation(
              view.records,
              'no-double-ownership',
              `claimed by ${ev.workerId} (lease ${ev.leaseToken}, attempt ${ev.attempt}) at t=${e.rec.time} while ${c.ev.workerId}'s lease ${token} (attempt ${c.ev.attempt}, claimed at t=${c.rec.time}) was still valid${lost}`,
              { index: e.rec.index, executionId: id, workerId: ev.workerId },
            ),
          );
        }
        open.set(ev.leaseToken, e as Ev<'claimed'>);
      } else if (ev.type === 'lease_expired' || ev.type === 'lease_released' || ev.type === 'result_recorded') {
        open.delete(ev.leaseToken);
      } else if (ev.type === 'status' && ev.reason === RECOVERED_WITHOUT_LEASE) {
        for (const token of open.keys()) lostAtRecovery.add(token);
      } else if (ev.type === 'status' && !LEASED.has(ev.to)) {
        open.clear();
      }
    }
  }
  return out;
}

/** Per execution: the index of its first completion, and its last status event. */
interface Outcomes {
  completedAt: Map<string, number>;
  finalStatus: Map<string, Ev<'status'>>;
}

/** 4. Nothing is claimed or started before its dependencies completed; dependents of failed ones end failed. */
export function checkOrder(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const o: Outcomes = { completedAt: new Map(), finalStatus: new Map() };
  for (const e of view.ofType('status')) {
    if (e.ev.to === 'completed' && !o.completedAt.has(e.ev.executionId)) o.completedAt.set(e.ev.executionId, e.rec.index);
    o.finalStatus.set(e.ev.executionId, e);
  }
  const intended = intendedDependencies(view);
  for (const [id, sub] of view.submitted) {
    const asked = intended.get(id) ?? [];
    const dropped = asked.filter((d) => !sub.ev.dependencies.includes(d));
    if (dropped.length > 0) {
      out.push(
        violation(
          view.records,
          'order',
          `submitted with dependencies [${sub.ev.dependencies.join(', ')}] but the client asked for [${asked.join(', ')}]: dependencies ${dropped.join(', ')} dropped`,
          { index: sub.rec.index, executionId: id },
        ),
      );
    }
    const deps = [...new Set([...sub.ev.dependencies, ...asked])];
    if (deps.length === 0) continue;
    out.push(...earlyStarts(view, id, deps, o), ...failedDependent(view, id, sub, deps, o));
  }
  return out;
}

/** Claims (and starts not under a claim seen) of the execution before one of its dependencies completed. */
function earlyStarts(view: HistoryView, id: string, deps: readonly string[], o: Outcomes): Violation[] {
  const out: Violation[] = [];
  const claimedTokens = new Set<string>();
  for (const e of view.byExecution.get(id) ?? []) {
    if (e.ev.type !== 'claimed' && e.ev.type !== 'task_started') continue;
    if (e.ev.type === 'task_started' && claimedTokens.has(e.ev.leaseToken)) continue;
    if (e.ev.type === 'claimed') claimedTokens.add(e.ev.leaseToken);
    for (const d of deps) {
      const done = o.completedAt.get(d);
      if (done === undefined || done > e.rec.index) {
        const ds = o.finalStatus.get(d);
        out.push(
          violation(
            view.records,
            'order',
            `${e.ev.type === 'claimed' ? 'claimed' : 'started'} at t=${e.rec.time} before its dependency ${d} completed (${done === undefined ? `it ended ${ds?.ev.to ?? 'unknown'}` : `it completed later`})`,
            { index: e.rec.index, executionId: id },
          ),
        );
        break;
      }
    }
  }
  return out;
}

/** A dependent of a dependency that ended other than completed must itself end failed or cancelled. */
function failedDependent(view: HistoryView, id: string, sub: Ev<'submitted'>, deps: readonly string[], o: Outcomes): Violation[] {
  const failedDep = deps.find((d) => {
    const s = o.finalStatus.get(d)?.ev.to;
    return s !== undefined && isTerminal(s) && s !== 'completed';
  });
  if (failedDep === undefined) return [];
  const mine = o.finalStatus.get(id);
  if (mine !== undefined && (mine.ev.to === 'failed' || mine.ev.to === 'cancelled')) return [];
  return [
    violation(
      view.records,
      'order',
      `dependency ${failedDep} ended ${o.finalStatus.get(failedDep)?.ev.to ?? '?'} but this dependent ${mine === undefined ? 'has no status' : `ended ${mine.ev.to}`}; it must end failed (dependency_failed), not hang or run`,
      { index: mine?.rec.index ?? sub.rec.index, executionId: id },
    ),
  ];
}

/**
 * Dependencies each execution was submitted with by the client, by execution
 * id: a graph node's dependsOn (positions in the ok's ids), plus the earlier
 * executions a task or a graph's roots were asked to depend on (invoke `after`).
 */
function intendedDependencies(view: HistoryView): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const ack of view.acked.values()) {
    const { dependsOn, after } = ack.invoke?.value ?? {};
    const ids = ack.ok.value.executionIds;
    if (!Array.isArray(ids) || out.has(ack.executionId)) continue;
    const mine: unknown = Array.isArray(dependsOn) ? dependsOn[ids.indexOf(ack.executionId)] : [];
    if (!Array.isArray(mine)) continue;
    const inGraph = mine.map((j) => ids[j as number]).filter((d): d is string => typeof d === 'string');
    const earlier = mine.length === 0 && Array.isArray(after) ? after.filter((d): d is string => typeof d === 'string') : [];
    out.set(ack.executionId, [...inGraph, ...earlier]);
  }
  return out;
}
