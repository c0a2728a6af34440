import { describe, expect, it } from 'vitest';
import { engineConfigWithDefaults } from './config.js';
import { normalizeBatch, normalizeGraph, normalizeSpec, specSchema } from './spec.js';
import { testTaskKinds } from './testing.js';

const ctx = { taskKinds: testTaskKinds(), defaultRetry: engineConfigWithDefaults({ taskKinds: testTaskKinds() }).defaultRetry };

function errorOf(fn: () => unknown): { code?: string; path?: string; message: string } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; path?: string; message: string };
  }
  throw new Error('expected an error');
}

describe('spec validation', () => {
  it('applies defaults', () => {
    const s = normalizeSpec({ kind: 'echo' }, ctx);
    expect(s).toMatchObject({ kind: 'echo', priority: 'medium', params: {}, dependencies: [], metadata: {} });
    expect(s.retry).toEqual({ strategy: 'exponential', maxRetries: 3, delayMs: 1000, maxDelayMs: 60_000 });
    expect(normalizeSpec({ kind: 'echo', retry: { strategy: 'none', maxRetries: 5 } }, ctx).retry.maxRetries).toBe(0);
  });

  it('documents the defaults it applies: each "(default X" of the spec schema is what a spec without the field gets', () => {
    const doc = (shape: Record<string, unknown>, key: string): string => String((shape[key] as { description?: string }).description);
    const retryShape = (specSchema.shape.retry.unwrap() as unknown as { shape: Record<string, unknown> }).shape;
    const documented = (text: string): string | undefined => /\(default:? ([\w ]+?)[;),]/.exec(text)?.[1];
    const s = normalizeSpec({ kind: 'echo' }, ctx);
    expect(documented(doc(specSchema.shape, 'priority'))).toBe(s.priority);
    expect(documented(doc(retryShape, 'strategy'))).toBe(s.retry.strategy);
    expect(Number(documented(doc(retryShape, 'maxRetries')))).toBe(s.retry.maxRetries);
    expect(Number(documented(doc(retryShape, 'delayMs')))).toBe(s.retry.delayMs);
    expect(Number(documented(doc(retryShape, 'maxDelayMs')))).toBe(s.retry.maxDelayMs);
    expect(documented(doc(specSchema.shape, 'taskId'))).toBe('the execution id');
  });

  it('keeps __proto__ members of params and metadata as submitted (zod leaves them out; promise 33)', () => {
    const body = JSON.parse('{"kind": "echo", "params": {"value": {"__proto__": {"x": 1}, "k": [{"__proto__": null}]}}, "metadata": {"a": 1, "__proto__": "m"}}') as Record<string, unknown>;
    const s = normalizeSpec(body, ctx);
    expect(JSON.stringify(s.params)).toBe(JSON.stringify(body.params));
    expect(JSON.stringify(s.metadata)).toBe(JSON.stringify(body.metadata));
    const [node] = normalizeGraph({ a: body }, ctx);
    expect(JSON.stringify(node?.spec.metadata)).toBe(JSON.stringify(body.metadata));
  });

  it('names the path of a bad field', () => {
    expect(errorOf(() => normalizeSpec({ kind: 'echo', retry: { maxRetries: -1 } }, ctx))).toMatchObject({
      code: 'invalid_argument',
      path: 'retry.maxRetries',
      message: 'retry.maxRetries must be an integer >= 0',
    });
    expect(errorOf(() => normalizeSpec({ kind: 'echo', priority: 'urgent' }, ctx)).message).toMatch(/^priority must be one of low/);
    expect(errorOf(() => normalizeBatch([{ kind: 'echo' }, { kind: 'echo', timeoutMs: 0 }], ctx)).path).toBe('[1].timeoutMs');
    expect(errorOf(() => normalizeSpec({ kind: 'echo', colour: 'red' }, ctx)).message).toMatch(/unknown field\(s\) colour/);
    expect(errorOf(() => normalizeSpec('nope', ctx)).message).toBe('spec must be an object');
  });

  it('rejects unknown kinds listing the known ones, and bad params with the params. prefix', () => {
    expect(errorOf(() => normalizeSpec({ kind: 'nope' }, ctx))).toMatchObject({
      code: 'unknown_task_kind',
      message: 'unknown task kind "nope"; known kinds: echo, fail, sleep',
    });
    expect(errorOf(() => normalizeSpec({ kind: 'sleep', params: { durationMs: 'x' } }, ctx))).toMatchObject({
      code: 'invalid_argument',
      path: 'params.durationMs',
    });
  });

  it('never mutates or aliases the input', () => {
    const input = { kind: 'echo', params: { value: { deep: [1] } }, metadata: { a: 1 } };
    const frozen = JSON.stringify(input);
    const s = normalizeSpec(input, ctx);
    (s.params as { value: { deep: number[] } }).value.deep.push(2);
    expect(JSON.stringify(input)).toBe(frozen);
  });

  it('validates graphs: dependsOn names, cycles named, topological order, input untouched', () => {
    const graph = { c: { kind: 'echo', dependsOn: ['b'] }, b: { kind: 'echo', dependsOn: ['a'] }, a: { kind: 'echo' } };
    const frozen = JSON.stringify(graph);
    expect(normalizeGraph(graph, ctx).map((n) => [n.name, n.dependsOn])).toEqual([['a', []], ['b', ['a']], ['c', ['b']]]);
    expect(JSON.stringify(graph)).toBe(frozen);
    expect(errorOf(() => normalizeGraph({ a: { kind: 'echo', dependsOn: ['zz'] } }, ctx))).toMatchObject({
      code: 'invalid_argument',
      path: 'a.dependsOn[0]',
    });
    const cycle = errorOf(() => normalizeGraph({ a: { kind: 'echo', dependsOn: ['b'] }, b: { kind: 'echo', dependsOn: ['a'] } }, ctx));
    expect(cycle.code).toBe('cycle');
    expect(cycle.message).toContain('a -> b -> a');
    expect(errorOf(() => normalizeGraph({ a: { kind: 'echo', retry: { delayMs: 1.5 } } }, ctx)).path).toBe('a.retry.delayMs');
  });
});
