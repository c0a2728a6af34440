/**
 * The messages between SqliteStore (main thread, sqlite-thread-client.ts)
 * and its SQLite thread (sqlite-thread.ts). Errors cross as plain
 * {name, code, message, path} and are rebuilt on the main thread as the
 * SquallError subclass they were (NotFoundError, InvalidArgumentError,
 * Conflict as SquallError ...), so callers see what the in-process store
 * throws. Requests are answered in the order they were sent.
 */
import type { MessagePort } from 'node:worker_threads';
import { ErrorCode, InvalidArgumentError, NotFoundError, SquallError } from '../core/errors.js';
import type { GroupResult, OpDescriptor, StoredRow } from './sqlite-exec.js';
import type { SqliteStoreOptions } from './sqlite-schema.js';

/** An error as it crosses the thread boundary. */
export interface WireError {
  name: string;
  /** The SquallError code, or the driver's code (SQLITE_...), if any. */
  code: string | undefined;
  message: string;
  path: string | undefined;
  squall: boolean;
}

/** What the thread is started with (workerData). */
export interface ThreadInit {
  path: string;
  options: SqliteStoreOptions;
  /** Set to 1 (and notified) once the open answer is on `port`. */
  signal: Int32Array;
  port: MessagePort;
}

/** The open answer (read synchronously with receiveMessageOnPort). */
export type OpenAnswer = { ok: true } | { ok: false; err: WireError };

/** A request to the thread. */
export type ThreadRequest =
  | { type: 'group'; ops: OpDescriptor[] }
  | { type: 'load' }
  | { type: 'close' };


/** The thread's answer to one request, in request order. */
export type ThreadAnswer =
  /** Sparse like GroupResult: the operations that failed alone, and those that returned a value. */
  | { type: 'group'; ok: true; failed: [number, WireError][]; values: [number, unknown][] }
  | { type: 'group'; ok: false; err: WireError }
  | { type: 'load'; rows: StoredRow[] }
  | { type: 'close' }
  /** A load or close that threw. */
  | { type: 'failed'; err: WireError };

/** Anything thrown, as data. */
export function encodeError(err: unknown): WireError {
  if (err instanceof SquallError) return { name: err.name, code: err.code, message: err.message, path: err.path, squall: true };
  const code = (err as { code?: unknown } | null)?.code;
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, code: typeof code === 'string' ? code : undefined, message: e.message, path: undefined, squall: false };
}

function isErrorCode(code: string | undefined): code is ErrorCode {
  return Object.values<string>(ErrorCode).includes(code ?? '');
}

/** The error again, as the class it was thrown as where that matters to callers. */
export function decodeError(w: WireError): Error {
  if (w.squall && isErrorCode(w.code)) {
    if (w.code === ErrorCode.NotFound) return new NotFoundError(w.message);
    if (w.code === ErrorCode.InvalidArgument) return new InvalidArgumentError(w.message, w.path);
    const err = new SquallError(w.code, w.message, { path: w.path });
    err.name = w.name;
    return err;
  }
  const err = Object.assign(new Error(w.message), w.code === undefined ? {} : { code: w.code });
  err.name = w.name;
  return err;
}

/** A group's result for the wire. */
export function encodeGroup(r: GroupResult): ThreadAnswer {
  if (!r.ok) return { type: 'group', ok: false, err: encodeError(r.err) };
  return { type: 'group', ok: true, failed: r.failed.map(([i, err]) => [i, encodeError(err)]), values: r.values };
}

/** A group's result from the wire. */
export function decodeGroup(a: Extract<ThreadAnswer, { type: 'group' }>): GroupResult {
  if (!a.ok) return { ok: false, err: new SquallError(ErrorCode.Unavailable, a.err.message) };
  return { ok: true, failed: a.failed.map(([i, err]) => [i, decodeError(err)]), values: a.values };
}
