/**
 * Part of promise 6 (checkpoints), fencing by lease token (issue 10, planted
 * defect class 34). A saved checkpoint names only its execution, seq and the
 * attempt the engine filed it under (`checkpoint_saved`), which is the live
 * attempt's even when a zombie sent it: an engine that accepts a checkpoint
 * because the execution has *some* live lease files the old holder's
 * checkpoint as the new attempt's, and the attempt-based rule of
 * checkCheckpoints sees nothing. The coordinator's delivery trace says who
 * sent it: `msg_delivered` carries the key `checkpoint:<exec>/<lease>/<seq>`.
 * A checkpoint saved for attempt A must have been delivered under one of A's
 * lease tokens; one delivered only under another lease was not fenced.
 */
import { parseDurableKey } from './promises-acked.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

interface Delivery {
  token: string;
  index: number;
  workerId: string;
}

/** Each checkpoint_saved whose seq only a lease of another attempt delivered. */
export function checkCheckpointSenders(view: HistoryView): Violation[] {
  const attemptOf = new Map<string, number>();
  const delivered = new Map<string, Delivery[]>();
  const out: Violation[] = [];
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source !== 'coordinator') continue;
    if (ev.type === 'claimed') attemptOf.set(`${ev.executionId}|${ev.leaseToken}`, ev.attempt);
    else if (ev.type === 'msg_delivered' && ev.dir === 'to_coordinator') {
      const msg = parseDurableKey(ev.key);
      if (msg?.kind !== 'checkpoint') continue;
      const k = `${msg.executionId}|${msg.detail}`;
      const list = delivered.get(k) ?? [];
      list.push({ token: msg.leaseToken, index: e.rec.index, workerId: ev.workerId });
      delivered.set(k, list);
    } else if (ev.type === 'checkpoint_saved') {
      const v = judgeSender(view, e as Ev<'checkpoint_saved'>, delivered.get(`${ev.executionId}|${ev.seq}`) ?? [], attemptOf);
      if (v !== undefined) out.push(v);
    }
  }
  return out;
}

function judgeSender(view: HistoryView, e: Ev<'checkpoint_saved'>, deliveries: readonly Delivery[], attemptOf: ReadonlyMap<string, number>): Violation | undefined {
  const { executionId, seq, attempt } = e.ev;
  const before = deliveries.filter((d) => d.index < e.rec.index);
  if (before.length === 0 || before.some((d) => attemptOf.get(`${executionId}|${d.token}`) === attempt)) return undefined;
  const d = before[before.length - 1] as Delivery;
  const theirs = attemptOf.get(`${executionId}|${d.token}`);
  return violation(
    view.records,
    'checkpoints',
    `checkpoint ${seq} was saved as attempt ${attempt}'s, but only ${d.workerId} under lease ${d.token} (${theirs === undefined ? 'no attempt of this execution' : `attempt ${theirs}`}) sent a checkpoint ${seq}: a checkpoint of another lease was accepted (not fenced by token)`,
    { index: e.rec.index, executionId, workerId: d.workerId },
  );
}
