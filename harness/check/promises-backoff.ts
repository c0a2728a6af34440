/**
 * Promise 9 (ARCHITECTURE.md): reconnect backoff stays within its bounds,
 * never stops while faults last, returns within a bound after heal, keeps one
 * connection at a time and never runs in lockstep at the cap.
 */
import { nearestRank } from './nearest-rank.js';
import type { CheckContext } from './context.js';
import type { Ev, HistoryView } from './view.js';
import { type CapDraw, lockstepViolations } from './lockstep.js';
import type { Violation } from './violation.js';
import { FATAL_CODES } from './promises-wire.js';
import { violation } from './violation.js';

/** p-quantile (0..1): the checker's own nearest rank (nearest-rank.ts), never the system's percentile it may be judging. */
const quantile = (sorted: readonly number[], p: number): number => nearestRank(sorted, p * 100) ?? NaN;

const EPS = 0.001;

/** What one worker's pass over its own events needs and collects. */
interface WorkerPass {
  view: HistoryView;
  ctx: CheckContext;
  w: string;
  /** This worker's configured backoff (the fleet's, or its group's own). */
  cfg: CheckContext['backoff'];
  mine: readonly Ev[];
  handshake: number;
  /** Ceiling of an attempt's deadline (it doubles with consecutive handshake timeouts). */
  handshakeMax: number;
  capDraws: CapDraw[];
  v: (e: Ev, message: string) => void;
  lastAttempt: number;
  lastAttemptAt: number;
  /** The previous delay drawn since the last registration (decorrelated jitter draws from it). */
  prevDelay: number | undefined;
  /** When the current connection came up; undefined while disconnected. */
  up: number | undefined;
  /** When the worker last registered (its `connected`); undefined before. */
  afterRegistration: number | undefined;
  /** The close that ended the worker's latest connection since its latest `connecting` (none: the try never connected). */
  closedBy: { code: number; reason: string } | undefined;
}

/**
 * 9. Backoff delays within [floor, cap], cap within the configured max,
 * attempts increasing, no gap in retrying, back within a bound after heal,
 * one connection at a time (no reconnect race), no lockstep at the cap.
 */
export function checkBackoff(view: HistoryView, ctx: CheckContext): Violation[] {
  const tol = ctx.toleranceMs;
  const handshake = ctx.handshakeTimeoutMs ?? 5_000;
  const out = checkFleetRegistered(view, ctx, handshake);
  const capDraws: CapDraw[] = [];
  const healAt = ctx.healAt ?? view.healAt;
  const handshakeMax = ctx.handshakeTimeoutMaxMs ?? 4 * handshake;
  const boundFor = (deadline: number, maxMs: number): number => ctx.maxReconnectBoundMs ?? Math.max(deadline, ctx.workerHeartbeatTimeoutMs ?? ctx.heartbeatTimeoutMs) + maxMs + tol;
  for (const [w, all] of view.byWorker) {
    const cfg = ctx.backoffByWorker?.[w] ?? ctx.backoff;
    const mine = all.filter((e) => e.ev.source === w);
    const atHeal = healAt !== undefined && connectedAtHeal(mine, healAt);
    const v = (e: Ev, message: string): void => {
      out.push(violation(view.records, 'backoff', message, { index: e.rec.index, workerId: w }));
    };
    const pass: WorkerPass = { view, ctx, w, cfg, mine, handshake, handshakeMax, capDraws, v, lastAttempt: 0, lastAttemptAt: 0, prevDelay: undefined, up: undefined, afterRegistration: undefined, closedBy: undefined };
    for (let i = 0; i < mine.length; i++) passEvent(pass, i);
    const bound = healAt === undefined ? 0 : boundFor(deadlineAt(mine, healAt, handshake, handshakeMax), cfg.maxMs);
    if (healAt !== undefined && !atHeal && view.endAt >= healAt + bound) out.push(...healViolations(view, w, mine, healAt, bound));
  }
  const spread = capSpreadViolations(view, ctx, capDraws);
  out.push(...spread);
  // The uniformity test (stated false-positive rate) judges what the spread rule lets through; ties always.
  const spreadFired = spread.length > 0;
  out.push(...lockstepViolations(view.records, capDraws).filter((v) => !spreadFired || !/not uniform/.test(v.message)));
  return out;
}

