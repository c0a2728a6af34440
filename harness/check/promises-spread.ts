/**
 * Part of 21, priority: work is spread over the fleet (README, promise 21:
 * the assignment loop hands work out round-robin, one claim per worker per
 * round, each pass starting one worker further along the fleet). What the
 * history shows of it, judged exactly where nothing hidden can move the
 * turn:
 *
 * two lone claims (each the only claim of its decision instant, so each is
 * its own pass, and each of the only execution then waiting: nothing else
 * scheduled or retrying, whose due time or refusal would make passes no
 * event shows) in a row, with no coordinator event between them that
 * wakes the loop other than the second execution's own submission (a
 * result, a released lease, a registration, a sync, a loss, another
 * execution made ready: each may run a pass of its own, which moves the
 * turn too), where every connected worker could have taken the first
 * (a free slot, the kind, not draining: so the first pass began with its
 * worker): the second pass began with the next worker, so the second claim
 * goes to the same worker only when no other connected worker could take
 * it. Blind set 18 #11: a rotation that no longer advanced filled the
 * first worker to its concurrency while the others sat idle.
 *
 * Needs the fleet's concurrency and ids (ctx.workerConcurrency, workerIds;
 * another connected worker, an adversary, makes a pass not judged) and a fleet whose
 * capabilities never change (no restart with other flags); else not judged.
 */
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import { DANGEROUS_KINDS } from './spec-tables.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Coordinator events that never wake the assignment loop (plumbing and measurements). */
const QUIET: ReadonlySet<string> = new Set(['msg_sent', 'msg_acked', 'msg_delivered', 'heartbeat_adapted', 'rtt_sampled', 'checkpoint_saved', 'progress_refused']);

interface Claim {
  rec: HistoryRecord;
  /** Its place among the coordinator's records. */
  pos: number;
  at: number;
  workerId: string;
  executionId: string;
  kind: string | undefined;
}

/** Per worker, as the coordinator's events tell it: connected, draining, the leases it holds. */
class Fleet {
  readonly connected = new Set<string>();
  readonly draining = new Set<string>();
  readonly leases = new Map<string, Set<string>>();
  /** Executions waiting for a worker (scheduled or retrying: ready now, or due later on a timer no event shows). */
  readonly waiting = new Set<string>();

  apply(rec: HistoryRecord): void {
    const w = String(rec.value.workerId ?? '');
    if (rec.f === 'status') {
      const id = String(rec.value.executionId);
      if (rec.value.to === 'scheduled' || rec.value.to === 'retrying') this.waiting.add(id);
      else this.waiting.delete(id);
    }
    if (rec.f === 'worker_registered') {
      this.connected.add(w);
      this.draining.delete(w);
    } else if (rec.f === 'worker_disconnected' || rec.f === 'worker_lost' || rec.f === 'worker_replaced') this.connected.delete(w);
    else if (rec.f === 'msg_delivered' && rec.value.msgType === 'drain') this.draining.add(w);
    else if (rec.f === 'claimed') this.held(w).add(String(rec.value.leaseToken));
    else if (rec.f === 'lease_released' || rec.f === 'lease_expired') this.held(w).delete(String(rec.value.leaseToken));
  }

  held(w: string): Set<string> {
    let s = this.leases.get(w);
    if (s === undefined) this.leases.set(w, (s = new Set()));
    return s;
  }

  /** Connected workers that could take work of `kind` now. */
  able(kind: string | undefined, concurrency: number, runs: (kind: string) => boolean, fleet: ReadonlySet<string>): string[] {
    if (kind === undefined || !runs(kind)) return [];
    return [...this.connected].filter((w) => fleet.has(w) && !this.draining.has(w) && this.held(w).size < concurrency);
  }
}

/** Does this coordinator record (between the two claims) leave the turn where the second claim's own wake puts it? */
function quiet(rec: HistoryRecord, second: Claim, first: Claim): boolean {
  if (QUIET.has(rec.f)) return rec.f !== 'msg_delivered' || rec.value.msgType !== 'drain';
  const id = rec.value.executionId;
  if (rec.f === 'submitted') return id === second.executionId;
  // The first claim's own move to preparing, and any attempt that started running (a `started` message wakes nothing).
  if (rec.f === 'status') return (rec.value.to === 'scheduled' && id === second.executionId) || (rec.value.to === 'preparing' && id === first.executionId) || (rec.value.to === 'running' && rec.value.from === 'preparing');
  return false;
}

