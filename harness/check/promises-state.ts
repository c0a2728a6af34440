/**
 * Promises about durable state (ARCHITECTURE.md 6–7): checkpoints only move
 * forward and a reassigned attempt resumes from the latest acknowledged one;
 * nothing acknowledged is lost when the coordinator is killed and restarts.
 */
import type { CheckContext } from './context.js';
import { checkCheckpointSenders } from './promises-fencing.js';
import type { HistoryRecord } from './history.js';
import type { Ack, Ev, HistoryView } from './view.js';
import { affectsCoordinator, finalTerminals } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';
import { prunedAway } from './promises-retention.js';

/** A coordinator crash: killed at `at`, running again from `restartAt`. */
export interface Crash {
  at: number;
  index: number;
  restartAt: number;
}

/** Coordinator kills and restarts recorded as faults. */
export function coordinatorCrashes(view: HistoryView): Crash[] {
  return view.faults
    .filter((f) => (f.details.action === 'kill' || f.details.action === 'restart') && affectsCoordinator(f.details))
    .map((f) => ({
      at: f.start.time,
      index: f.start.index,
      restartAt: f.details.action === 'restart' ? f.start.time : view.faultEnd(f),
    }));
}

/** 6. Saved checkpoint seqs strictly increase, only from the current lease; a claim resumes from the latest saved. */
export function checkCheckpoints(view: HistoryView, _ctx: CheckContext): Violation[] {
  const crashes = coordinatorCrashes(view);
  const out: Violation[] = [];
  for (const [id, events] of view.byExecution) out.push(...checkpointsOf(view, id, events, crashes));
  out.push(...checkCheckpointSenders(view));
  return out;
}

interface CheckpointLease {
  token: string;
  attempt: number;
  endedAt: number | undefined;
}

/** One execution's walk for checkCheckpoints: the latest saved checkpoint, the current lease and every attempt's lease. */
interface CheckpointWalk {
  view: HistoryView;
  id: string;
  last: { seq: number; index: number; time: number } | undefined;
  lease: CheckpointLease | undefined;
  leases: Map<number, CheckpointLease>;
  /** Whether a coordinator crash lies between two record indexes: across one the rules are promise 7's (checkDurability). */
  crashedSince: (from: number, to: number) => boolean;
  out: Violation[];
}

function checkpointsOf(view: HistoryView, id: string, events: readonly Ev[], crashes: readonly Crash[]): Violation[] {
  const w: CheckpointWalk = {
    view,
    id,
    last: undefined,
    lease: undefined,
    leases: new Map(),
    crashedSince: (from, to) => crashes.some((c) => c.index > from && c.index < to),
    out: [],
  };
  for (const e of events) {
    const ev = e.ev;
    if (ev.type === 'claimed') {
      w.lease = { token: ev.leaseToken, attempt: ev.attempt, endedAt: undefined };
      w.leases.set(ev.attempt, w.lease);
      const last = w.last;
      if (last !== undefined && !w.crashedSince(last.index, e.rec.index) && (ev.checkpointSeq === undefined || ev.checkpointSeq < last.seq)) {
        w.out.push(
          violation(
            view.records,
            'checkpoints',
            `attempt ${ev.attempt} (${ev.workerId}) resumes from ${ev.checkpointSeq === undefined ? 'no checkpoint' : `checkpoint ${ev.checkpointSeq}`} although checkpoint ${last.seq} was saved at t=${last.time}`,
            { index: e.rec.index, executionId: id, workerId: ev.workerId },
          ),
        );
      }
    } else if (ev.type === 'lease_expired' || ev.type === 'lease_released' || ev.type === 'result_recorded') {
      const held = w.leases.get(ev.attempt);
      if (held?.token === ev.leaseToken) held.endedAt ??= ev.at;
    } else if (ev.type === 'checkpoint_saved') {
      checkpointSaved(w, e.rec, ev);
    }
  }
  return w.out;
}

