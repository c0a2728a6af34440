/**
 * Per-client limit on unfinished work, so one submitter (a long graph chain,
 * a runaway script) cannot starve the others: a submission that would take a
 * client past `maxPendingPerClient` unfinished executions is refused with
 * 429 rate_limited and Retry-After. The client is the `x-squall-client`
 * header when given, else the remote address (an API token's name would be
 * the natural key once tokens exist). Counts are kept in memory: executions
 * are tracked at acknowledgement and forgotten once terminal (checked lazily
 * at the client's next submission, so the cost is bounded by the limit).
 */
import { ErrorCode, SquallError } from '../core/errors.js';
import type { HttpRequest } from '../core/transport.js';
import { isTerminal } from '../core/model.js';

/** Who a request counts against. */
export function clientOf(req: HttpRequest): string {
  const named = req.headers['x-squall-client'];
  if (named !== undefined && named !== '') return `client:${named.slice(0, 200)}`;
  return `addr:${req.remoteAddress ?? 'unknown'}`;
}

/** The per-client pending-work quota. */
export class ClientQuota {
  private readonly pending = new Map<string, Set<string>>();

  constructor(
    private readonly max: number,
    private readonly statusOf: (executionId: string) => string | undefined,
  ) {}

  /** Throws rate_limited if `adding` more would pass the client's limit. */
  admit(client: string, adding: number): void {
    const set = this.pending.get(client);
    if (set === undefined) return this.check(client, 0, adding);
    for (const id of set) {
      const s = this.statusOf(id);
      if (s === undefined || isTerminal(s as never)) set.delete(id);
    }
    if (set.size === 0) this.pending.delete(client);
    this.check(client, set.size, adding);
  }

  /** Counts acknowledged executions against the client. */
  track(client: string, ids: readonly string[]): void {
    let set = this.pending.get(client);
    if (set === undefined) this.pending.set(client, (set = new Set()));
    for (const id of ids) set.add(id);
  }

  private check(client: string, have: number, adding: number): void {
    if (have + adding <= this.max) return;
    throw Object.assign(
      new SquallError(
        ErrorCode.RateLimited,
        `client ${client} has ${have} unfinished executions and ${adding} more would pass its limit of ${this.max} (--max-pending-per-client); retry once some finish`,
      ),
      { retryAfterSec: 1 },
    );
  }
}
