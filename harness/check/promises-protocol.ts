/**
 * What docs/PROTOCOL.md promises about reliable messages, judged from the
 * delivery events both sides emit (msg_sent, msg_delivered, msg_acked in
 * system/core/events.ts):
 *  11. every reliable message is handed to the peer's logic exactly once and
 *      in order, across reconnects and session changes;
 *  12. a message the peer acknowledged is never sent again.
 * A message is followed across sessions by its key (system/protocol/
 * message-key.ts); seqs are checked within a session. Each side's memory
 * dies with its process (kill, restart), so judgements stay within one life.
 */
import type { MsgDir } from '../../system/core/index.js';
import type { CheckContext } from './context.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

type Sent = Ev<'msg_sent'>;
type Delivered = Ev<'msg_delivered'>;

/** The process that sends messages in a direction for a worker's link. */
const senderOf = (dir: MsgDir, workerId: string): string => (dir === 'to_coordinator' ? workerId : 'coordinator');
const receiverOf = (dir: MsgDir, workerId: string): string => (dir === 'to_coordinator' ? 'coordinator' : workerId);
/**
 * Worker messages the coordinator handles without a store commit (system/coordinator/inbound.ts):
 * only a message whose handling waits on a commit can fail with the 4500 close and come again; one
 * handled at once was done when handed over (blind set 8 #15: a seq done ahead of a gap).
 */
const IMMEDIATE: ReadonlySet<string> = new Set(['sync', 'data', 'drain']);

const what = (e: { ev: { msgType: string; key?: string | undefined; seq: number } }): string => `${e.ev.msgType} ${e.ev.key ?? `#${e.ev.seq}`}`;

/** 11. Exactly once, in order, nothing lost across a reconnect. */
export function checkDelivery(view: HistoryView, _ctx: CheckContext): Violation[] {
  return [...checkSessions(view), ...checkLostAtReconnect(view), ...checkOutOfSession(view)];
}

/**
 * A frame on a connection the coordinator had already replaced (4409: the
 * worker id registered again on another connection) or seen close belongs to
 * no session any more: handing it to the coordinator's logic acts on an
 * out-of-session frame (it may be a delayed copy, or someone else's).
 */
function checkOutOfSession(view: HistoryView): Violation[] {
  const ended = new Map<string, { index: number; time: number; how: string }>();
  for (const e of view.ofType('worker_replaced')) ended.set(e.ev.oldConnectionId, { index: e.rec.index, time: e.rec.time, how: `replaced by ${e.ev.newConnectionId}` });
  for (const e of view.ofType('worker_disconnected')) if (!ended.has(e.ev.connectionId)) ended.set(e.ev.connectionId, { index: e.rec.index, time: e.rec.time, how: 'closed' });
  const out: Violation[] = [];
  for (const e of view.ofType('msg_delivered')) {
    const c = e.ev.connectionId;
    const end = c === undefined ? undefined : ended.get(c);
    if (end === undefined || end.index > e.rec.index) continue;
    const { workerId: w, sessionId } = e.ev;
    const msg = `${e.ev.dir} ${w} session ${sessionId}: seq ${e.ev.seq} (${what(e)}) handed over on connection ${c ?? '?'} after it was ${end.how} at t=${end.time}: an out-of-session frame was acted on`;
    out.push(violation(view.records, 'delivery', msg, { index: e.rec.index, workerId: w }));
  }
  return out;
}

/**
 * Within one receiving session: seqs handed over are 1, 2, 3... (a gap is a
 * lost message, a repeat a duplicate); a key is handed over once; keys come in
 * the order their sender first sent them (renumbering keeps order).
 */
