/** `fail` {times}: fails attempts 1..times, then succeeds with {attempt} (retry policies). */
import { z } from 'zod';
import { ErrorCode, SquallError } from '../core/errors.js';
import { defineTaskKind } from './kind.js';

export const FailParams = z.strictObject({ times: z.number().int().min(0).max(1000) });
export type FailParams = z.infer<typeof FailParams>;

export const failKind = defineTaskKind<FailParams>({
  name: 'fail',
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
