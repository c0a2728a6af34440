/**
 * One direction of the link between two hosts (turmoil's model): a state
 * (healthy | partition | hold), a count of active group partitions that cut
 * it, and an ordered list of fault rules (faults.ts). Frames of every
 * connection crossing the link pass through it in send order.
 *
 * partition vs hold: both stop frames of established connections and keep
 * them, in order, until the link heals (TCP retransmits), so peers see
 * nothing: half-open, detected only by heartbeats. They differ for new
 * connections: across a partition the SYN is lost and connect() times out;
 * across a hold it waits and completes on release if the client still waits.
 */
import type { TimerHandle, Random } from '../../system/core/index.js';
import { corruptFrameIn } from './corrupt.js';
import { describeRule, validateRule, type FaultHandle, type FaultRule } from './faults.js';
import { TraceKind, type Trace } from './trace.js';
import type { PipeLike, RuleConnState, WireItem } from './types.js';
import type { VirtualTime } from './virtual-time.js';

/** Explicit state of a link direction. */
export const LinkState = {
  /** Frames flow (through the rules). */
  Healthy: 'healthy',
  /** Frames wait until healed; new connections time out. */
  Partition: 'partition',
  /** Frames and new connections wait until released. */
  Hold: 'hold',
} as const;
export type LinkState = (typeof LinkState)[keyof typeof LinkState];

/** What a link does with one item now. */
export type Verdict = { action: 'hold' } | { action: 'abort'; why: string } | { action: 'deliver'; delayMs: number; item: WireItem };

const HOLD: Verdict = { action: 'hold' };

interface InstalledRule {
  readonly id: number;
  readonly rule: FaultRule;
}

/** A link direction from one host to another. */
export class LinkDir {
  private explicit: LinkState = LinkState.Healthy;
  /** Active group partitions cutting this direction. */
  partitions = 0;
  private rules: InstalledRule[] = [];
  /** Connection directions currently crossing this link, in creation order. */
  readonly pipes = new Set<PipeLike>();
  /** Connection attempts waiting for a held link. */
  private waiting: (() => void)[] = [];
  /** On-path rewrites of data frames (an adversary editing frames in flight), in installation order. */
  private tampers: ((text: string, pipeId: string) => string)[] = [];

  constructor(
    readonly from: string,
    readonly to: string,
    private readonly time: VirtualTime,
    private readonly trace: Trace,
    private readonly rng: Random,
    /** Rule ids come from the network, so they are the same in every run. */
    private readonly allocRuleId: () => number,
  ) {}

  /** The state in effect (group partitions count as partition). */
  get state(): LinkState {
    if (this.explicit === LinkState.Hold) return LinkState.Hold;
    if (this.explicit === LinkState.Partition || this.partitions > 0) return LinkState.Partition;
    return LinkState.Healthy;
  }

  /** Sets the explicit state; returns a handle that restores healthy. */
  setState(state: LinkState): FaultHandle {
    this.explicit = state;
    this.trace.record(TraceKind.Fault, 'link_state', `${this.from}>${this.to}`, state);
    this.changed();
    return {
      remove: () => {
        if (this.explicit !== state) return;
        this.explicit = LinkState.Healthy;
        this.trace.record(TraceKind.Fault, 'link_state', `${this.from}>${this.to}`, LinkState.Healthy);
        this.changed();
      },
    };
  }