function checkSessions(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const firstSent = new Map<string, number>();
  for (const e of view.ofType('msg_sent')) {
    const k = e.ev.key === undefined ? undefined : ackedKey(`${e.ev.dir}|${e.ev.workerId}|${view.lifeOf(senderOf(e.ev.dir, e.ev.workerId), e.rec.index)}`, e.ev);
    if (k !== undefined && !firstSent.has(k)) firstSent.set(k, e.rec.index);
  }
  const sessions = new Map<string, { seq: number; delivered: Map<number, number>; keys: Map<string, Delivered>; lastOrder: number; last?: Delivered }>();
  // The coordinator closes with 4500 when it could not commit a message: it (and any other message still
  // uncommitted then, whose commit fails the same way) was never handed over for good and comes again.
  // Only an unacknowledged one: a seq the worker saw acknowledged before that close had committed, and
  // handing it over again is a duplicate whatever closed the link.
  const internal = view.ofType('worker_disconnected').filter((x) => x.ev.code === 4500);
  const workerAcks = view.ofType('msg_acked').filter((x) => x.ev.dir === 'to_coordinator');
  const ackedBy = (w: string, session: string, seq: number, after: number, before: number): boolean =>
    workerAcks.some((a) => a.ev.workerId === w && a.ev.sessionId === session && a.ev.upTo >= seq && a.rec.index > after && a.rec.index < before);
  const retried = (w: string, session: string, seq: number, after: number, before: number): boolean =>
    internal.some((x) => x.ev.workerId === w && x.rec.index > after && x.rec.index < before && !ackedBy(w, session, seq, after, x.rec.index));
  for (const e of view.ofType('msg_delivered')) {
    const { dir, workerId: w, sessionId, seq } = e.ev;
    const life = view.lifeOf(receiverOf(dir, w), e.rec.index);
    const sk = `${dir}|${w}|${sessionId}|${life}`;
    let s = sessions.get(sk);
    if (s === undefined) sessions.set(sk, (s = { seq: 0, delivered: new Map(), keys: new Map(), lastOrder: -1 }));
    const v = (message: string): void => {
      out.push(violation(view.records, 'delivery', `${dir} ${w} session ${sessionId}: ${message}`, { index: e.rec.index, workerId: w }));
    };
    const before = s.delivered.get(seq);
    const storeBound = dir === 'to_coordinator' && !IMMEDIATE.has(e.ev.msgType);
    if (before !== undefined && !(storeBound && retried(w, sessionId, seq, before, e.rec.index))) v(`seq ${seq} (${what(e)}) handed over again after seq ${s.seq}: a duplicate reached the ${receiverOf(dir, w)}'s logic`);
    else if (seq > s.seq + 1) v(`seq ${seq} (${what(e)}) handed over after seq ${s.seq}: seqs ${s.seq + 1}..${seq - 1} were lost`);
    else if (before === undefined && seq <= s.seq) v(`seq ${seq} (${what(e)}) handed over after seq ${s.seq}: out of order`);
    s.delivered.set(seq, e.rec.index);
    s.seq = Math.max(s.seq, seq);
    if (e.ev.key === undefined) continue;
    const dup = s.keys.get(e.ev.key);
    if (dup !== undefined && !retried(w, dup.ev.sessionId, dup.ev.seq, dup.rec.index, e.rec.index)) v(`${what(e)} handed over twice (seq ${dup.ev.seq} at t=${dup.rec.time}, seq ${seq} at t=${e.rec.time})`);
    s.keys.set(e.ev.key, e);
    const order = firstSent.get(ackedKey(`${dir}|${w}|${view.lifeOf(senderOf(dir, w), e.rec.index)}`, e.ev));
    if (order !== undefined && order < s.lastOrder && s.last !== undefined && !retried(w, sessionId, seq, s.last.rec.index, e.rec.index)) {
      v(`${what(e)} handed over after ${what(s.last)}, though it was sent first: order not kept`);
    }
    if (order !== undefined && order > s.lastOrder) {
      s.lastOrder = order;
      s.last = e;
    }
  }
  return out;
}

/**
 * Across a reconnect: a keyed message sent before a worker (re)registers
 * must be handed over by the time that connection is synced, when the
 * session went on (worker → coordinator: always, resumed or renumbered;
 * coordinator → worker: when the worker resumed the sender's session).
 * Either way it is re-sent before `sync`/`sync_result` on the same
 * connection, so it must arrive first.
 */