/** Every worker of the fleet must show up (identity collision: workers registering under one id). */
function checkFleetRegistered(view: HistoryView, ctx: CheckContext, handshake: number): Violation[] {
  const out: Violation[] = [];
  for (const w of ctx.workerIds ?? []) {
    const mine = (view.byWorker.get(w) ?? []).filter((e) => e.ev.source === w || e.ev.type === 'worker_registered');
    if (!mine.some((e) => e.ev.type === 'connected' || e.ev.type === 'worker_registered') && view.endAt >= handshake + ctx.toleranceMs) {
      out.push(violation(view.records, 'backoff', `${w} never registered during the run (a worker identity collision, or a worker that never connects)`, { workerId: w }));
    }
  }
  return out;
}

/** The deadline of the worker's attempt in flight at heal (its latest `connecting` up to then), at most the ceiling. */
function deadlineAt(mine: readonly Ev[], healAt: number, handshake: number, handshakeMax: number): number {
  let deadline = handshake;
  for (const e of mine) {
    if (e.rec.time > healAt) break;
    if (e.ev.type === 'connecting') deadline = e.ev.handshakeTimeoutMs ?? handshake;
  }
  return Math.min(Math.max(deadline, handshake), handshakeMax);
}

/** Whether the worker's own events leave it connected at the heal. */
function connectedAtHeal(mine: readonly Ev[], healAt: number): boolean {
  let connected = false;
  for (const e of mine) {
    if (e.rec.time > healAt) break;
    if (e.ev.type === 'connected') connected = true;
    else if (e.ev.type === 'disconnected' || e.ev.type === 'backoff') connected = false;
  }
  return connected;
}

/** Whether nothing matching `wanted` follows event i within `deadline` (and no process fault excuses it). */
function stalled(p: WorkerPass, i: number, wanted: readonly string[], deadline: number): { stalled: boolean; next: Ev | undefined } {
  const e = p.mine[i] as Ev;
  const next = p.mine.slice(i + 1).find((x) => wanted.includes(x.ev.type));
  const late = deadline < p.view.endAt && (next === undefined || next.rec.time > deadline) && !p.view.processFaultOn(p.w, e.rec.time, deadline);
  return { stalled: late, next };
}

/** Judges event i of one worker's own events, updating the pass state. */
function passEvent(p: WorkerPass, i: number): void {
  const e = p.mine[i] as Ev;
  const ev = e.ev;
  const tol = p.ctx.toleranceMs;
  if (ev.type === 'connected') {
    // A killed (restarted) process emits no `disconnected`: its new life starts fresh.
    if (p.up !== undefined && !p.view.processFaultOn(p.w, p.up, e.rec.time)) {
      p.v(e, `connected again at t=${e.rec.time} without a disconnection in between: two connections at once (reconnect race)`);
    }
    p.up = e.rec.time;
    p.lastAttempt = 0;
    p.prevDelay = undefined;
    p.afterRegistration = e.rec.time;
  } else if (ev.type === 'disconnected') {
    p.up = undefined;
    p.closedBy = { code: ev.code, reason: ev.reason };
    // A documented fatal close (4409 replaced, 4426 version) stops the worker: no reconnect is due (promise 38 judges that it stops).
    const fatal = FATAL_CODES.has(ev.code) && ev.reason.startsWith('fatal:');
    if (!fatal && stalled(p, i, ['backoff', 'connecting'], e.rec.time + tol).stalled) {
      const why = ev.reason === '' ? '' : ` (code ${ev.code}: ${ev.reason.length > 120 ? `${ev.reason.slice(0, 120)}…` : ev.reason})`;
      p.v(e, `disconnected at t=${e.rec.time}${why} and did not schedule a reconnect within ${tol} ms: a worker must keep retrying while faults last`);
    }
  } else if (ev.type === 'connecting') {
    p.closedBy = undefined;
    const deadline = ev.handshakeTimeoutMs ?? p.handshake;
    if (deadline > p.handshakeMax) p.v(e, `connection attempt ${ev.attempt} at t=${e.rec.time} has a handshake deadline of ${deadline} ms, above the ceiling ${p.handshakeMax} ms`);
    const waited = Math.min(deadline, p.handshakeMax);
    if (stalled(p, i, ['connected', 'backoff', 'disconnected'], e.rec.time + waited + tol).stalled) {
      p.v(e, `connection attempt ${ev.attempt} at t=${e.rec.time} neither succeeded nor failed within the handshake timeout (${waited} ms): stuck connecting`);
    }
  } else if (ev.type === 'backoff') {
    passBackoff(p, i, ev);
  }
}

