/**
 * 29 (API contract), the client quota: with `maxPendingPerClient` (README,
 * "Quotas"), a submission that would take a client past that many unfinished
 * executions is refused 429 rate_limited, and a batch or graph counts each
 * execution it creates. So the client's acknowledged executions that are not
 * yet terminal never exceed the quota: judged at each acknowledgement, per
 * client as the README keys it: the `x-squall-client` header, else the
 * remote address. Every simulated request comes from one address, so the
 * submissions of workload items that name no `client` are one client, and
 * each `client` named (sent as that header, in the header spellings real
 * clients use: client-shapes.ts) is a client of its own (blind set 19 #05: a
 * quota blind to the header makes them all share the address's count, and
 * refuses one client for another's work). An execution counts from its
 * submission's acknowledgement until a terminal status was decided (the
 * status event's decision time, as the coordinator's own count sees it).
 * Judged up to the first coordinator crash or restart: the quota's counts
 * live in memory (system/coordinator/client-quota.ts), so a restart forgets
 * them, which this rule does not hold against it.
 *
 * The other side of the quota: a refusal (429 rate_limited) must be
 * deserved. A submission refused while the client could hold at most U
 * unfinished executions, where U + its own count is within the quota, is a
 * quota that leaked slots (a failed submission that never gave its
 * reservation back, a count that missed a terminal status). U is an upper
 * bound of what the coordinator could have counted when it decided: every
 * execution acknowledged by the refusal's answer and not terminal at its
 * request, plus every other submission still open at its request (its
 * answer came later, or never, or it failed later: a reservation held
 * meanwhile). A submission that failed before the request holds nothing.
 * This side is judged over the whole run, across coordinator restarts: a
 * restarted coordinator's quota counts only what it acknowledged or admitted
 * since, a subset of U, so a refusal within U is a leak in any life (with
 * retention, one that keeps counting executions it pruned and can no longer
 * look up: scenario retention.yaml).
 *
 * The engine's own limit, `maxPending` (README, "Quotas": --max-pending),
 * is judged the same way with every execution counted (the simulated client
 * is the only submitter): no acknowledgement leaves more than maxPending
 * unfinished (over the whole run: a restarted engine counts every unfinished
 * execution it recovered, a superset of the acknowledged ones), and no 429
 * while the unfinished work plus what the submission would create fits (an
 * idempotent repeat creates nothing: newAt), judged up to the first
 * coordinator crash (a restarted engine also counts executions whose
 * submission the client never heard back about). Finished means completed,
 * failed, cancelled or timed out: a limit that counts timed-out executions
 * as unfinished refuses work it has room for (scenario dependency-states.yaml).
 */
import type { ExecutionStatus } from '../../system/core/index.js';
import { TERMINAL_STATUSES } from './spec-tables.js';
import type { CheckContext } from './context.js';
import { coordinatorCrashes } from './promises-state.js';
import { clockOffset, type HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Each execution's status changes as (decision time on the history's clock, or its record time if earlier; status), in record order. */
function statusChanges(view: HistoryView): Map<string, { at: number; to: ExecutionStatus }[]> {
  const offset = clockOffset(view);
  const out = new Map<string, { at: number; to: ExecutionStatus }[]>();
  for (const { rec, ev } of view.events) {
    if (ev.type !== 'status' || ev.source !== 'coordinator') continue;
    const list = out.get(ev.executionId) ?? [];
    list.push({ at: Math.min(ev.at + offset, rec.time), to: ev.to });
    out.set(ev.executionId, list);
  }
  return out;
}

/** Whether the execution's last status decided by t (record order breaks ties: an interim `failed` then `retrying`) is terminal. */
function finishedBy(changes: readonly { at: number; to: ExecutionStatus }[] | undefined, t: number): boolean {
  let last: ExecutionStatus | undefined;
  for (const c of changes ?? []) if (c.at <= t) last = c.to;
  return last !== undefined && TERMINAL_STATUSES.has(last);
}

/** One limit on the client's unfinished executions, as the messages name it. */
interface Limit {
  max: number;
  /** Past it: "past <what>". */
  what: string;
  /** Who counted wrong when it refused within it. */
  counter: string;
}

