/**
 * Per-client limit on unfinished work, so one submitter (a long graph chain,
 * a runaway script) cannot starve the others: a submission that would take a
 * client past `maxPendingPerClient` unfinished executions is refused with
 * 429 rate_limited and Retry-After. The client is the `x-squall-client`
 * header when given, else the remote address (an API token's name would be
 * the natural key once tokens exist). Counts are kept in memory: a submission
 * reserves its slots when it is admitted, before its commit (so submissions
 * arriving together cannot all see the old count), and its executions are
 * tracked once acknowledged, forgotten once terminal (checked lazily at the
 * client's next submission, so the cost is bounded by the limit).
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
  protected readonly pending = new Map<string, Set<string>>();
  /** Slots held by submissions admitted but not yet acknowledged or refused. */
  private readonly reserved = new Map<string, number>();

  constructor(
    private readonly max: number,
    protected readonly statusOf: (executionId: string) => string | undefined,
  ) {}

  /**
   * Throws rate_limited if `adding` more would pass the client's limit, else
   * reserves them until the returned settle is called: with the acknowledged
   * ids (tracked from then on) or with none (the submission failed).
   */
  admit(client: string, adding: number): (ids?: readonly string[]) => void {
    this.check(client, this.unfinished(client) + (this.reserved.get(client) ?? 0), adding);
    this.reserved.set(client, (this.reserved.get(client) ?? 0) + adding);
    let settled = false;
    return (ids) => {
      if (settled) return;
      settled = true;
      const left = (this.reserved.get(client) ?? 0) - adding;
      if (left > 0) this.reserved.set(client, left);
      else this.reserved.delete(client);
      if (ids !== undefined) this.track(client, ids);
    };
  }

  /** The client's tracked executions that are not terminal yet (forgets the rest). */
  protected unfinished(client: string): number {
    const set = this.pending.get(client);
    if (set === undefined) return 0;
    for (const id of set) {
      const s = this.statusOf(id);
      if (s === undefined || isTerminal(s as never)) set.delete(id);
    }
    if (set.size === 0) this.pending.delete(client);
    return set.size;
  }

  /** Counts acknowledged executions against the client. */
  private track(client: string, ids: readonly string[]): void {
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

/**
 * Runs a submission of `n` executions against the client's quota: the slots
 * are reserved before the submission starts (so concurrent submissions see
 * each other) and settled when it is acknowledged or refused.
 */
export async function counted<T>(quota: ClientQuota | undefined, client: string, n: number, submit: () => Promise<T>, ids: (t: T) => readonly string[]): Promise<T> {
  const settle = quota?.admit(client, n);
  if (settle === undefined) return submit();
  try {
    const result = await submit();
    settle(ids(result));
    return result;
  } catch (err) {
    settle();
    throw err;
  }
}
