/** `echo` {value}: returns value unchanged (round-trip checks, exactly-once results). */
import { z } from 'zod';
import { defineTaskKind } from './kind.js';

export const EchoParams = z.strictObject({ value: z.json() });
export type EchoParams = z.infer<typeof EchoParams>;

export const echoKind = defineTaskKind<EchoParams>({
  name: 'echo',
  params: EchoParams,
  run: ({ value }, ctx) => {
    ctx.signal.throwIfAborted();
    return Promise.resolve(value);
  },
});
