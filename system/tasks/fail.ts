/**
 * `fail` {times, messageChars?}: fails attempts 1..times, then succeeds with
 * {attempt} (retry policies). `messageChars` pads each failure's message to
 * that many characters, as a command's long stderr would make it (the worker
 * cuts what it reports to the protocol's 4000).
 */
import { z } from 'zod';
import { ErrorCode, SquallError } from '../core/errors.js';
import { defineTaskKind } from './kind.js';

export const FailParams = z.strictObject({
  times: z.number().int().min(0).max(1000).describe('attempts 1..times fail (error task_failed); later attempts complete with {attempt}'),
  messageChars: z.number().int().min(1).max(100_000).optional().describe("each failure's error message, padded to this many characters (a long error)"),
});
export type FailParams = z.infer<typeof FailParams>;

export const failKind = defineTaskKind<FailParams>({
  name: 'fail',
  description: 'Fails its first `times` attempts, then completes: for trying retry policies.',
  params: FailParams,
  run: ({ times, messageChars }, ctx) => {
    if (ctx.attempt <= times) {
      const message = `failing on purpose: attempt ${ctx.attempt} of the first ${times} that fail`;
      return Promise.reject(new SquallError(ErrorCode.TaskFailed, messageChars === undefined ? message : `${message} `.padEnd(messageChars, '.')));
    }
    return Promise.resolve({ attempt: ctx.attempt });
  },
});