/** How far back before a claim's record its decision may lie (a claim is recorded once its commit settles). */
const DECIDED_BACK = 200;

/**
 * The coordinator's records after the first claim's decision and before the
 * second claim's record: those after the first claim's record, and those
 * recorded before it whose own instant is past its decision (a claim is
 * recorded at its commit: a sync answered meanwhile ran a pass of its own,
 * `--no-early-sync`'s operator-flags-link).
 */
function between(coord: readonly HistoryRecord[], first: Claim, second: Claim): HistoryRecord[] {
  const atOf = (r: HistoryRecord): number => (typeof r.value.at === 'number' ? r.value.at : r.time);
  // A registration of the decision's own instant may have followed it (admission-leak seed 2 on the 0-RTT register:
  // two registrations in the claim's ms, recorded before its commit, grew the fleet the pass had rotated over).
  const sameMsJoin = (r: HistoryRecord): boolean => atOf(r) === first.at && r.f === 'worker_registered';
  const early = coord.slice(Math.max(0, first.pos - DECIDED_BACK), first.pos).filter((r) => atOf(r) > first.at || sameMsJoin(r));
  return [...early, ...coord.slice(first.pos + 1, second.pos)];
}

/** Every pair of consecutive lone claims judged (see the file comment). */
export function checkSpread(view: HistoryView, ctx: CheckContext): Violation[] {
  const concurrency = ctx.workerConcurrency;
  // Only the scenario's own fleet is known (an adversary registering under another id runs what it says).
  const known = new Set(ctx.workerIds ?? []);
  if (concurrency === undefined || known.size === 0 || view.records.some((r) => r.f === 'fault' && r.value.capabilities !== undefined)) return [];
  const runs = (kind: string): boolean => (ctx.workerKinds === undefined ? !DANGEROUS_KINDS.has(kind) : ctx.workerKinds.includes(kind));
  const coord = view.records.filter((r) => r.process === 'coordinator' && !view.discarded.has(r.index));
  const claims: Claim[] = [];
  coord.forEach((r, pos) => {
    if (r.f !== 'claimed') return;
    const executionId = String(r.value.executionId);
    claims.push({ rec: r, pos, at: typeof r.value.at === 'number' ? r.value.at : r.time, workerId: String(r.value.workerId), executionId, kind: view.submitted.get(executionId)?.ev.kind });
  });
  const lone = (i: number): boolean => claims[i - 1]?.at !== claims[i]?.at && claims[i + 1]?.at !== claims[i]?.at;
  const out: Violation[] = [];
  const fleet = new Fleet();
  let next = 0;
  let before: { able: string[]; connected: number } | undefined;
  for (let i = 0; i < claims.length; i++) {
    const c = claims[i] as Claim;
    // The fleet just before this claim's record (its own lease not yet counted).
    while (next < c.pos) fleet.apply(coord[next++] as HistoryRecord);
    // Anything else waiting may make passes of its own (a due retry, work no worker may take yet): not judged.
    const alone = fleet.waiting.size === (fleet.waiting.has(c.executionId) ? 1 : 0);
    const able = alone ? fleet.able(c.kind, concurrency, runs, known) : [];
    const prev = claims[i - 1];
    const others = able.filter((w) => w !== c.workerId);
    // The previous pass began with its worker only when every connected worker could take its claim.
    const firstBegan = prev !== undefined && before !== undefined && before.able.length === before.connected && before.able.includes(prev.workerId);
    if (firstBegan && prev.workerId === c.workerId && others.length > 0 && lone(i) && lone(i - 1) && between(coord, prev, c).every((r) => quiet(r, c, prev))) {
      const msg = `${c.workerId} was given ${c.executionId} (kind ${c.kind ?? '?'}) at t=${c.rec.time} right after ${prev.executionId} at t=${prev.rec.time}, with nothing in between to move the round-robin turn, while ${others.join(', ')} (connected, with a free slot of ${concurrency}, running ${c.kind ?? '?'}) could take it: each assignment pass starts one worker further along, so work is spread over the fleet`;
      out.push(violation(view.records, 'priority', msg, { index: c.rec.index, executionId: c.executionId, workerId: c.workerId }));
    }
    before = { able, connected: fleet.connected.size };
    fleet.apply(c.rec);
    next = c.pos + 1;
  }
  return out;
}
