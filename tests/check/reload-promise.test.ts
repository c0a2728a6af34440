/**
 * Promise 33 (reload) on synthetic histories (harness/check/promises-reload.ts):
 * the views noted around a restart must agree but for the lease, and params,
 * metadata and an echo's result read what was submitted. The simulation
 * shows blind set 14 #12 and #14 caught (tests/sim/broken-store14.test.ts);
 * these pin the rule's edges.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const messages = (h: H): string[] => checkHistory(h.history(), ['reload'], baseContext).map((v) => v.message);

const AWKWARD = '{"__proto__": {"p": [1, {}]}, "constructor": 1, "": "", "ключ": 1e308}';
const awkward = (): Record<string, unknown> => JSON.parse(AWKWARD) as Record<string, unknown>;

/** An execution's API view (the fields the rule reads), as JSON text. */
function view(id: string, over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    executionId: id,
    kind: 'echo',
    status: 'completed',
    attempts: 1,
    result: awkward(),
    error: null,
    statusHistory: [{ status: 'scheduled' }, { status: 'completed' }],
    params: { value: awkward() },
    metadata: awkward(),
    lease: null,
    nextRunAt: null,
    ...over,
  });
}

/** An echo of the awkward value submitted and acknowledged as `id`. */
function submitted(h: H, id: string): void {
  const i = h.rec.recordInvoke({ ref: `ref-${id}`, kind: 'echo', tasks: [{ kind: 'echo', params: { value: awkward() }, metadata: awkward() }] });
  h.rec.recordOk(i, { executionIds: [id] });
}

const views = (h: H, phase: 'before' | 'after', incarnation: number, vs: Record<string, string>): void => {
  h.rec.recordInfo({ restartViews: { phase, incarnation, views: vs } });
};

describe('33 reload: a restart changes nothing a life keeps', () => {
  it('reports a cleared field back after the restart, and a member lost in a copy, naming the path', () => {
    const h = new H();
    submitted(h, 'a');
    submitted(h, 'b');
    views(h.at(10), 'before', 1, { a: view('a'), b: view('b') });
    const lost = awkward();
    delete lost.__proto__;
    views(h.at(20), 'after', 2, { a: view('a', { nextRunAt: 123 }), b: view('b', { metadata: lost }) });
    expect(messages(h)).toEqual([
      expect.stringMatching(/^a read differently after the coordinator restarted \(incarnation 2, t=20\) than just before it \(t=10, nothing uncommitted\): nextRunAt null → 123$/),
      expect.stringMatching(/^b read differently after .*: metadata\.__proto__ \{"p":\[1,\{\}\]\} → absent$/),
      expect.stringMatching(/^b reads after a coordinator restart \(incarnation 2, t=20\) differing from what was submitted .*: metadata\.__proto__ \{"p":\[1,\{\}\]\} → absent;/),
    ]);
  });

  it('passes the same views, a re-armed lease, member order, recovery moving an execution, and views of different lives', () => {
    const h = new H();
    submitted(h, 'a');
    submitted(h, 'b');
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(view('a')) as Record<string, unknown>).reverse()));
    views(h.at(10), 'before', 1, { a: view('a'), b: view('b', { status: 'running', lease: { expiresAt: 1 }, statusHistory: [{ status: 'running' }] }) });
    views(h.at(20), 'after', 2, { a: reordered, b: view('b', { status: 'scheduled', lease: null, attempts: 2, statusHistory: [{ status: 'running' }, { status: 'scheduled' }] }) });
    // A `before` whose kill a trigger followed by another life: incarnations 2 → 4 are not one restart.
    views(h.at(30), 'before', 2, { a: view('a') });
    views(h.at(40), 'after', 4, { a: view('a', { nextRunAt: 9 }) });
    expect(messages(h)).toEqual([]);
  });

  it('holds a moved execution to what no recovery changes', () => {
    const h = new H();
    submitted(h, 'b');
    views(h.at(10), 'before', 1, { b: view('b', { status: 'running', checkpoint: { seq: 3 }, statusHistory: [{ status: 'running' }] }) });
    views(h.at(20), 'after', 2, { b: view('b', { status: 'scheduled', checkpoint: null, statusHistory: [{ status: 'running' }, { status: 'scheduled' }] }) });
    expect(messages(h)).toEqual([expect.stringMatching(/^b read differently .*: checkpoint \{"seq":3\} → null$/)]);
  });
});

describe('33 reload: what a client reads back is what it submitted', () => {
  it("reports an echo's result that is not its value, and params read without a member", () => {
    const h = new H();
    submitted(h, 'a');
    submitted(h, 'b');
    const other = awkward();
    other[''] = 'changed';
    views(h.at(10), 'before', 1, { a: view('a', { result: other }), b: view('b', { params: { value: { constructor: 1, '': '', ключ: 1e308 } } }) });
    expect(messages(h)).toEqual([
      expect.stringMatching(/^a reads before a coordinator restart .*submitted → read: result\. "" → "changed"; what a client/),
      expect.stringMatching(/^b reads before .*: params\.value\.__proto__ \{"p":\[1,\{\}\]\} → absent;/),
    ]);
  });

  it('reports a __proto__ member lost inside an array (set 17 #17), and passes it kept', () => {
    const inArray = '{"list": [{"__proto__": {"a": 1}, "b": 2}], "deep": [[{"constructor": [{"__proto__": null}]}]]}';
    const h = new H();
    const i = h.rec.recordInvoke({ ref: 'ref-c', kind: 'echo', tasks: [{ kind: 'echo', params: { value: JSON.parse(inArray) as unknown }, metadata: {} }] });
    h.rec.recordOk(i, { executionIds: ['c'] });
    const kept = JSON.parse(inArray) as unknown;
    views(h.at(10), 'before', 1, { c: view('c', { params: { value: kept }, result: kept, metadata: {} }) });
    expect(messages(h)).toEqual([]);
    const lost = JSON.parse(inArray.replace('{"__proto__": null}', '{}')) as unknown;
    views(h.at(20), 'after', 2, { c: view('c', { params: { value: lost }, result: lost, metadata: {} }) });
    expect(messages(h)).toEqual([
      expect.stringMatching(/^c read differently after .*: result\.deep\[0\]\[0\]\.constructor\[0\] \{"__proto__":null\} → \{\}/),
      expect.stringMatching(/^c reads after a coordinator restart .*submitted → read: params\.value\.deep\[0\]\[0\]\.constructor\[0\] \{"__proto__":null\} → \{\}; result\.deep/),
    ]);
  });

  it('passes an unfinished echo without a result, and executions the history never saw submitted', () => {
    const h = new H();
    submitted(h, 'a');
    views(h.at(10), 'before', 1, { a: view('a', { status: 'running', result: null }), z: view('z', { params: {} }) });
    expect(messages(h)).toEqual([]);
  });
});
