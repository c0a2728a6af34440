/**
 * The wire's bounds derived from the schemas (wire-bounds.ts): the probes
 * cover each bounded field of each frame type at and past its bound, with the
 * schema's verdict; and the codec (its fast decoders first) gives every probe
 * of both directions that verdict, so the worker's side, which the simulated
 * adversary does not probe, is held to the schema too.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeToCoordinator, decodeToWorker, encode, ToCoordinator, ToWorker, type AnyMessage } from '../../system/protocol/index.js';
import { sampleOf, wireProbes } from './wire-bounds.js';

const label = (p: { type: string; field: string; bound: string; probe: string }): string => `${p.type} ${p.field} ${p.bound} ${p.probe}`;

describe('wire bounds from the schemas', () => {
  it('probes register\'s concurrency at 10000 (accepted) and 10001 (refused), and every bounded field of it', () => {
    const register = wireProbes(ToCoordinator).filter((p) => p.type === 'register');
    const concurrency = register.filter((p) => p.field === 'capabilities.concurrency' && p.bound === '<= 10000');
    expect(concurrency.map((p) => [(p.frame.capabilities as { concurrency: number }).concurrency, p.schemaAccepts])).toEqual([[10_000, true], [10_001, false]]);
    expect(new Set(register.map((p) => p.field))).toEqual(new Set(['ack', 'protocolVersion', 'workerId', 'capabilities.kinds', 'capabilities.kinds[]', 'capabilities.concurrency', 'clientNonce', 'auth.mac', 'resume.sessionId', 'resume.lastSeq']));
  });

  it('derives a new field\'s bounds with no change: a made-up frame type', () => {
    const Made = z.object({ v: z.literal(2), type: z.literal('made'), n: z.number().int().min(3).max(7), tags: z.array(z.enum(['a', 'b'])).max(2), share: z.number().min(0).max(1).optional() });
    const probes = wireProbes(z.discriminatedUnion('type', [Made]));
    expect(probes.filter((p) => p.field === 'n' && p.bound !== 'safeint').map((p) => [p.frame.n, p.probe, p.schemaAccepts])).toEqual([[3, 'at', true], [2, 'past', false], [7, 'at', true], [8, 'past', false]]);
    expect(probes.filter((p) => p.field === 'tags').map((p) => [(p.frame.tags as unknown[]).length, p.schemaAccepts])).toEqual([[2, true], [3, false]]);
    expect(probes.filter((p) => p.field === 'tags[]').map((p) => p.schemaAccepts)).toEqual([true, true, false, false]);
    expect(probes.filter((p) => p.field === 'share').map((p) => [p.frame.share, p.schemaAccepts])).toEqual([[0, true], [-Number.MIN_VALUE, false], [1, true], [1 + Number.EPSILON, false]]);
    expect(sampleOf(Made)).toEqual({ v: 2, type: 'made', n: 3, tags: [] });
  });

  it('the coordinator\'s decoder gives every probe of a worker\'s frames the schema\'s verdict', () => {
    const wrong = wireProbes(ToCoordinator).filter((p) => decodeToCoordinator(encode(p.frame as AnyMessage)).ok !== p.schemaAccepts).map(label);
    expect(wrong).toEqual([]);
  });

  it('the worker\'s decoder gives every probe of the coordinator\'s frames the schema\'s verdict', () => {
    const probes = wireProbes(ToWorker);
    expect(new Set(probes.map((p) => p.type))).toEqual(new Set(['welcome', 'registered', 'assign', 'abort', 'sync_result', 'ping', 'pong', 'ack', 'error']));
    const wrong = probes.filter((p) => decodeToWorker(encode(p.frame as AnyMessage)).ok !== p.schemaAccepts).map(label);
    expect(wrong).toEqual([]);
  });
});