/** A saved checkpoint: it moves forward and was accepted under its attempt's live lease. */
function checkpointSaved(w: CheckpointWalk, rec: HistoryRecord, ev: Ev<'checkpoint_saved'>['ev']): void {
  const { view, id, last, lease } = w;
  if (last !== undefined && ev.seq <= last.seq && !w.crashedSince(last.index, rec.index)) {
    w.out.push(
      violation(view.records, 'checkpoints', `checkpoint ${ev.seq} saved after checkpoint ${last.seq}: checkpoints must only move forward`, {
        index: rec.index,
        executionId: id,
      }),
    );
  }
  // checkpoint_saved is emitted after the store commit, so the holder's lease may have ended
  // (its result, expiry) in between; what fencing forbids is accepting it after the lease ended
  // (acceptedAt, on the coordinator's clock) or for an attempt a newer claim superseded.
  const acceptedAt = ev.acceptedAt ?? ev.at;
  const own = w.leases.get(ev.attempt);
  if (own === undefined || (own.endedAt !== undefined && acceptedAt > own.endedAt)) {
    w.out.push(
      violation(
        view.records,
        'checkpoints',
        `checkpoint ${ev.seq} of attempt ${ev.attempt} saved, but ${own === undefined ? `attempt ${ev.attempt} never held a lease` : `it was accepted at ${acceptedAt}, after that lease ended at ${own.endedAt}${lease !== undefined && lease !== own ? ` (attempt ${lease.attempt} holds the lease now)` : ''}`}: not fenced`,
        { index: rec.index, executionId: id },
      ),
    );
  }
  if (last === undefined || ev.seq > last.seq) w.last = { seq: ev.seq, index: rec.index, time: rec.time };
}

/**
 * 7. Across a coordinator crash: acknowledged work, results and checkpoints
 * survive. With a final read (recordRead), every acknowledged execution must
 * still be known, in the terminal state the history recorded for it. So
 * must every execution acknowledged before a read made right after a
 * coordinator restart (the simulation makes one), unless a prune recorded
 * before that read covered its completion: the restarted coordinator knows
 * what its store kept, and the store must keep what the engine kept.
 */
export function checkDurability(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [...checkFinalRead(view), ...checkRestartReads(view)];
  for (const crash of coordinatorCrashes(view)) {
    for (const [id, ack] of view.acked) {
      if (ack.ok.index <= crash.index) out.push(...survivedCrash(view, crash, id, ack));
    }
  }
  return out;
}

/** Whether an execution acknowledged before a coordinator crash survived it: known after the restart, its result and checkpoints kept. */
function survivedCrash(view: HistoryView, crash: Crash, id: string, ack: Ack): Violation[] {
  const events = view.byExecution.get(id) ?? [];
  const before = events.filter((e) => e.rec.index < crash.index);
  // Evidence that the restarted coordinator knows the execution (a rejected result is not).
  const after = events.filter(
    (e) => e.rec.time >= crash.restartAt && e.rec.index > crash.index && e.ev.source === 'coordinator' && e.ev.type !== 'result_rejected',
  );
  const terminal = finalTerminals(before)[0];
  // With a final read, that read is the evidence (checkFinalRead): an execution the restarted
  // coordinator still knows but that made no progress is lost work (promise 1), not lost data.
  if (terminal === undefined && after.length === 0 && view.endAt > crash.restartAt && view.finalRead === undefined) {
    return [
      violation(
        view.records,
        'durability',
        `acknowledged at t=${ack.ok.time}, before the coordinator crash at t=${crash.at}, and never seen again after the restart at t=${crash.restartAt}`,
        { index: before[before.length - 1]?.rec.index ?? ack.ok.index, executionId: id },
      ),
    ];
  }
  if (terminal !== undefined) {
    const rerun = after.find((e) => e.ev.type === 'claimed');
    if (rerun === undefined) return [];
    return [
      violation(
        view.records,
        'durability',
        `ended ${terminal.ev.type === 'status' ? terminal.ev.to : '?'} before the crash at t=${crash.at}, yet was claimed again after the restart: its result was not durable`,
        { index: rerun.rec.index, executionId: id },
      ),
    ];
  }
  return checkpointsSurvived(view, crash, id, before, after);
}

