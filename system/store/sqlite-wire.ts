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
import type { Row } from './sqlite-rows.js';
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

/**
 * A write's rows as flat tuples in Row's field order: structured clone copies
 * an array of scalars for less than an object with named fields (the
 * postMessage of a group is on the main thread's profile).
 */
type PackedRow = [string, string, string, string | null, number, number | null, string, string];

/** An operation as posted: a write's rows packed, anything else as it is. */
export type PackedOp = Exclude<OpDescriptor, { kind: 'write' }> | (Omit<Extract<OpDescriptor, { kind: 'write' }>, 'rows'> & { rows: PackedRow[] });

/** A request to the thread. */
export type ThreadRequest =
  | { type: 'group'; ops: PackedOp[] }
  | { type: 'load' }
  | { type: 'close' };

/** One operation's outcome on the wire. */
type WireOutcome = { ok: true; value: unknown } | { ok: false; err: WireError };

/** The thread's answer to one request, in request order. */
export type ThreadAnswer =
  | { type: 'group'; ok: true; outcomes: WireOutcome[] }
  | { type: 'group'; ok: false; err: WireError }
  | { type: 'load'; rows: StoredRow[] }
  | { type: 'close' }
  /** A load or close that threw. */
  | { type: 'failed'; err: WireError };

/** The group as posted (main thread). */
export function packOps(ops: readonly OpDescriptor[]): PackedOp[] {
  return ops.map((d) =>
    d.kind !== 'write' ? d : { ...d, rows: d.rows.map((r): PackedRow => [r.id, r.status, r.taskId, r.key, r.createdAt, r.completedAt, r.doc, r.state]) },
  );
}

/** The group as the executor runs it (SQLite thread). */
export function unpackOps(ops: readonly PackedOp[]): OpDescriptor[] {
  return ops.map((d) =>
    d.kind !== 'write'
      ? d
      : { ...d, rows: d.rows.map(([id, status, taskId, key, createdAt, completedAt, doc, state]): Row => ({ id, status, taskId, key, createdAt, completedAt, doc, state })) },
  );
}

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
  return { type: 'group', ok: true, outcomes: r.outcomes.map((o) => (o.ok ? o : { ok: false, err: encodeError(o.err) })) };
}

/** A group's result from the wire. */
export function decodeGroup(a: Extract<ThreadAnswer, { type: 'group' }>): GroupResult {
  if (!a.ok) return { ok: false, err: new SquallError(ErrorCode.Unavailable, a.err.message) };
  return { ok: true, outcomes: a.outcomes.map((o) => (o.ok ? o : { ok: false, err: decodeError(o.err) })) };
}