  /** Appends a rule (rules act in installation order); the handle removes it. */
  addRule(rule: FaultRule): FaultHandle {
    validateRule(rule);
    const installed: InstalledRule = { id: this.allocRuleId(), rule: { ...rule } };
    this.rules.push(installed);
    this.trace.record(TraceKind.Fault, 'rule_add', `${this.from}>${this.to}`, installed.id, describeRule(rule));
    if (rule.type === 'down') {
      for (const pipe of [...this.pipes]) pipe.abort('down');
    } else {
      for (const pipe of [...this.pipes]) this.armConnTimer(pipe, installed);
    }
    let removed = false;
    return {
      remove: () => {
        if (removed) return;
        removed = true;
        this.rules = this.rules.filter((r) => r !== installed);
        for (const pipe of this.pipes) {
          pipe.ruleStates.get(installed.id)?.timer?.cancel();
          pipe.ruleStates.delete(installed.id);
        }
        this.trace.record(TraceKind.Fault, 'rule_remove', `${this.from}>${this.to}`, installed.id);
        this.changed();
      },
    };
  }

  /**
   * Installs an on-path rewrite of the data frames crossing this direction
   * (harness/scenario/adversary-onpath.ts edits a welcome in flight); it
   * returns the text unchanged to let a frame pass (pipeId: `<connection id>:<from>><to>`,
   * which connection the frame travels on). The handle removes it.
   */
  addTamper(fn: (text: string, pipeId: string) => string): FaultHandle {
    this.tampers.push(fn);
    this.trace.record(TraceKind.Fault, 'tamper_add', `${this.from}>${this.to}`);
    return {
      remove: () => {
        const before = this.tampers.length;
        this.tampers = this.tampers.filter((t) => t !== fn);
        if (this.tampers.length !== before) this.trace.record(TraceKind.Fault, 'tamper_remove', `${this.from}>${this.to}`);
      },
    };
  }

  /** Rules in effect, in order (copies). */
  listRules(): FaultRule[] {
    return this.rules.map((r) => ({ ...r.rule }));
  }

  /** A `down` rule is installed: connects are refused. */
  isDown(): boolean {
    return this.rules.some((r) => r.rule.type === 'down');
  }

  /** The first blackhole (timeout) rule, which swallows new connections. */
  blackhole(): FaultRule | null {
    return this.rules.find((r) => r.rule.type === 'timeout')?.rule ?? null;
  }

  /** One-way delay of a handshake packet: latency rules (with jitter) only. */
  handshakeDelay(): number {
    let delay = 0;
    for (const r of this.rules) {
      if (r.rule.type === 'latency') delay += this.latency(r.rule.latency, r.rule.jitter ?? 0);
    }
    return delay;
  }

  /** Queues a connection attempt until the link is released (hold). */
  waitForRelease(retry: () => void): void {
    this.waiting.push(retry);
  }

  /** A new connection direction starts crossing the link. */
  attach(pipe: PipeLike): void {
    this.pipes.add(pipe);
    for (const r of this.rules) this.armConnTimer(pipe, r);
  }

  /** The connection direction is finished; its rule timers are cancelled. */
  detach(pipe: PipeLike): void {
    this.pipes.delete(pipe);
    for (const st of pipe.ruleStates.values()) st.timer?.cancel();
  }

  /** Decides the fate of one item of a connection direction, now. */
  evaluate(pipe: PipeLike, item: WireItem): Verdict {
    if (this.state !== LinkState.Healthy) return HOLD;
    for (const r of this.rules) {
      if (r.rule.type === 'down') return { action: 'abort', why: 'down' };
      if (r.rule.type === 'timeout' && this.stateFor(pipe, r).applies) return HOLD;
    }
    const now = this.time.now();
    let delay = 0;
    let out = this.tampered(pipe, item);
    for (const r of this.rules) {
      const st = this.stateFor(pipe, r);
      if (!st.applies) continue;
      const rule = r.rule;
      switch (rule.type) {
        case 'latency':
          delay += this.latency(rule.latency, rule.jitter ?? 0);
          break;
        case 'bandwidth': {
          // Toxiproxy's unit: KB/s with 1 KB = 1000 B.
          const txMs = (out.bytes / (rule.rate * 1000)) * 1000;
          st.freeAt = Math.max(now + delay, st.freeAt) + txMs;
          delay = st.freeAt - now;
          break;
        }
        case 'slow_close':
          if (out.kind === 'close' || out.kind === 'fin') delay += rule.delay;
          break;
        case 'slicer':
          if (out.kind === 'data') delay += (Math.ceil(out.bytes / rule.average_size) * rule.delay) / 1000;
          break;
        case 'limit_data':
          st.bytes += out.bytes;
          if (st.bytes > rule.bytes) return { action: 'abort', why: 'limit_data' };
          break;
        case 'corrupt':
          if (out.kind === 'data' && this.rng.float() < rule.probability) {
            const { text, field } = corruptFrameIn(out.text, (max) => this.rng.int(0, max), rule.fields);
            this.trace.record(TraceKind.Fault, 'corrupt', pipe.id);
            out = { kind: 'data', text, bytes: Buffer.byteLength(text), corrupted: true, field };
          }
          break;
        case 'timeout':
        case 'reset_peer':
        case 'down':
          break;
      }
    }
    return { action: 'deliver', delayMs: delay, item: out };
  }

