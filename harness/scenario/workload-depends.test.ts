/**
 * Workload `dependsOn` (issue 10): submission n of an item depends on the
 * execution at `node` of submission n (modulo the count) of an earlier item,
 * named by its acknowledged id when it leaves; a task carries it, so do a
 * graph's roots; without an id for it the submission does not leave. A list
 * names several such dependencies, all carried.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../system/core/index.js';
import { parseScenario } from './loader.js';
import { expandWorkload, resolveAfter } from './workload.js';

const yaml = `name: deps
description: late dependents
fleet: { workers: 1 }
workload:
  items:
    - { name: roots, kind: echo, count: 2, at: 0, graph: { shape: fanout, size: 3 } }
    - { name: late, kind: echo, count: 3, at: 500, dependsOn: { item: roots, node: 2 } }
    - { name: chains, kind: echo, count: 1, at: 600, dependsOn: { item: roots }, graph: { shape: chain, size: 2 } }
    - { name: both, kind: echo, count: 2, at: 700, dependsOn: [{ item: late }, { item: roots, node: 1 }] }
`;

describe('workload dependsOn', () => {
  const subs = expandWorkload(parseScenario(yaml, 'deps.yaml'), seededRandom(1));

  it('names the same-numbered submission of the item it depends on', () => {
    expect(subs.map((s) => [s.ref, s.after])).toEqual([
      ['roots#1', undefined],
      ['roots#2', undefined],
      ['late#1', [{ ref: 'roots#1', node: 2 }]],
      ['late#2', [{ ref: 'roots#2', node: 2 }]],
      ['late#3', [{ ref: 'roots#1', node: 2 }]],
      ['chains#1', [{ ref: 'roots#1', node: 0 }]],
      ['both#1', [{ ref: 'late#1', node: 0 }, { ref: 'roots#1', node: 1 }]],
      ['both#2', [{ ref: 'late#2', node: 0 }, { ref: 'roots#2', node: 1 }]],
    ]);
  });

  it('adds the acknowledged id to a task, or to the roots of a graph, and holds back what has none', () => {
    const ids = new Map([['roots#1', ['r0', 'r1', 'r2']]]);
    const late = resolveAfter(subs[2]!, ids);
    expect(late).toMatchObject({ after: ['r2'], submission: { type: 'task', spec: { dependencies: ['r2'] } } });
    const chain = resolveAfter(subs[5]!, ids);
    expect(chain).toMatchObject({ after: ['r0'], submission: { type: 'graph', graph: { n0: { dependencies: ['r0'] }, n1: { dependsOn: ['n0'] } } } });
    expect('submission' in chain && chain.submission.type === 'graph' ? chain.submission.graph.n1?.dependencies : 'none').toBeUndefined();
    expect(resolveAfter(subs[3]!, ids)).toEqual({ skipped: 'its dependency roots#2 (node 2) has no acknowledged execution id' });
  });

  it('gives a dependent of several items every one of their ids, and holds it back while one has none', () => {
    const ids = new Map([
      ['roots#1', ['r0', 'r1', 'r2']],
      ['late#1', ['l1']],
    ]);
    expect(resolveAfter(subs[6]!, ids)).toMatchObject({ after: ['l1', 'r1'], submission: { type: 'task', spec: { dependencies: ['l1', 'r1'] } } });
    expect(resolveAfter(subs[7]!, ids)).toEqual({ skipped: 'its dependency late#2 (node 0) has no acknowledged execution id' });
  });

  it('keys a keyed graph item at its root, so a repeat plans only the root as the execution that holds the key', () => {
    const keyed = `name: keyed
description: graphs whose roots repeat a key
fleet: { workers: 1 }
workload:
  items:
    - { name: g, kind: echo, count: 3, at: 0, idempotency: { keys: 2 }, graph: { shape: fanout, size: 3 } }
`;
    const graphs = expandWorkload(parseScenario(keyed, 'keyed.yaml'), seededRandom(1));
    const keys = graphs.map((s) => (s.type === 'graph' ? Object.values(s.graph).map((n) => n.idempotencyKey) : []));
    expect(keys).toEqual([
      ['g-k1', undefined, undefined],
      ['g-k2', undefined, undefined],
      ['g-k1', undefined, undefined],
    ]);
  });
});