/**
 * The bounds a delay for `attempt` (1 = the first retry) must be drawn from,
 * written independently of system/worker/backoff.ts: the exponential base
 * initialMs * multiplier^(attempt-1), capped at maxMs; full jitter draws in
 * [0, base], equal jitter in [base/2, base], none waits initialMs.
 * Decorrelated jitter draws in [initialMs, min(maxMs, 3 * prev)] (capped before
 * the draw, never below initialMs), prev being the worker's previous delay
 * since it registered (initialMs for its first).
 */
function referenceBounds(b: CheckContext['backoff'], attempt: number, prevMs: number | undefined): { lo: number; hi: number } | undefined {
  const first = Math.min(b.initialMs, b.maxMs);
  let base = first;
  for (let n = 1; n < attempt && base < b.maxMs && b.multiplier > 1; n++) base = Math.min(b.maxMs, base * b.multiplier);
  switch (b.strategy) {
    case 'none':
      return { lo: first, hi: first };
    case 'full-jitter':
      return { lo: 0, hi: base };
    case 'equal-jitter':
      return { lo: base / 2, hi: base };
    case 'decorrelated-jitter': {
      const prev = prevMs !== undefined && prevMs > 0 ? prevMs : first;
      return { lo: first, hi: Math.min(b.maxMs, Math.max(first, 3 * prev)) };
    }
    default:
      return undefined;
  }
}

/** Judges one `backoff` event: its delay, cap and attempt counter, and that an attempt follows it. */
function passBackoff(p: WorkerPass, i: number, ev: Ev<'backoff'>['ev']): void {
  const e = p.mine[i] as Ev;
  const { cfg } = p;
  const maxMs = cfg.maxMs;
  const { delayMs: d, floorMs: lo, capMs: hi, attempt } = ev;
  if (!Number.isFinite(d) || d < lo - EPS || d > hi + EPS || lo < 0) p.v(e, `delay ${d} ms outside [${lo}, ${hi}] (attempt ${attempt})`);
  if (hi > maxMs + EPS) p.v(e, `cap ${hi} ms above the configured maximum ${maxMs} ms (attempt ${attempt})`);
  // A fresh count (a registration, a restarted process) starts decorrelated jitter from initialMs again.
  const prev = attempt === 1 ? undefined : p.prevDelay;
  const ref = p.ctx.backoffIsFleetWide === true && ev.retryAfterMs === undefined ? referenceBounds(cfg, attempt, prev) : undefined;
  if (ref !== undefined && (Math.abs(ref.lo - lo) > EPS || Math.abs(ref.hi - hi) > EPS)) {
    const after = cfg.strategy === 'decorrelated-jitter' ? `, after a delay of ${prev === undefined ? 'none' : `${prev} ms`}` : '';
    p.v(e, `attempt ${attempt} drew from [${lo}, ${hi}] ms; ${cfg.strategy} with initialMs ${cfg.initialMs}, multiplier ${cfg.multiplier}, maxMs ${maxMs}${after} asks for [${ref.lo}, ${ref.hi}]`);
  }
  if (ev.retryAfterMs !== undefined && hi > 0 && hi - lo < EPS) {
    p.v(e, `retry-after ${ev.retryAfterMs} ms honoured in [${lo}, ${hi}] (attempt ${attempt}): no jitter left, every worker refused in one burst comes back at the same instant (lockstep)`);
  }
  judgeHint(p, e, ev);
  if (!Number.isSafeInteger(attempt) || attempt < 1) p.v(e, `attempt counter ${attempt} is not a positive safe integer`);
  else judgeAttemptStep(p, e, attempt);
  p.lastAttempt = attempt;
  p.lastAttemptAt = e.rec.time;
  p.prevDelay = d;
  if (ev.strategy !== 'none' && hi >= maxMs - 0.5 && hi > lo) {
    p.capDraws.push({ workerId: p.w, delayMs: d, position: (d - lo) / (hi - lo), index: e.rec.index });
  }
  const { stalled: late, next } = stalled(p, i, ['connecting', 'connected'], e.rec.time + d + p.ctx.toleranceMs);
  if (late) {
    p.v(e, `backoff of ${d} ms at t=${e.rec.time} but ${next === undefined ? 'no further connection attempt' : `the next attempt only at t=${next.rec.time}`}: stopped retrying`);
  }
}

/** docs/PROTOCOL.md, admission control: a refusal closes with 4503 and reason `retry-after=<ms>`. */
function retryAfterOf(close: { code: number; reason: string } | undefined): number | undefined {
  if (close?.code !== 4503) return undefined;
  const m = /retry-after=(\d+)/.exec(close.reason);
  return m === null ? undefined : Number(m[1]);
}

