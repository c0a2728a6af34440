/**
 * Heartbeat monitor: on a clock interval (half the heartbeat period) it lets
 * every live connection ping if due and drop itself if silent past
 * heartbeatTimeoutMs (half-open detection), marks workers gone for longer
 * than leaseMs as lost, and forgets sessions past their resume window.
 */
import type { TimerHandle } from '../core/clock.js';
import type { CoordinatorContext } from './context.js';

/** Periodic liveness checks over connections, workers and sessions. */
export class HeartbeatMonitor {
  private timer: TimerHandle | undefined;
  /** Tick period: half the smaller of the heartbeat period and half the timeout. */
  private readonly every: number;
  private lastTickMono: number | undefined;

  constructor(private readonly ctx: Omit<CoordinatorContext, 'wake'>) {
    this.every = Math.max(1, Math.floor(Math.min(ctx.config.heartbeatMs, ctx.config.heartbeatTimeoutMs / 2) / 2));
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = this.ctx.clock.setInterval(() => this.tick(), this.every);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /**
   * One round; exported for tests. After a stall of this process (the tick
   * itself came late), frames that arrived meanwhile are still unread, so
   * silence is not judged this round: a slow coordinator must not mistake
   * its own pause for dead workers.
   */
  tick(): void {
    const mono = this.ctx.clock.monotonic();
    const stalled = this.lastTickMono !== undefined && mono - this.lastTickMono > this.every * 4;
    this.lastTickMono = mono;
    for (const conn of [...this.ctx.connections.values()]) {
      try {
        conn.tick(mono, !stalled);
      } catch (err) {
        this.ctx.logger.error({ err, connectionId: conn.connectionId }, 'heartbeat tick failed for a connection');
      }
    }
    const now = this.ctx.clock.now();
    const { leaseMs, sessionTtlMs } = this.ctx.config;
    for (const entry of this.ctx.registry.all()) {
      if (entry.state === 'disconnected' && entry.disconnectedAt !== undefined && now - entry.disconnectedAt > leaseMs) {
        entry.state = 'lost';
        this.ctx.emit({ type: 'worker_lost', workerId: entry.workerId });
        this.ctx.logger.warn({ workerId: entry.workerId }, `worker gone for more than ${leaseMs} ms; lost`);
      }
      const s = entry.session;
      if (s !== undefined && s.detachedAt !== undefined && now - s.detachedAt > sessionTtlMs) {
        s.dispose();
        entry.session = undefined;
      }
    }
  }
}