  /** The item after the installed tampers (data frames only). */
  private tampered(pipe: PipeLike, item: WireItem): WireItem {
    if (item.kind !== 'data' || this.tampers.length === 0) return item;
    let text = item.text;
    for (const t of this.tampers) text = t(text, pipe.id);
    if (text === item.text) return item;
    this.trace.record(TraceKind.Fault, 'tamper', pipe.id);
    return { ...item, text, bytes: Buffer.byteLength(text) };
  }

  private latency(base: number, jitter: number): number {
    if (jitter <= 0) return base;
    return Math.max(0, base + (this.rng.float() * 2 - 1) * jitter);
  }

  private stateFor(pipe: PipeLike, r: InstalledRule): RuleConnState {
    let st = pipe.ruleStates.get(r.id);
    if (st === undefined) {
      const toxicity = r.rule.toxicity ?? 1;
      st = { applies: toxicity >= 1 || this.rng.float() < toxicity, bytes: 0, freeAt: 0, timer: null };
      pipe.ruleStates.set(r.id, st);
    }
    return st;
  }

  /**
   * An item entered a connection direction: a timeout > 0 rule restarts its
   * timer, as Toxiproxy's timeout closes `timeout` ms after the last data,
   * not after it was added.
   */
  dataArrived(pipe: PipeLike): void {
    for (const r of this.rules) {
      // reset_peer starts counting at the first data after it met the connection (Toxiproxy waits on its input).
      if (r.rule.type === 'reset_peer') this.armConnTimer(pipe, r, true);
      if (r.rule.type !== 'timeout' || r.rule.timeout <= 0) continue;
      const st = pipe.ruleStates.get(r.id);
      if (st?.timer === null || st?.timer === undefined) continue;
      st.timer.cancel();
      st.timer = null;
      this.armConnTimer(pipe, r);
    }
  }

  /**
   * timeout > 0 closes each connection a time after meeting it (restarted by
   * data, see dataArrived); reset_peer a time after the first data it sees.
   */
  private armConnTimer(pipe: PipeLike, r: InstalledRule, onData = false): void {
    const rule = r.rule;
    if (rule.type !== 'reset_peer' && !(rule.type === 'timeout' && rule.timeout > 0)) return;
    if (rule.type === 'reset_peer' && !onData) return;
    const st = this.stateFor(pipe, r);
    if (!st.applies || st.timer !== null) return;
    const handle: TimerHandle = this.time.setTimeout(() => {
      st.timer = null;
      pipe.abort(rule.type);
    }, rule.timeout);
    st.timer = handle;
  }

  /** Something was lifted: held items and waiting connects get another chance. */
  private changed(): void {
    for (const pipe of [...this.pipes]) pipe.pump();
    if (this.state === LinkState.Hold || this.waiting.length === 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const retry of waiting) retry();
  }

  /** Called by the network when group partitions change. */
  partitionsChanged(): void {
    this.changed();
  }
}
