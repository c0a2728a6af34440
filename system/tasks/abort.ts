/**
 * Why a task attempt was aborted. The runner aborts ctx.signal with a
 * TaskAbortedError, so a kind can tell a pause (checkpoint and return) from a
 * cancel or timeout (stop now) by reading abortReasonOf(ctx.signal).
 */
import { ErrorCode, SquallError } from '../core/errors.js';

export const ABORT_REASONS = ['cancel', 'timeout', 'pause', 'revoked', 'shutdown'] as const;
export type AbortReason = (typeof ABORT_REASONS)[number];

/** The signal's reason for every abort the runner makes. */
export class TaskAbortedError extends SquallError {
  readonly reason: AbortReason;
  constructor(reason: AbortReason) {
    super(reason === 'timeout' ? ErrorCode.Timeout : ErrorCode.Aborted, `task attempt aborted: ${reason}`);
    this.reason = reason;
  }
}

/** The abort reason of an aborted signal, or undefined if not aborted (or aborted by someone else). */
export function abortReasonOf(signal: AbortSignal): AbortReason | undefined {
  if (!signal.aborted) return undefined;
  const r: unknown = signal.reason;
  return r instanceof TaskAbortedError ? r.reason : undefined;
}
