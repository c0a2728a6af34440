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

  constructor(private readonly ctx: Omit<CoordinatorContext, 'wake'>) {}

  start(): void {
    if (this.timer !== undefined) return;
    const every = Math.max(1, Math.floor(Math.min(this.ctx.config.heartbeatMs, this.ctx.config.heartbeatTimeoutMs / 2) / 2));
    this.timer = this.ctx.clock.setInterval(() => this.tick(), every);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** One round; exported for tests. */
  tick(): void {
    const mono = this.ctx.clock.monotonic();
    for (const conn of [...this.ctx.connections.values()]) {
      try {
        conn.tick(mono);
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
