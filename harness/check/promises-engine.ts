/**
 * Promises about engine features the workload uses (issue 10): priority
 * order under contention, idempotency keys, and timeouts enforced in the
 * right unit. Each judges the engine against what the client asked (the
 * submit invoke's `intent`, harness/scenario/workload.ts), so a system that
 * drops a field it was given cannot pass by reporting it never got it.
 */
import type { CheckContext } from './context.js';
import { CoordinatorOffsets } from './coordinator-offsets.js';
import type { HistoryRecord } from './history.js';
import { breakerMayHold } from './promises-retries.js';
import { prunedAway } from './promises-retention.js';
import { replayReadySet } from './ready-set.js';
import { DANGEROUS_KINDS, priorityName, priorityRank } from './spec-tables.js';
import { type Ev, finalTerminals, type HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { canonicalJson, firstDifference } from './promises-reload.js';
import { violation } from './violation.js';

/** What the client asked of one execution (SubmitInvoke.intent). */
interface IntentOf {
  priority?: string;
  timeoutMs?: number;
  idempotencyKey?: string;
  retry?: { strategy?: string; maxRetries?: number; delayMs?: number; maxDelayMs?: number };
}

/** Execution id → the client's intent, from acknowledged submissions. */
export function intents(view: HistoryView): Map<string, IntentOf> {
  const out = new Map<string, IntentOf>();
  for (const ack of view.acked.values()) {
    const ids = ack.ok.value.executionIds as unknown[];
    const list = ack.invoke?.value.intent;
    if (!Array.isArray(list)) continue;
    const at = ids.indexOf(ack.executionId);
    const it = list[at] as IntentOf | undefined;
    if (it !== undefined) out.set(ack.executionId, it);
  }
  return out;
}

/** The checker's own rank of a priority name (harness/check/spec-tables.ts, from the README). */
export const rank = priorityRank;

/**
 * 21. Priority: when a worker claims an execution, no execution with a higher
 * priority was ready (status `scheduled`) at that moment that the worker could
 * have been given instead: of any kind the worker runs (ctx.workerKinds;
 * default every kind but the dangerous ones), whose circuit breaker was closed
 * (the claimed kind's passed; another kind's is judged as promise 5 does:
 * breakerMayHold). "At that moment" is the claim's decision (its event's `at`:
 * events are stamped when decided and sent once committed), so a candidate
 * must have been ready before it and not claimed or moved on by then (looked
 * up ahead: its own exit may commit later). Across a coordinator crash the
 * ready set is forgotten (recovery re-queues without events), which only loses
 * power. The ready set is replayed by harness/check/ready-set.ts.
 */
export function checkPriority(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const wanted = intents(view);
  const prio = (id: string): number => rank(wanted.get(id)?.priority ?? view.submitted.get(id)?.ev.priority);
  const kindOf = (id: string): string | undefined => view.submitted.get(id)?.ev.kind;
  const runs = (kind: string | undefined): boolean => kind !== undefined && (ctx.workerKinds === undefined ? !DANGEROUS_KINDS.has(kind) : ctx.workerKinds.includes(kind));
  const exits = readyExits(view);
  const offsets = new CoordinatorOffsets(view);
  replayReadySet<Ev<'status'>>(view, {
    enter: (e) => e,
    claim: (e, _claimed, ready) => {
      const ev = e.ev;
      const mine = prio(ev.executionId);
      const kind = kindOf(ev.executionId);
      const could = (id: string, r: Ev<'status'>): boolean => {
        if (prio(id) <= mine || readySince(r, offsets) >= ev.at || exitedBy(exits.get(id), e.rec.index, ev.at)) return false;
        const k = kindOf(id);
        return k === kind || (runs(k) && !breakerMayHold(view, k ?? '', ev.at, e.rec.index, ctx));
      };
      let better: [string, Ev<'status'>] | undefined;
      for (const [id, r] of ready) if (could(id, r) && (better === undefined || prio(id) > prio(better[0]))) better = [id, r];
      if (better === undefined) return;
      const [id, r] = better;
      const which = kindOf(id) === kind ? `same kind ${kind ?? '?'}` : `kind ${kindOf(id) ?? '?'}, which ${ev.workerId} runs, breaker closed`;
      out.push(
        violation(
          view.records,
          'priority',
          `${ev.workerId} was given ${ev.executionId} (priority ${rankName(mine)}, kind ${kind ?? '?'}) while ${id} (priority ${rankName(prio(id))}, ${which}) had been ready since t=${r.rec.time}: higher priority must go first`,
          { index: e.rec.index, executionId: ev.executionId, workerId: ev.workerId },
        ),
      );
    },
  });
  return out;
}

/**
 * When a candidate became claimable, on the coordinator's clock: its
 * `scheduled` decision, except for a dependent released by its dependencies'
 * completion, which is claimable only once that completion committed (promise
 * 4's durable order), so no earlier than its own record, which lands with it.
 */
function readySince(r: Ev<'status'>, offsets: CoordinatorOffsets): number {
  if (r.ev.reason !== 'dependencies_completed') return r.ev.at;
  const offset = offsets.offset(r.rec.index);
  return offset === undefined ? r.ev.at : Math.max(r.ev.at, r.rec.time - offset);
}

/** Per execution, the decisions that took it out of the ready set (a claim, a status other than scheduled): record index and decision time. */
export function readyExits(view: HistoryView): Map<string, { index: number; at: number }[]> {
  const out = new Map<string, { index: number; at: number }[]>();
  for (const { rec, ev } of view.events) {
    if (ev.source !== 'coordinator' || !(ev.type === 'claimed' || (ev.type === 'status' && ev.to !== 'scheduled'))) continue;
    const list = out.get(ev.executionId) ?? [];
    list.push({ index: rec.index, at: ev.at });
    out.set(ev.executionId, list);
  }
  return out;
}

/** Was the execution taken out of the ready set by a decision made by `at` but recorded after `index`? */
export function exitedBy(list: { index: number; at: number }[] | undefined, index: number, at: number): boolean {
  return list !== undefined && list.some((x) => x.index > index && x.at <= at);
}

function rankName(r: number): string {
  return priorityName(r);
}

/**
 * 22. Idempotency: acknowledged submissions with the same key name one
 * execution, and a repeat of an acknowledged submission (same key, same task)
 * is answered with that execution, never refused as a conflict: a system that
 * forgot the key and tripped over its own unique index passes the first half.
 * A key is forgotten with its execution (README, Retention): once a prune
 * recorded before a later acknowledgement covered the key's execution's
 * completion, that acknowledgement may name a new execution (and a repeat is
 * still never a conflict).
 */
export function checkIdempotency(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = refusedRepeats(view);
  const byKey = new Map<string, { id: string; index: number }[]>();
  for (const [id, it] of intents(view)) {
    if (it.idempotencyKey === undefined) continue;
    const list = byKey.get(it.idempotencyKey) ?? [];
    list.push({ id, index: view.acked.get(id)?.ok.index ?? 0 });
    byKey.set(it.idempotencyKey, list);
  }
  for (const [key, list] of byKey) {
    const second = secondExecution(view, list);
    if (second === undefined) continue;
    const ids = [...new Set(list.map((x) => x.id))];
    out.push(
      violation(view.records, 'idempotency', `idempotency key "${key}" was acknowledged as ${ids.length} executions (${ids.join(', ')}); the same key must give one execution (a new one only after a prune forgot the previous)`, {
        index: second.index,
        executionId: second.id,
      }),
    );
  }
  return out;
}

/** The first acknowledgement of a key naming another execution than the key's current one while that one was not pruned away. */
function secondExecution(view: HistoryView, list: readonly { id: string; index: number }[]): { id: string; index: number } | undefined {
  const sorted = [...list].sort((a, b) => a.index - b.index);
  let current = sorted[0]?.id;
  for (const x of sorted) {
    if (x.id === current) continue;
    const end = current === undefined ? undefined : finalTerminals((view.byExecution.get(current) ?? []).filter((e) => e.ev.source === 'coordinator'))[0];
    if (!prunedAway(view, end?.ev.at, x.index)) return x;
    current = x.id;
  }
  return undefined;
}

/**
 * Did the worker receive the coordinator's abort for this lease between these records? Then its
 * task_aborted 'timeout' is the coordinator's timeout (counted from the claim: promise 17's), not its own timer.
 */
function abortOrdered(view: HistoryView, after: number, upTo: number, workerId: string, keyPrefix: string): boolean {
  return view.ofType('msg_delivered').some(
    (m) => m.rec.index > after && m.rec.index < upTo && m.ev.source === workerId && m.ev.dir === 'to_worker' && m.ev.msgType === 'abort' && (m.ev.key ?? '').startsWith(keyPrefix),
  );
}

/**
 * 23. Worker timeouts: an attempt of an execution submitted with timeoutMs T is
 * aborted by its worker once T has passed since it started (within the
 * tolerance), and never timed out before T. Judged on the worker's own events
 * (task_started → task_aborted/task_finished), the clock the timer runs on;
 * a paused or killed worker process is excused, and so is an attempt the
 * coordinator aborted for its own timeout (an assignment that reached the
 * worker late, after a disconnect, may be aborted the instant it starts).
 */
export function checkTimeouts(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const tol = ctx.toleranceMs;
  for (const [id, it] of intents(view)) {
    const T = it.timeoutMs;
    if (T === undefined) continue;
    const events = view.byExecution.get(id) ?? [];
    for (const s of events) {
      if (s.ev.type !== 'task_started' || s.ev.source === 'coordinator') continue;
      const { leaseToken, workerId } = s.ev;
      const start = s.rec.time;
      const end = events.find(
        (e) => e.rec.index > s.rec.index && e.ev.source === workerId && (e.ev.type === 'task_aborted' || e.ev.type === 'task_finished') && e.ev.leaseToken === leaseToken,
      );
      const where = { index: end?.rec.index ?? s.rec.index, executionId: id, workerId };
      if (end !== undefined && end.ev.type === 'task_aborted' && end.ev.reason === 'timeout' && end.rec.time < start + T - tol && !abortOrdered(view, s.rec.index, end.rec.index, workerId, `abort:${id}/${leaseToken}/`)) {
        out.push(violation(view.records, 'worker-timeouts', `attempt timed out ${end.rec.time - start} ms after it started; timeoutMs is ${T}: the timeout fired early (wrong unit?)`, where));
        continue;
      }
      const deadline = start + T + tol;
      const over = end === undefined ? view.endAt > deadline : end.rec.time > deadline;
      if (!over || view.processFaultOn(workerId, start, deadline)) continue;
      const seen = end === undefined ? 'was still running at the end of the run' : `ran until t=${end.rec.time} (${end.rec.time - start} ms)`;
      out.push(violation(view.records, 'worker-timeouts', `attempt started at t=${start} with timeoutMs ${T} ${seen}: not stopped at its timeout (wrong unit, or no timer?)`, where));
    }
  }
  return out;
}

/** The key of each keyed task of a submit invoke and the task as the client sent it, as JSON with every object's keys sorted (a repeat with its members in another order is the same task). */
function keyedTasks(rec: { value: Record<string, unknown> } | undefined): { key: string; task: string; at: number }[] {
  const intent = rec?.value.intent;
  const tasks = rec?.value.tasks;
  if (!Array.isArray(intent) || !Array.isArray(tasks) || intent.length !== tasks.length) return [];
  return intent.flatMap((it: IntentOf | undefined, i) => (it?.idempotencyKey === undefined ? [] : [{ key: it.idempotencyKey, task: canonicalJson({ ...(tasks[i] as object), priority: it.priority }), at: i }]));
}

/**
 * Keyed submissions refused with a conflict that had none: a repeat of an
 * acknowledged submission (the same task), or a batch whose keys repeat only
 * inside itself with the same task (repeats inside one request are one
 * execution, as across requests).
 */
function refusedRepeats(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const acked = new Map<string, { task: string; id: string }>();
  for (const r of view.records) {
    if (r.f !== 'submit' || (r.type !== 'ok' && r.type !== 'fail')) continue;
    const invoke = typeof r.value.invoke === 'number' ? view.records[r.value.invoke] : undefined;
    const keyed = keyedTasks(invoke);
    if (keyed.length === 0) continue;
    if (r.type === 'ok') {
      out.push(...acceptedClashes(view, r, keyed, acked));
      continue;
    }
    if ((r.value.error as { code?: string } | undefined)?.code !== 'conflict') continue;
    const why = spuriousConflict(keyed, acked);
    if (why !== undefined) out.push(violation(view.records, 'idempotency', `${why} was refused as a conflict at t=${r.time}: it must be answered with the key's execution (a new one once a prune forgot it), never a conflict`, { index: r.index }));
  }
  return out;
}

/**
 * 22, the other half: a key reused with another task (kind, params, timeoutMs
 * or priority) is refused 409 conflict (README, HTTP API); accepting it as
 * the key's execution hands the client an execution that does not do what it
 * asked (after a prune forgot the key, the reuse makes a new execution, which
 * is not this). Records each keyed task as the key's current one.
 */
function acceptedClashes(view: HistoryView, ok: HistoryRecord, keyed: readonly { key: string; task: string; at: number }[], acked: Map<string, { task: string; id: string }>): Violation[] {
  const out: Violation[] = [];
  const ids = Array.isArray(ok.value.executionIds) ? (ok.value.executionIds as unknown[]) : [];
  for (const k of keyed) {
    const held = acked.get(k.key);
    const id = String(ids[k.at] ?? '');
    if (held !== undefined && held.task !== k.task && id === held.id) {
      const where = firstDifference(JSON.parse(held.task), JSON.parse(k.task), 'task') ?? '';
      out.push(violation(view.records, 'idempotency', `idempotency key "${k.key}" of ${held.id} was reused for another task (${where}) and accepted at t=${ok.time} as the same execution: a reuse with another spec must be refused 409 conflict`, { index: ok.index, executionId: id }));
    }
    acked.set(k.key, { task: k.task, id });
  }
  return out;
}

/** Why a conflict refusal of these keyed tasks was spurious, or undefined if a real conflict (or none judged) could explain it. */
function spuriousConflict(keyed: readonly { key: string; task: string }[], acked: ReadonlyMap<string, { task: string }>): string | undefined {
  const inside = new Map<string, string>();
  let repeatsInside = false;
  for (const k of keyed) {
    const seen = inside.get(k.key) ?? acked.get(k.key)?.task;
    if (seen !== undefined && seen !== k.task) return undefined; // a real conflict: another task under the key
    if (inside.has(k.key)) repeatsInside = true;
    inside.set(k.key, k.task);
  }
  if (repeatsInside) return `a batch whose idempotency keys repeat inside it (the same task each time: ${[...new Set(keyed.map((k) => k.key))].join(', ')})`;
  const first = keyed[0];
  if (keyed.length === 1 && first !== undefined && acked.get(first.key)?.task === first.task) return `a repeat of the acknowledged submission with idempotency key "${first.key}" (the same task)`;
  return undefined;
}

