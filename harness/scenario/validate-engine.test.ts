import { describe, expect, it } from 'vitest';
import { parseScenario } from './loader.js';
import { refuseSimOnlyFields } from './run-extras.js';

/** What a case changes of the one scenario template; items, triggers and adversaries are flow mappings, one a line. */
interface Template {
  workers?: number;
  coordinator?: string;
  items?: string[];
  triggers?: string[];
  adversaries?: string[];
}

const list = (key: string, entries: string[] | undefined, indent = ''): string[] =>
  entries === undefined ? [] : [`${indent}${key}:`, ...entries.map((e) => `${indent}  - ${e}`)];

/** A scenario file built from the template every case shares. */
function yaml({ workers = 1, coordinator, items, triggers, adversaries }: Template): string {
  const lines = [
    'name: t',
    'description: x',
    `fleet: { workers: ${workers} }`,
    ...(coordinator === undefined ? [] : [`coordinator: ${coordinator}`]),
    ...(items === undefined ? [] : ['workload:', ...list('items', items, '  ')]),
    ...list('triggers', triggers),
    ...list('adversaries', adversaries),
  ];
  return `${lines.join('\n')}\n`;
}

const parse = (t: Template): ReturnType<typeof parseScenario> => parseScenario(yaml(t), 't.yaml');

/** Expects `t` refused with a message matching every one of `errors`. */
function expectRefused(t: Template, ...errors: RegExp[]): void {
  let message = '';
  try {
    parse(t);
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message, 'the scenario must be refused').not.toBe('');
  for (const e of errors) expect(message).toMatch(e);
}

describe('engine-feature scenario fields', () => {
  it('refuses what cannot run, naming each field and what would be right', () => {
    expectRefused(
      {
        workers: 2,
        items: [
          '{ kind: echo, count: 2, failureRate: 0.5, startAfterMs: 10, idempotency: { keys: 1 }, graph: { shape: chain, size: 2 }, control: [{ op: cancel, afterMs: 1, node: 5 }] }',
          '{ kind: echo, count: 3, batch: true, ratePerSec: 2, graph: { shape: chain, size: 2 } }',
        ],
        triggers: ['{ on: { event: result-sentt, worker: w9 }, target: w3, action: kill }'],
        adversaries: ['{ at: 0, victim: w7 }'],
      },
      /workload\.items\[0\]\.idempotency: a graph's root carries the key, so its repeats must be the same request: remove failureRate, startAfterMs or idempotency/,
      /control\[0\]\.node: node 5 does not exist/,
      /items\[1\]\.batch: a batch is of single tasks; remove graph or batch/,
      /items\[1\]\.ratePerSec: a batch is one request at `at`; remove ratePerSec or batch/,
      /triggers\[0\]\.on\.event: unknown trigger event "result-sentt" \(did you mean "result-sent"\?\)/,
      /triggers\[0\]\.on\.worker: unknown worker "w9"/,
      /triggers\[0\]\.target: unknown target "w3"/,
      /adversaries\[0\]: adversaries need coordinator\.secret/,
      /adversaries\[0\]\.victim: unknown victim "w7"/,
    );
  });

  it('accepts the same fields when they fit', () => {
    const s = parse({
      workers: 2,
      coordinator: '{ secret: s, commitDelayMs: 200 }',
      items: ['{ kind: echo, count: 2, idempotency: { keys: 1 }, control: [{ op: cancel, afterMs: 1 }] }'],
      triggers: ['{ on: { event: result-sent, worker: w2, nth: 2, delayMs: 1 }, target: coordinator, action: restart }'],
      adversaries: ['{ at: 0, victim: w1, attacks: [no-mac] }'],
    });
    expect(s.triggers[0]?.on).toEqual({ event: 'result-sent', worker: 'w2', nth: 2, delayMs: 1 });
    expect(s.coordinator.commitDelayMs).toBe(200);
  });

  it('refuses a dependsOn that names no earlier item, a later one or a missing node, and accepts one that fits', () => {
    const items = (deps: string, rootsAt = 100): Template => ({
      items: [`{ name: roots, kind: echo, count: 2, at: ${rootsAt} }`, `{ name: late, kind: echo, count: 1, at: 50, dependsOn: ${deps} }`],
    });
    expectRefused(items('{ item: rots }'), /dependsOn\.item: unknown item "rots" \(did you mean "roots"\?\)/);
    expectRefused(items('{ item: roots }'), /item "roots" starts at 100 ms, after this one \(50 ms\)/);
    expectRefused(items('{ item: roots, node: 1 }'), /dependsOn\.node: node 1 does not exist/);
    expect(parse(items('{ item: roots }', 0)).workload.items[1]?.dependsOn).toEqual([{ item: 'roots', node: 0 }]);
  });

  it('takes a list of dependencies, each judged on its own', () => {
    const items = (deps: string): Template => ({
      items: [
        '{ name: roots, kind: echo, count: 2, at: 0 }',
        '{ name: long, kind: sleep, count: 1, at: 0, params: { durationMs: 100 } }',
        `{ name: late, kind: echo, count: 1, at: 50, dependsOn: ${deps} }`,
      ],
    });
    expectRefused(items('[{ item: roots }, { item: lung }]'), /dependsOn\[1\]\.item: unknown item "lung" \(did you mean "long"\?\)/);
    expectRefused(items('[{ item: roots }, { item: roots }]'), /dependsOn\[1\]\.item: item "roots" node 0 is named twice/);
    expectRefused(items('[]'), /dependsOn/);
    expect(parse(items('[{ item: roots }, { item: long }]')).workload.items[2]?.dependsOn).toEqual([
      { item: 'roots', node: 0 },
      { item: 'long', node: 0 },
    ]);
  });

  it('refuses a shareWith that names no earlier item, links a non-plain item or another retry policy', () => {
    const items = (share: string, extra = ''): Template => ({
      items: [
        '{ name: idem, kind: echo, count: 2, at: 0, idempotency: { keys: 1 } }',
        `{ name: clash, kind: echo, count: 1, at: 50, priority: high, idempotency: { keys: 1, shareWith: ${share} }${extra} }`,
      ],
    });
    expectRefused(items('idme'), /idempotency\.shareWith: unknown item "idme" \(did you mean "idem"\?\)/);
    expectRefused(items('idem', ', startAfterMs: 100'), /shareWith links plain single tasks/);
    expectRefused(items('idem', ', retry: { maxRetries: 1 }'), /item "idem" has another retry policy/);
    expect(parse(items('idem')).workload.items[1]?.idempotency).toEqual({ keys: 1, concurrent: false, shareWith: 'idem', vary: false });
  });

  it('refuses a live run of fields only the simulation runs, and passes plain scenarios', () => {
    const s = parse({ coordinator: '{ secret: s }', adversaries: ['{ at: 0, victim: w1 }'] });
    expect(() => refuseSimOnlyFields(s, 'live')).toThrow(/uses adversaries, which only the simulation runs so far; run it with `squall sim`/);
    expect(() => refuseSimOnlyFields(parse({}), 'live')).not.toThrow();
  });
});
