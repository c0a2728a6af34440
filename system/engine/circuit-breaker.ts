/**
 * Circuit breakers per task kind, in the claim path: an open breaker holds
 * back claims of its kind until resetTimeoutMs has passed; then it is
 * half-open and lets at most halfOpenMaxCalls trial executions through at a
 * time; a success closes it (and resets the failure count), a failure opens it
 * again. Closed breakers open after failureThreshold CONSECUTIVE failures; any
 * success resets the count.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { ExecutionId } from '../core/ids.js';

export interface BreakerConfig {
  enabled: boolean;
  failureThreshold: number;
  resetTimeoutMs: number;
  halfOpenMaxCalls: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

interface KindBreaker {
  state: BreakerState;
  consecutiveFailures: number;
  openedAt: number;
  /** Executions claimed as half-open trials and not finished yet. */
  trials: Set<ExecutionId>;
  timer: TimerHandle | undefined;
}

export class CircuitBreakers {
  protected readonly kinds = new Map<string, KindBreaker>();

  /** onReopenable: called when an open breaker becomes half-open (work may flow again). */
  constructor(
    private readonly clock: Clock,
    protected readonly config: BreakerConfig,
    private readonly onReopenable: () => void = () => {},
  ) {}

  /** The executions held as half-open trials, every kind's (read by the harness's memory rule, Engine.heldExecutions). */
  trialIds(): ExecutionId[] {
    return [...this.kinds.values()].flatMap((b) => [...b.trials]);
  }

  /** Current state of one kind (an open breaker past its reset time reads half-open). */
  state(kind: string): BreakerState {
    const b = this.kinds.get(kind);
    if (b === undefined) return 'closed';
    this.refresh(b);
    return b.state;
  }

  /** States of every kind seen so far, sorted by kind. */
  states(): Record<string, BreakerState> {
    const out: Record<string, BreakerState> = {};
    for (const kind of [...this.kinds.keys()].sort()) out[kind] = this.state(kind);
    return out;
  }

  /** Whether a claim of this kind may go through now (no side effects). */
  canPass(kind: string): boolean {
    if (!this.config.enabled) return true;
    const b = this.kinds.get(kind);
    if (b === undefined) return true;
    this.refresh(b);
    switch (b.state) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'half-open':
        return b.trials.size < this.config.halfOpenMaxCalls;
    }
  }

  /** A claim went through; in half-open it occupies a trial slot. */
  onClaim(kind: string, id: ExecutionId): void {
    if (!this.config.enabled) return;
    const b = this.kinds.get(kind);
    if (b === undefined) return;
    this.refresh(b);
    if (b.state === 'half-open') b.trials.add(id);
  }

  /** The execution's attempt ended without a verdict on the kind (lease lost, cancel, pause). */
  onRelease(kind: string, id: ExecutionId): void {
    this.kinds.get(kind)?.trials.delete(id);
  }

  onSuccess(kind: string, id: ExecutionId): void {
    const b = this.kinds.get(kind);
    if (b === undefined) return;
    b.trials.delete(id);
    b.consecutiveFailures = 0;
    if (b.state !== 'closed') {
      b.state = 'closed';
      b.trials.clear();
      b.timer?.cancel();
      b.timer = undefined;
    }
  }

  onFailure(kind: string, id: ExecutionId): void {
    if (!this.config.enabled) return;
    const b = this.get(kind);
    this.refresh(b);
    b.trials.delete(id);
    b.consecutiveFailures++;
    if (b.state === 'half-open' || (b.state === 'closed' && b.consecutiveFailures >= this.config.failureThreshold)) {
      this.open(b);
    }
  }

  /** Cancels reset timers. */
  close(): void {
    for (const b of this.kinds.values()) {
      b.timer?.cancel();
      b.timer = undefined;
    }
  }

  private get(kind: string): KindBreaker {
    let b = this.kinds.get(kind);
    if (b === undefined) {
      b = { state: 'closed', consecutiveFailures: 0, openedAt: 0, trials: new Set(), timer: undefined };
      this.kinds.set(kind, b);
    }
    return b;
  }

  protected open(b: KindBreaker): void {
    b.state = 'open';
    b.openedAt = this.clock.now();
    b.trials.clear();
    b.timer?.cancel();
    b.timer = this.clock.setTimeout(() => {
      b.timer = undefined;
      this.onReopenable();
    }, this.config.resetTimeoutMs);
  }

  private refresh(b: KindBreaker): void {
    if (b.state === 'open' && this.clock.now() >= b.openedAt + this.config.resetTimeoutMs) {
      b.state = 'half-open';
      b.trials.clear();
    }
  }
}
