/** `echo` {value}: returns value unchanged (round-trip checks, exactly-once results). */
import { z } from 'zod';
import { defineTaskKind } from './kind.js';

export const EchoParams = z.strictObject({ value: z.json().describe('any JSON value; returned as the result') });
export type EchoParams = z.infer<typeof EchoParams>;

export const echoKind = defineTaskKind<EchoParams>({
  name: 'echo',
  description: 'Completes at once with params.value as its result. Never fails on its own.',
  params: EchoParams,
  // Completes before anything can abort it; an attempt aborted before it ran is judged by its abort reason (worker/task-runner.ts verdictOf).
  run: ({ value }) => Promise.resolve(value),
});
