/** `fail` {times}: fails attempts 1..times, then succeeds with {attempt} (retry policies). */
import { z } from 'zod';
import { ErrorCode, SquallError } from '../core/errors.js';
import { defineTaskKind } from './kind.js';

export const FailParams = z.strictObject({ times: z.number().int().min(0).max(1000).describe('attempts 1..times fail (error task_failed); later attempts complete with {attempt}') });
export type FailParams = z.infer<typeof FailParams>;

export const failKind = defineTaskKind<FailParams>({
  name: 'fail',
  description: 'Fails its first `times` attempts, then completes: for trying retry policies.',
  params: FailParams,
  run: ({ times }, ctx) => {
    if (ctx.attempt <= times) {
      return Promise.reject(
        new SquallError(ErrorCode.TaskFailed, `failing on purpose: attempt ${ctx.attempt} of the first ${times} that fail`),
      );
    }
    return Promise.resolve({ attempt: ctx.attempt });
  },
});