function perClient(ctx: CheckContext): Limit | undefined {
  const max = ctx.maxPendingPerClient;
  return max === undefined ? undefined : { max, what: `its quota of ${max} (maxPendingPerClient)`, counter: 'the quota' };
}

function engineWide(ctx: CheckContext): Limit | undefined {
  const max = ctx.maxPending;
  return max === undefined ? undefined : { max, what: `the engine's limit of ${max} unfinished executions (maxPending)`, counter: 'the engine' };
}

/** Acknowledgements past the quotas, and refusals within them. */
export function checkClientQuota(view: HistoryView, ctx: CheckContext): Violation[] {
  const client = perClient(ctx);
  const engine = engineWide(ctx);
  const firstCrash = coordinatorCrashes(view)[0]?.index ?? Infinity;
  return [
    ...(client === undefined ? [] : quotaExceeded(view, client, firstCrash, true)),
    ...(engine === undefined ? [] : quotaExceeded(view, engine, Infinity, false)),
    ...refusedWithinQuota(view, ctx, firstCrash),
  ];
}

/** Who a submit record (invoke or answer) counted against: the x-squall-client its invoke sent, '' for none (the address). */
function clientOf(view: HistoryView, rec: HistoryView['records'][number]): string {
  const invoke = rec.type === 'invoke' ? rec : view.records[rec.value.invoke as number];
  const client = invoke?.value.client;
  return typeof client === 'string' ? client : '';
}

/** A client for messages. */
const named = (client: string): string => (client === '' ? 'the client' : `client ${JSON.stringify(client)} (x-squall-client)`);

/** Every client at once, for messages about the engine's limit: one client unless some submission named itself. */
const everyone = (view: HistoryView): string => (view.records.some((r) => r.f === 'submit' && r.type === 'invoke' && typeof r.value.client === 'string') ? 'the clients' : 'the client');

/** Acknowledgements (before index `end`) after which a client (`perClient`; else all of them) held more unfinished executions than the limit. */
function quotaExceeded(view: HistoryView, limit: Limit, end: number, perClient: boolean): Violation[] {
  const changes = statusChanges(view);
  const acked = new Map<string, Set<string>>();
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.index >= end) break;
    if (rec.f !== 'submit' || rec.type !== 'ok' || !Array.isArray(rec.value.executionIds)) continue;
    const ids = rec.value.executionIds.filter((x): x is string => typeof x === 'string');
    const client = perClient ? clientOf(view, rec) : '';
    const mine = acked.get(client) ?? new Set<string>();
    acked.set(client, mine);
    for (const id of ids) mine.add(id);
    const unfinished = [...mine].filter((id) => !finishedBy(changes.get(id), rec.time));
    if (unfinished.length <= limit.max) continue;
    const what = ids.length === 1 ? 'a submission of 1 execution' : `a submission of ${ids.length} executions (a batch or graph counts each)`;
    out.push(
      violation(
        view.records,
        'api-contract',
        `${what} acknowledged at t=${rec.time} left ${perClient ? named(client) : everyone(view)} with ${unfinished.length} unfinished executions, past ${limit.what}: it must have been refused 429 rate_limited`,
        { index: rec.index },
      ),
    );
  }
  return out;
}

/** How many executions a submission asked for (its invoke's `tasks`). */
function askedFor(view: HistoryView, invokeIndex: unknown): number {
  const tasks = typeof invokeIndex === 'number' ? view.records[invokeIndex]?.value.tasks : undefined;
  return Array.isArray(tasks) ? tasks.length : 0;
}

/**
 * How many executions a submission could create: its tasks, less idempotent
 * repeats (a key repeated inside it, or held by an acknowledged execution
 * still unfinished when it asked: such a repeat creates nothing, so it takes
 * no slot; blind set 9 #06).
 */