/**
 * A retry-after hint governs only the reconnect after the refusal that carried
 * it (docs/PROTOCOL.md, admission control): a backoff honours the hint of the
 * 4503 close that ended the connection it follows, and no hint after any other
 * close or a try that never connected (then the backoff policy decides). A
 * hint kept past its refusal (set 11 #18) stretches every later reconnect.
 * With the hint, the delay is drawn in [hint, 1.5 × hint] within the cap.
 */
function judgeHint(p: WorkerPass, e: Ev, ev: Ev<'backoff'>['ev']): void {
  const want = retryAfterOf(p.closedBy);
  const { attempt, floorMs: lo, capMs: hi } = ev;
  if (ev.retryAfterMs !== want) {
    const why = p.closedBy === undefined ? 'a try that never connected' : `a close ${p.closedBy.code}${want === undefined ? ' without a retry-after hint' : ` with retry-after=${want}`}`;
    p.v(e, `backoff attempt ${attempt} follows ${why} but honours ${ev.retryAfterMs === undefined ? 'no hint' : `a retry-after hint of ${ev.retryAfterMs} ms`}: a hint governs only the reconnect after the refusal that carried it`);
    return;
  }
  // A window with no jitter left is reported as lockstep (passBackoff).
  if (want === undefined || (hi > 0 && hi - lo < EPS)) return;
  const max = p.cfg.maxMs;
  const floor = Math.min(want, max / 1.5);
  const cap = Math.min(max, Math.max(floor, want * 1.5));
  if (Math.abs(floor - lo) > EPS || Math.abs(cap - hi) > EPS) p.v(e, `retry-after ${want} ms (attempt ${attempt}) drew from [${lo}, ${hi}] ms; the hint's window within the cap ${max} ms is [${floor}, ${cap}]`);
}

/**
 * The attempt counter counts consecutive failed tries: the first backoff after
 * a registration (or of a fresh process) is attempt 1 and each later one the
 * previous + 1. A counter never reset after a registration draws every later
 * delay from a later attempt's (longer) bounds, so the delays alone look legal.
 */
function judgeAttemptStep(p: WorkerPass, e: Ev, attempt: number): void {
  const expected = p.lastAttempt + 1;
  if (attempt === expected) return;
  // A killed or restarted process starts counting afresh (a paused one goes on): either is right.
  if (attempt === 1 && p.view.processFaultOn(p.w, p.lastAttemptAt, e.rec.time)) return;
  if (attempt <= p.lastAttempt && !p.view.processFaultOn(p.w, p.lastAttemptAt, e.rec.time)) {
    p.v(e, `attempt counter went from ${p.lastAttempt} to ${attempt} without a successful connection`);
  } else if (p.lastAttempt === 0 && p.afterRegistration !== undefined) {
    p.v(e, `first backoff after the registration at t=${p.afterRegistration} is attempt ${attempt}, not 1: the attempt counter was not reset when the worker registered`);
  } else {
    p.v(e, `attempt counter went from ${p.lastAttempt} to ${attempt}: each failed try must count exactly once (want ${expected})`);
  }
}

/** A worker disconnected at heal must be connected again within the bound. */
function healViolations(view: HistoryView, w: string, mine: readonly Ev[], healAt: number, bound: number): Violation[] {
  const back = mine.find((e) => e.ev.type === 'connected' && e.rec.time > healAt);
  if (back !== undefined && back.rec.time <= healAt + bound) return [];
  const last = mine[mine.length - 1];
  return [
    violation(
      view.records,
      'backoff',
      `disconnected at heal (t=${healAt}) and ${back === undefined ? 'never connected again' : `connected only at t=${back.rec.time}`}; the bound is ${bound} ms`,
      { index: back?.rec.index ?? last?.rec.index, workerId: w },
    ),
  ];
}

/** Delays at the cap bunched together (small p90-p10 spread) mean workers at the cap retry in lockstep. */
function capSpreadViolations(view: HistoryView, ctx: CheckContext, capDraws: readonly CapDraw[]): Violation[] {
  if (capDraws.length < 20) return [];
  const sorted = capDraws.map((c) => c.position).sort((a, b) => a - b);
  const spread = quantile(sorted, 0.9) - quantile(sorted, 0.1);
  if (spread >= ctx.minCapSpread) return [];
  return [
    violation(
      view.records,
      'backoff',
      `${capDraws.length} backoff delays at the cap are bunched (p90-p10 spread ${spread.toFixed(3)} of [floor, cap], want >= ${ctx.minCapSpread}): workers at the cap retry in lockstep (cap applied after jitter?)`,
      {},
    ),
  ];
}
