/**
 * Branded identifiers: a WorkerId can't be passed where an ExecutionId is
 * expected. Brand at the edges (after validation) with the as* helpers.
 */
import { type Random, randomId } from './random.js';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type WorkerId = Brand<string, 'WorkerId'>;
export type ExecutionId = Brand<string, 'ExecutionId'>;
export type LeaseToken = Brand<string, 'LeaseToken'>;
export type SessionId = Brand<string, 'SessionId'>;
export type TaskId = Brand<string, 'TaskId'>;

export const asWorkerId = (s: string): WorkerId => s as WorkerId;
export const asExecutionId = (s: string): ExecutionId => s as ExecutionId;
export const asLeaseToken = (s: string): LeaseToken => s as LeaseToken;
export const asSessionId = (s: string): SessionId => s as SessionId;
export const asTaskId = (s: string): TaskId => s as TaskId;

export const newExecutionId = (r: Random): ExecutionId => asExecutionId(randomId(r, 'ex_'));
export const newLeaseToken = (r: Random): LeaseToken => asLeaseToken(randomId(r, 'ls_'));
export const newSessionId = (r: Random): SessionId => asSessionId(randomId(r, 'ss_'));
export const newNonce = (r: Random): string => Buffer.from(r.bytes(16)).toString('hex');