function checkLostAtReconnect(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const delivered = new Map<string, number[]>();
  for (const e of view.ofType('msg_delivered')) {
    if (e.ev.key === undefined) continue;
    const k = `${e.ev.dir}|${e.ev.workerId}|${e.ev.key}`;
    const list = delivered.get(k) ?? [];
    list.push(e.rec.index);
    delivered.set(k, list);
  }
  const acked = ackedKeys(view);
  const reported = new Set<string>();
  const byWorker = new Map<string, Ev[]>();
  const links = (w: string): Ev[] => {
    let l = byWorker.get(w);
    if (l === undefined) {
      l = (view.byWorker.get(w) ?? []).filter((x) => x.ev.source === w && (x.ev.type === 'connected' || x.ev.type === 'synced' || x.ev.type === 'disconnected'));
      byWorker.set(w, l);
    }
    return l;
  };
  for (const e of view.ofType('msg_sent')) {
    if (e.ev.key === undefined) continue;
    const { dir, workerId: w, key } = e.ev;
    const k = `${dir}|${w}|${key}`;
    if (reported.has(k) || acked.has(`${k}|${e.rec.index}`)) continue;
    const synced = nextSync(view, links(w), e, dir);
    if (synced === undefined) continue;
    if ((delivered.get(k) ?? []).some((i) => i < synced.rec.index)) continue;
    reported.add(k);
    out.push(
      violation(
        view.records,
        'delivery',
        `${w}: ${what(e)} (${dir}, seq ${e.ev.seq}, sent at t=${e.rec.time}) was not handed over by the time the reconnection synced at t=${synced.rec.time}: lost at the reconnect`,
        { index: synced.rec.index, workerId: w },
      ),
    );
  }
  return out;
}

/** The worker's `synced` that ends the first (re)registration after `sent` that must carry it, if any. */
function nextSync(view: HistoryView, linkEvents: readonly Ev[], sent: Sent, dir: MsgDir): Ev | undefined {
  const w = sent.ev.workerId;
  let lo = 0;
  let hi = linkEvents.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((linkEvents[mid] as Ev).rec.index > sent.rec.index) hi = mid;
    else lo = mid + 1;
  }
  const mine = linkEvents.slice(lo, lo + 64);
  const connected = mine.find((x) => x.ev.type === 'connected');
  if (connected === undefined || connected.ev.type !== 'connected') return undefined;
  if (view.lifeOf(w, connected.rec.index) !== view.lifeOf(w, sent.rec.index)) return undefined;
  if (view.lifeOf('coordinator', connected.rec.index) !== view.lifeOf('coordinator', sent.rec.index) && dir === 'to_worker') return undefined;
  if (dir === 'to_worker' && !(connected.ev.resumed && connected.ev.sessionId === sent.ev.sessionId)) return undefined;
  for (const x of mine) {
    if (x.rec.index <= connected.rec.index) continue;
    if (x.ev.type === 'synced') return x;
    if (x.ev.type === 'disconnected' || x.ev.type === 'connected') return undefined;
  }
  return undefined;
}

/**
 * `dir|worker|key|sentIndex` of every send the peer acknowledged (the sender
 * recorded msg_acked covering its seq in its session) before the sender sent
 * that key again.
 */
function ackedKeys(view: HistoryView): Set<string> {
  const out = new Set<string>();
  const pending = new Map<string, Pending>();
  for (const e of view.events) {
    if (e.ev.type !== 'msg_sent' && e.ev.type !== 'msg_acked') continue;
    const p = pendingOf(pending, `${e.ev.dir}|${e.ev.workerId}|${e.ev.sessionId}`);
    if (e.ev.type === 'msg_sent') p.list.push(e as Sent);
    else for (const s of release(p, e.ev.upTo)) if (s.ev.key !== undefined) out.add(`${s.ev.dir}|${s.ev.workerId}|${s.ev.key}|${s.rec.index}`);
  }
  return out;
}