function newAt(view: HistoryView, submits: Submits, asked: HistoryView['records'][number]): number {
  const intent = asked.value.intent;
  if (!Array.isArray(intent)) return askedFor(view, asked.index);
  const held = new Set<string>();
  for (const s of submits.all) {
    if (s.type !== 'ok' || s.index > asked.index || !Array.isArray(s.value.executionIds)) continue;
    const ids = s.value.executionIds as unknown[];
    const keys = (view.records[s.value.invoke as number]?.value.intent ?? []) as { idempotencyKey?: string }[];
    keys.forEach((k, i) => {
      const id = ids[i];
      if (k.idempotencyKey !== undefined && typeof id === 'string' && !finishedBy(submits.changes.get(id), asked.time)) held.add(k.idempotencyKey);
    });
  }
  const seen = new Set<string>();
  let n = 0;
  for (const it of intent as { idempotencyKey?: string }[]) {
    const key = it.idempotencyKey;
    if (key !== undefined && (seen.has(key) || held.has(key))) continue;
    if (key !== undefined) seen.add(key);
    n++;
  }
  return n;
}

/** The limits a refusal at `index` is judged against, each with whether it counts per client; none: not judged (none set, or the engine's after a crash, which could explain it). */
function limitsAt(ctx: CheckContext, index: number, firstCrash: number): { limit: Limit; perClient: boolean }[] {
  const engine = engineWide(ctx);
  if (engine !== undefined && index >= firstCrash) return [];
  const client = perClient(ctx);
  return [...(client === undefined ? [] : [{ limit: client, perClient: true }]), ...(engine === undefined ? [] : [{ limit: engine, perClient: false }])];
}

/** The run's submit records, each invoke's answer, and the status changes they are judged against. */
interface Submits {
  all: HistoryView['records'];
  answerOf: Map<number, HistoryView['records'][number]>;
  changes: ReturnType<typeof statusChanges>;
}

/** The most unfinished or pending executions the client could hold when it asked (`asked`, answered by the refusal): see the file header. */
function heldAt(view: HistoryView, submits: Submits, asked: { index: number; time: number }, refusalIndex: number): number {
  const { all, answerOf, changes } = submits;
  let held = 0;
  for (const s of all) {
    if (s.type !== 'invoke' || s.index === asked.index || s.index > refusalIndex) continue;
    const answer = answerOf.get(s.index);
    if (answer?.type === 'ok' && answer.index < refusalIndex && Array.isArray(answer.value.executionIds)) {
      held += answer.value.executionIds.filter((id) => typeof id === 'string' && !finishedBy(changes.get(id), asked.time)).length;
    } else if (answer === undefined || answer.index > asked.index) {
      held += askedFor(view, s.index);
    }
  }
  return held;
}

/** 429 rate_limited refusals answered while the client's possible holdings plus the submission fit every limit set. */
function refusedWithinQuota(view: HistoryView, ctx: CheckContext, firstCrash: number): Violation[] {
  const all = view.records.filter((r) => r.f === 'submit');
  const submits: Submits = { all, answerOf: new Map(all.filter((r) => r.type !== 'invoke').map((r) => [r.value.invoke as number, r])), changes: statusChanges(view) };
  const out: Violation[] = [];
  for (const refusal of all) {
    const error = refusal.value.error as { code?: string } | undefined;
    if (refusal.type !== 'fail' || error?.code !== 'rate_limited') continue;
    const limits = limitsAt(ctx, refusal.index, firstCrash);
    const asked = view.records[refusal.value.invoke as number];
    if (limits.length === 0 || asked === undefined) continue;
    const client = clientOf(view, asked);
    const mine: Submits = { ...submits, all: all.filter((r) => clientOf(view, r) === client) };
    const n = newAt(view, submits, asked);
    const held = limits.map(({ limit, perClient }) => ({ limit, perClient, held: heldAt(view, perClient ? mine : submits, asked, refusal.index) }));
    if (held.some((h) => h.held + n > h.limit.max)) continue;
    const { limit, held: h, perClient } = held[0] as (typeof held)[number];
    const whose = perClient ? `${named(client)} held at most ${h} unfinished or pending executions` : `${everyone(view)} held at most ${h} unfinished or pending executions`;
    out.push(
      violation(
        view.records,
        'api-contract',
        `a submission of ${n} execution(s) was refused 429 rate_limited at t=${refusal.time} though ${whose} when it asked (t=${asked.time}): ${h} + ${n} is within ${limit.what}, so ${limit.counter} counted slots it should have given back${perClient && client !== '' ? ' (or counted another client\'s work against it)' : ''}`,
        { index: refusal.index },
      ),
    );
  }
  return out;
}
