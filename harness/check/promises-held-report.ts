/**
 * The held-task report is complete (part of promise 11, `delivery`;
 * docs/PROTOCOL.md "sync": `sync` lists "every task it holds"). When a
 * worker's report is answered (`synced`, with the report it answered and
 * when it was built), every attempt that worker process had started before
 * the report was built and had not finished by then must be in it. An
 * attempt left out is one the coordinator cannot confirm: its lease is
 * revoked or left to expire while the worker still runs it, and a cancel or
 * a drain no longer finds it. The report also lists "finished ones whose
 * result is not yet acknowledged" (docs/PROTOCOL.md, step 4): an attempt
 * whose result the worker sent and had not seen acknowledged when it built
 * the report must be in it, whatever a sync_result said about it meanwhile
 * (a revoke answered from a completion still committing, which then failed:
 * a worker that forgets the attempt leaves its lease unconfirmed while the
 * result is still on its way; graph-commit-window seed 12). The outcome
 * rarely shows it (the attempt's result is still sent and fenced, the work is redone elsewhere), so only
 * the worker's own trace does: a worker that loses track of an attempt
 * (its running set drops the wrong entry when an old attempt of the same
 * execution settles after its replacement started) reports without it.
 *
 * Times: the report's build time is the `synced` record's time minus the
 * worker's own (at - reportedAt), both on the worker's clock. Attempts that
 * started or finished at that very instant are not judged (the order within
 * one instant is not in the report). Not judged live (record times are
 * receive times there, not the worker's).
 */
import type { CheckContext } from './context.js';
import { parseDurableKey } from './promises-acked.js';
import { pendingOf, release, type Pending } from './promises-protocol.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** One attempt of one worker process: when it started and finished, its result's latest send and its ack (record times). */
interface Held {
  executionId: string;
  attempt: number;
  start: number;
  end: number | undefined;
  result?: { sessionId: string; seq: number };
  acked?: number;
}

/** The lease token of a result message's key (`result:<executionId>/<leaseToken>/<outcome>`). */
function resultLease(key: string | undefined): string | undefined {
  return key?.startsWith('result:') === true ? key.split('/')[1] : undefined;
}

/** Whether the attempt is still held when the report is built at `builtAt`: running, or finished with its result sent and not yet acknowledged. */
function heldAt(a: Held, builtAt: number): boolean {
  if (a.start >= builtAt) return false;
  if (a.end === undefined || a.end > builtAt) return true;
  return a.end < builtAt && a.result !== undefined && (a.acked === undefined || a.acked > builtAt);
}

/** 11 (report rule). See the file header. */
export function checkHeldReports(view: HistoryView, ctx: CheckContext): Violation[] {
  if (ctx.receivedTimes === true) return [];
  const attempts = new Map<string, Map<string, Held>>();
  const out: Violation[] = [];
  /** Attempts already reported left out: one violation each, not one per later report. */
  const reported = new Set<string>();
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source === 'coordinator') continue;
    const proc = `${ev.source}|${view.lifeOf(ev.source, e.rec.index)}`;
    if (ev.type === 'task_started') {
      const mine = attempts.get(proc) ?? new Map<string, Held>();
      attempts.set(proc, mine);
      mine.set(ev.leaseToken, { executionId: ev.executionId, attempt: ev.attempt, start: e.rec.time, end: undefined });
    } else if (ev.type === 'task_finished') {
      const a = attempts.get(proc)?.get(ev.leaseToken);
      if (a !== undefined && a.end === undefined) a.end = e.rec.time;
    } else if (ev.type === 'msg_sent' && ev.dir === 'to_coordinator') {
      const a = attempts.get(proc)?.get(resultLease(ev.key) ?? '');
      if (a !== undefined && a.acked === undefined) a.result = { sessionId: ev.sessionId, seq: ev.seq };
    } else if (ev.type === 'msg_acked' && ev.dir === 'to_coordinator') {
      for (const a of attempts.get(proc)?.values() ?? []) {
        if (a.acked === undefined && a.result?.sessionId === ev.sessionId && a.result.seq <= ev.upTo) a.acked = e.rec.time;
      }
    } else if (ev.type === 'synced' && ev.reported !== undefined && ev.reportedAt !== undefined) {
      const builtAt = e.rec.time - (ev.at - ev.reportedAt);
      const listed = new Set(ev.reported.map((h) => h.leaseToken));
      for (const [lease, a] of attempts.get(proc) ?? []) {
        if (listed.has(lease) || reported.has(lease) || !heldAt(a, builtAt)) continue;
        reported.add(lease);
        const running = a.end === undefined || a.end > builtAt;
        const state = running ? (a.end === undefined ? 'still ran' : `ran until t=${a.end}`) : `finished at t=${a.end}, its result not yet acknowledged`;
        const msg = `${ev.source}'s held-task report built at t=${builtAt} left out attempt ${a.attempt} of ${a.executionId} (lease ${lease}), which it had started at t=${a.start} and ${state}`;
        out.push(violation(view.records, 'delivery', msg, { index: e.rec.index, executionId: a.executionId, workerId: ev.source }));
      }
    }
  }
  return out;
}

