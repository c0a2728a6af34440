/**
 * Errors with stable codes. Callers' mistakes throw a SquallError subclass whose
 * message says what was wrong and what would be right; `path` names the field
 * when the mistake is in structured input (HTTP body, scenario file, frame).
 */

export const ErrorCode = {
  InvalidArgument: 'invalid_argument',
  NotFound: 'not_found',
  Conflict: 'conflict',
  IllegalState: 'illegal_state',
  Malformed: 'malformed',
  UnknownType: 'unknown_type',
  UnsupportedVersion: 'unsupported_version',
  AuthFailed: 'auth_failed',
  TooLarge: 'too_large',
  UnknownTaskKind: 'unknown_task_kind',
  Cycle: 'cycle',
  Unavailable: 'unavailable',
  Timeout: 'timeout',
  Aborted: 'aborted',
  TaskFailed: 'task_failed',
  Internal: 'internal',
  /** The Store could not commit (disk full, I/O error): nothing was changed; retry later (HTTP 503). */
  StoreUnavailable: 'store_unavailable',
  /** A quota on pending work was reached (HTTP 429 with Retry-After). */
  RateLimited: 'rate_limited',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base of every error squall throws on purpose. */
export class SquallError extends Error {
  readonly code: ErrorCode;
  /** Dotted path of the offending field, when the error is about input. */
  readonly path: string | undefined;
  constructor(code: ErrorCode, message: string, options?: { path?: string | undefined; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.path = options?.path;
  }
  toJSON(): { code: ErrorCode; message: string; path?: string } {
    return this.path === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, path: this.path };
  }
}

export class InvalidArgumentError extends SquallError {
  constructor(message: string, path?: string) {
    super(ErrorCode.InvalidArgument, message, { path });
  }
}

export class NotFoundError extends SquallError {
  constructor(message: string) {
    super(ErrorCode.NotFound, message);
  }
}

/** A wrong transition of a state machine: names the current state. */
export class IllegalStateError extends SquallError {
  constructor(message: string) {
    super(ErrorCode.IllegalState, message);
  }
}

/** Broken internal invariant: a bug, never the caller's mistake. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new SquallError(ErrorCode.Internal, `assertion failed: ${message}`);
}

/** Exhaustiveness check for discriminated unions. */
export function assertNever(x: never, what = 'value'): never {
  throw new SquallError(ErrorCode.Internal, `unexpected ${what}: ${JSON.stringify(x)}`);
}

/** Turns anything thrown into {code, message} for the wire or a record. */
export function toErrorInfo(err: unknown): { code: string; message: string } {
  if (err instanceof SquallError) return { code: err.code, message: err.message };
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : ErrorCode.TaskFailed, message: err.message };
  }
  return { code: ErrorCode.TaskFailed, message: String(err) };
}
