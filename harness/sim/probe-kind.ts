/**
 * `probe`: a task kind the simulation registers beside the built-in ones
 * (coordinator and workers), simulation only. It does what a scenario asks
 * of it through the real TaskContext (system/worker/attempt-context.ts), at
 * the edges of the task API: progress fractions out of range or odd (1.2,
 * -0.1, NaN, ±Infinity, as the strings "NaN", "Infinity", "-Infinity" since
 * JSON has no such numbers), progress messages of any length, checkpoints of
 * given sizes around the frame limit. What the worker does with them is the
 * system's: it clamps a fraction to 0..1 (a non-finite one to 0), cuts a
 * message to 1000 characters, and refuses a checkpoint that cannot fit a
 * frame with its envelope (too_large) instead of sending it. The probe
 * completes with what its checkpoints did: `{progress, checkpoints}`, each
 * checkpoint `saved` or the error code it was refused with (and, with
 * `checkpointWords`, one more checkpoint holding a text of the words it was
 * given: with the workers' secret as the words, the worker must redact it
 * from the state before it leaves; blind set 20 #22; with `progressWords`,
 * progress messages of those words; with `resultWords`,
 * a `note` of those words in its result; with `errorWords`, it fails with an
 * Error of those words instead: blind set 22 #19, an awkward secret), or (`throws`)
 * ends the attempt by throwing a plain Error, a TypeError, a string...,
 * which must fail it with the documented task_failed. The checker
 * sees the wire: a frame the coordinator refuses from an honest worker is a
 * violation (promises 8 honest frames, 10 liveness), whatever the task asked.
 */
import { z } from 'zod';
import { SquallError } from '../../system/core/index.js';
import { defineTaskKind, type TaskContext, type TaskKind } from '../../system/tasks/index.js';
import { utf8Text } from './utf8-text.js';

/** What a probe may throw (`throws`): none of them is a SquallError, so each must fail the attempt with task_failed (README, HTTP API). */
const THROWN = ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'string', 'object'] as const;

/** The value thrown for `what`, as task code or a library would throw it. */
function thrown(what: (typeof THROWN)[number]): unknown {
  const message = `probe threw ${what} on purpose`;
  if (what === 'string') return message;
  if (what === 'object') return { message };
  return new { Error, TypeError, RangeError, SyntaxError }[what](message);
}

const Fraction = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);

const ProbeParams = z.strictObject({
  progress: z.array(Fraction).max(1000).default([]).describe('fractions reported with ctx.progress, one per step ("NaN", "Infinity", "-Infinity" for the non-finite)'),
  messageChars: z.number().int().min(0).max(1_000_000).optional().describe('each progress report carries a message of this many characters'),
  checkpointBytes: z.array(z.number().int().min(0).max(4_194_304)).max(100).default([]).describe('checkpoints whose state is a string of these many bytes, one per step after the progress'),
  checkpointText: z.enum(['ascii', 'utf8']).default('ascii').describe('what a checkpoint state is made of: "c"s, or seeded text of 1-4 byte UTF-8 characters (utf8-text.ts) of the same byte length'),
  checkpointWords: z.array(z.string().max(100)).max(20).optional().describe('then one more checkpoint whose state holds these words joined by single spaces (`{note}`), as a task checkpointing a command line or an env dump it read: with the workers\' secret as the words, it must leave the worker redacted'),
  progressWords: z.array(z.string().max(100)).max(20).optional().describe('each progress report carries these words joined by single spaces as its message (instead of messageChars): with the workers\' secret as the words, it must leave the worker redacted'),
  resultWords: z.array(z.string().max(100)).max(20).optional().describe('the result also carries these words joined by single spaces (`note`), as a task returning a text it read: with the workers\' secret as the words, it must leave the worker redacted'),
  errorWords: z.array(z.string().max(100)).max(20).optional().describe('after its steps the attempt throws an Error whose message is these words joined by single spaces: with the workers\' secret as the words, the error must leave the worker redacted'),
  stepMs: z.number().int().min(0).max(60_000).default(20).describe('virtual ms between steps'),
  throws: z.enum(THROWN).optional().describe('after its steps the attempt throws this instead of completing: a plain Error or a built-in subclass (as libraries such as dockerode throw), a string or a plain object'),
});
type ProbeParams = z.infer<typeof ProbeParams>;

const NON_FINITE: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** A fraction as the task code hands it to ctx.progress. */
function fractionOf(f: z.infer<typeof Fraction>): number {
  return typeof f === 'number' ? f : (NON_FINITE[f] ?? Number.NaN);
}

function pause(ctx: TaskContext, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = ctx.clock.setTimeout(() => {
      ctx.signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      t.cancel();
      reject(ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('aborted'));
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Saves one checkpoint of `bytes` UTF-8 bytes of state; its outcome: saved, or the code it was refused with. */
async function checkpointOf(ctx: TaskContext, bytes: number, text: ProbeParams['checkpointText']): Promise<string> {
  try {
    await ctx.checkpoint(text === 'utf8' ? utf8Text(bytes, bytes) : 'c'.repeat(bytes));
    return 'saved';
  } catch (err) {
    return err instanceof SquallError ? err.code : 'error';
  }
}

async function runProbe(p: ProbeParams, ctx: TaskContext): Promise<{ progress: number; checkpoints: string[]; note?: string }> {
  const message = p.progressWords?.join(' ') ?? (p.messageChars === undefined ? undefined : 'm'.repeat(p.messageChars));
  for (const f of p.progress) {
    ctx.signal.throwIfAborted();
    ctx.progress(fractionOf(f), message);
    await pause(ctx, p.stepMs);
  }
  const checkpoints: string[] = [];
  for (const bytes of p.checkpointBytes) {
    ctx.signal.throwIfAborted();
    checkpoints.push(await checkpointOf(ctx, bytes, p.checkpointText));
    await pause(ctx, p.stepMs);
  }
  if (p.checkpointWords !== undefined) {
    ctx.signal.throwIfAborted();
    await ctx.checkpoint({ note: p.checkpointWords.join(' ') });
    await pause(ctx, p.stepMs);
  }
  if (p.errorWords !== undefined) throw new Error(p.errorWords.join(' '));
  if (p.throws !== undefined) throw thrown(p.throws);
  return { progress: p.progress.length, checkpoints, ...(p.resultWords === undefined ? {} : { note: p.resultWords.join(' ') }) };
}

/** The probe kind (see the file comment). */
const probeKind: TaskKind<ProbeParams> = defineTaskKind<ProbeParams>({
  name: 'probe',
  description: 'Simulation only: calls the TaskContext API with what its params say (progress fractions and messages, checkpoint sizes), then completes.',
  params: ProbeParams,
  run: runProbe,
});

/** Names of the kinds only the simulation registers (a live run refuses a scenario using one). */
export const SIM_ONLY_KINDS: readonly string[] = ['probe'];

/** `kinds` with the simulation-only kinds added. */
export function withSimKinds(kinds: Map<string, TaskKind<unknown>>): Map<string, TaskKind<unknown>> {
  kinds.set('probe', probeKind as TaskKind<unknown>);
  return kinds;
}