/** A result one worker process sent: when (its clock), and when it saw it acknowledged. */
interface SentResult {
  executionId: string;
  sentAt: number;
  time: number;
  ackedAt: number | undefined;
  /** A sync_result that revoked something came after it: the worker may forget it (the coordinator fences it off). */
  mayForget: boolean;
}

/**
 * 11 (report rule, finished side): `sync` lists every task the worker holds,
 * "including finished ones whose result is not yet acknowledged"
 * (docs/PROTOCOL.md, step 4). A result the worker process sent (first send,
 * any session) and had not seen acknowledged when it built a held-task
 * report is in that report, a refused assignment's result (over capacity,
 * an unknown kind, draining) as much as a run attempt's. Left out, the
 * coordinator revokes or expires a lease whose result is on its way (set 11
 * #25: a refusal not recorded as finished). Not judged after a sync_result
 * that revoked anything (the worker forgets a revoked finished attempt), nor
 * at the instant of the send or the ack. Not judged live (worker clocks).
 */
export function checkUnackedResultsReported(view: HistoryView, ctx: CheckContext): Violation[] {
  if (ctx.receivedTimes === true) return [];
  const sends = new Map<string, Pending>();
  const results = new Map<string, Map<string, SentResult>>();
  const out: Violation[] = [];
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source === 'coordinator') continue;
    const life = `${ev.source}|${view.lifeOf(ev.source, e.rec.index)}`;
    const mine = results.get(life) ?? new Map<string, SentResult>();
    results.set(life, mine);
    if ((ev.type === 'msg_sent' || ev.type === 'msg_acked') && ev.dir === 'to_coordinator') {
      const p = pendingOf(sends, `${life}|${ev.sessionId}`);
      if (ev.type === 'msg_acked') {
        for (const s of release(p, ev.upTo)) {
          const r = mine.get(parseDurableKey(s.ev.key)?.leaseToken ?? '');
          if (r !== undefined && parseDurableKey(s.ev.key)?.kind === 'result') r.ackedAt ??= ev.at;
        }
        continue;
      }
      p.list.push(e as Ev<'msg_sent'>);
      const msg = parseDurableKey(ev.key);
      if (msg?.kind === 'result' && !mine.has(msg.leaseToken)) mine.set(msg.leaseToken, { executionId: msg.executionId, sentAt: ev.at, time: e.rec.time, ackedAt: undefined, mayForget: false });
    } else if (ev.type === 'synced' && ev.reported !== undefined && ev.reportedAt !== undefined) {
      const reportedAt = ev.reportedAt;
      const listed = new Set(ev.reported.map((h) => h.leaseToken));
      const builtAt = e.rec.time - (ev.at - reportedAt);
      for (const [lease, r] of mine) {
        if (listed.has(lease) || r.mayForget || r.sentAt >= reportedAt || (r.ackedAt !== undefined && r.ackedAt <= reportedAt)) continue;
        const msg = `${ev.source}'s held-task report built at t=${builtAt} left out lease ${lease} of ${r.executionId}, whose result it had sent at t=${r.time} and ${r.ackedAt === undefined ? 'never saw acknowledged' : 'saw acknowledged only later'}: a finished attempt is held until its result is acknowledged`;
        out.push(violation(view.records, 'delivery', msg, { index: e.rec.index, executionId: r.executionId, workerId: ev.source }));
      }
      if (ev.revoked > 0) for (const r of mine.values()) r.mayForget = true;
    }
  }
  return out;
}
