/**
 * What both Store implementations share (memory-store.ts, sqlite-store.ts):
 * settling a committed group's promises and the wording of misuse errors.
 */
import { InvalidArgumentError, type SquallError } from '../core/errors.js';
import type { ExecutionRecord } from '../core/model.js';

/** One operation's outcome inside a committed group. */
export type GroupOutcome = { ok: true; value: unknown } | { ok: false; err: unknown };

/** After a group commit: resolves or rejects each operation's promise with its own outcome. */
export function settleGroup(group: readonly { resolve(v: unknown): void; reject(e: unknown): void }[], outcomes: readonly GroupOutcome[]): void {
  group.forEach((op, i) => {
    const o = outcomes[i];
    if (o?.ok === true) op.resolve(o.value);
    else op.reject(o?.err);
  });
}

/** The error for claim() of a record that isn't a claim; shared wording with the SQLite store. */
export function claimMisuse(record: ExecutionRecord): SquallError {
  return new InvalidArgumentError(
    `claim(${record.executionId}) needs status 'preparing' with a lease, got status '${record.status}'` +
      (record.lease === undefined ? ' without a lease' : ''),
    'status',
  );
}

/** The error for complete() of a non-terminal record; shared wording with the SQLite store. */
export function completeMisuse(record: ExecutionRecord): SquallError {
  return new InvalidArgumentError(
    `complete(${record.executionId}) needs a terminal status (completed, failed, cancelled, timeout), got '${record.status}'`,
    'status',
  );
}