/** The latest checkpoint saved before the crash: the first claim after the restart resumes from it and no later save goes back. */
function checkpointsSurvived(view: HistoryView, crash: Crash, id: string, before: readonly Ev[], after: readonly Ev[]): Violation[] {
  const out: Violation[] = [];
  let saved = -1;
  for (const e of before) if (e.ev.type === 'checkpoint_saved') saved = Math.max(saved, e.ev.seq);
  if (saved < 0) return out;
  const firstClaim = after.find((e) => e.ev.type === 'claimed');
  if (firstClaim !== undefined && firstClaim.ev.type === 'claimed' && (firstClaim.ev.checkpointSeq ?? -1) < saved) {
    out.push(
      violation(
        view.records,
        'durability',
        `checkpoint ${saved} was acknowledged before the crash at t=${crash.at}, but the first claim after the restart resumes from ${firstClaim.ev.checkpointSeq === undefined ? 'no checkpoint' : `checkpoint ${firstClaim.ev.checkpointSeq}`}`,
        { index: firstClaim.rec.index, executionId: id },
      ),
    );
  }
  const regressed = after.find((e) => e.ev.type === 'checkpoint_saved' && e.ev.seq <= saved);
  if (regressed !== undefined && regressed.ev.type === 'checkpoint_saved') {
    out.push(
      violation(view.records, 'durability', `checkpoint ${regressed.ev.seq} saved after the restart, though ${saved} was acknowledged before the crash`, {
        index: regressed.rec.index,
        executionId: id,
      }),
    );
  }
  return out;
}

/** Every execution acknowledged before a read right after a restart is known to it (unless pruned before it). */
function checkRestartReads(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const read of view.restartReads) {
    for (const [id, ack] of view.acked) {
      if (ack.ok.index > read.rec.index || (read.executions[id] ?? null) !== null) continue;
      const recorded = finalTerminals((view.byExecution.get(id) ?? []).filter((e) => e.rec.index < read.rec.index))[0];
      if (prunedAway(view, recorded?.ev.at, read.rec.index)) continue;
      out.push(
        violation(
          view.records,
          'durability',
          `acknowledged at t=${ack.ok.time} but unknown to the coordinator right after its restart (read at t=${read.rec.time})${recorded === undefined ? '' : `, though it ended ${recorded.ev.to} at t=${recorded.rec.time} and no prune before the restart covered that`}`,
          { index: recorded?.rec.index ?? ack.ok.index, executionId: id },
        ),
      );
    }
  }
  return out;
}

function checkFinalRead(view: HistoryView): Violation[] {
  const read = view.finalRead;
  if (read === undefined) return [];
  const out: Violation[] = [];
  for (const [id, ack] of view.acked) {
    if (ack.ok.index > read.rec.index) continue;
    const seen = read.executions[id];
    const recorded = finalTerminals(view.byExecution.get(id) ?? [])[0];
    if ((seen === undefined || seen === null) && prunedAway(view, recorded?.ev.at)) continue;
    if (seen === undefined || seen === null) {
      out.push(
        violation(
          view.records,
          'durability',
          `acknowledged at t=${ack.ok.time} but unknown to the coordinator at the final read (t=${read.rec.time})${recorded === undefined ? '' : `, though it ended ${recorded.ev.to} at t=${recorded.rec.time}`}`,
          { index: recorded?.rec.index ?? ack.ok.index, executionId: id },
        ),
      );
    } else if (recorded !== undefined && seen !== recorded.ev.to) {
      out.push(
        violation(view.records, 'durability', `ended ${recorded.ev.to} at t=${recorded.rec.time} but the final read shows ${seen}`, {
          index: recorded.rec.index,
          executionId: id,
        }),
      );
    }
  }
  return out;
}