/** Sends of one session awaiting an ack, in send order (seqs ascend), with a head pointer. */
export interface Pending {
  list: Sent[];
  head: number;
}

/** The pending sends of one session key, created empty on first use. */
export function pendingOf(m: Map<string, Pending>, k: string): Pending {
  let p = m.get(k);
  if (p === undefined) m.set(k, (p = { list: [], head: 0 }));
  return p;
}

/** Releases (returns) the pending sends from the head with seq <= upTo (a re-sent lower seq waits for the next ack). */
export function release(p: Pending, upTo: number): Sent[] {
  const out: Sent[] = [];
  while (p.head < p.list.length && (p.list[p.head] as Sent).ev.seq <= upTo) out.push(p.list[p.head++] as Sent);
  if (p.head > 256 && p.head * 2 > p.list.length) {
    p.list = p.list.slice(p.head);
    p.head = 0;
  }
  return out;
}

/**
 * The identity of a sent message across sessions: its key, but a drain is state of the session it
 * was sent in (a new session, after a coordinator restart, must be told again: promise 25).
 */
function ackedKey(link: string, ev: { key?: string | undefined; msgType: string; sessionId: string }): string {
  return ev.msgType === 'drain' ? `${link}|drain|${ev.sessionId}` : `${link}|${ev.key}`;
}

/**
 * 12. Once the sender saw the peer acknowledge a message (msg_acked covering
 * its seq in its session), it never sends it again: not on resume (a seq at
 * or below the peer's ack) and not renumbered into a new session (where the
 * receiver could not tell it from new work). A resume's re-send is also held
 * to the lastSeq the peer reported in that handshake (msg_sent.peerLastSeq):
 * whatever order the sender applies it in, nothing at or below it goes out
 * again (the receiver's dedupe would absorb the copy, hiding the defect).
 */
export function checkAckedNotResent(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  /** Per sender link and life: acked keys (when) and the highest ack per session. */
  const ackedAt = new Map<string, number>();
  const ackTop = new Map<string, number>();
  const sends = new Map<string, Pending>();
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.type !== 'msg_sent' && ev.type !== 'msg_acked') continue;
    const link = `${ev.dir}|${ev.workerId}|${view.lifeOf(senderOf(ev.dir, ev.workerId), e.rec.index)}`;
    const sk = `${link}|${ev.sessionId}`;
    if (ev.type === 'msg_acked') {
      ackTop.set(sk, Math.max(ackTop.get(sk) ?? 0, ev.upTo));
      for (const s of release(pendingOf(sends, sk), ev.upTo)) if (s.ev.key !== undefined && !ackedAt.has(ackedKey(link, s.ev))) ackedAt.set(ackedKey(link, s.ev), e.rec.time);
      continue;
    }
    const s = e as Sent;
    const v = (message: string): void => {
      out.push(violation(view.records, 'acked-not-resent', `${ev.workerId} (${ev.dir}): ${message}`, { index: e.rec.index, workerId: ev.workerId }));
    };
    const when = ev.key === undefined ? undefined : ackedAt.get(ackedKey(link, ev));
    const reported = ev.peerLastSeq ?? 0;
    if (when !== undefined) v(`${what(s)} sent again as seq ${ev.seq} in session ${ev.sessionId}, though the peer acknowledged it at t=${when}`);
    else if (ev.resend && ev.seq <= reported) v(`seq ${ev.seq} (${what(s)}) re-sent at a resume though the peer reported having up to seq ${reported} (its lastSeq): the reported lastSeq must trim the re-send`);
    else if (ev.resend && ev.seq <= (ackTop.get(sk) ?? 0)) v(`seq ${ev.seq} (${what(s)}) re-sent though the peer acknowledged up to ${ackTop.get(sk)}`);
    // The lastSeq the peer reported at the resume acknowledges what it covers, for every later send too.
    if (reported > (ackTop.get(sk) ?? 0)) ackTop.set(sk, reported);
    pendingOf(sends, sk).list.push(s);
  }
  return out;
}
