/**
 * Cross-field rules for the engine-feature and nemesis fields of a scenario
 * (schema-engine.ts): adversaries need a secret to be refused by and a victim
 * in the fleet; trigger targets exist; idempotency keys and controls fit the
 * item they are on. Called from validateScenario (validate.ts).
 */
import type { z } from 'zod';
import { isNetworkAction } from './faults.js';
import type { Scenario } from './schema.js';
import { workerIds } from './schema.js';
import { didYouMean } from './suggest.js';
import { endpointNames, resolveEndpoint } from './targets.js';

type Ctx = z.RefinementCtx;

function problem(ctx: Ctx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

/** Every engine-feature rule; `groups` as resolved by groupsOf. */
export function validateEngineFields(s: Scenario, ctx: Ctx, groups: Map<string, string[]>): void {
  const ids = workerIds(s.fleet);
  s.adversaries.forEach((a, i) => {
    if (s.coordinator.secret === undefined) {
      problem(ctx, ['adversaries', i], 'adversaries need coordinator.secret: without one every registration is accepted by design, so there is nothing to refuse');
    }
    if (!ids.includes(a.victim)) problem(ctx, ['adversaries', i, 'victim'], `unknown victim "${a.victim}"${didYouMean(a.victim, ids)}; expected a worker id (${ids[0]}..${ids[ids.length - 1]})`);
    if (a.at + (a.count - 1) * a.everyMs >= s.phases.faultsMs) {
      problem(ctx, ['adversaries', i, 'count'], `the last round starts at ${a.at + (a.count - 1) * a.everyMs} ms, not within the fault phase (phases.faultsMs = ${s.phases.faultsMs})`);
    }
  });
  s.triggers.forEach((t, i) => {
    const w = t.on.worker;
    if (w !== undefined && !ids.includes(w)) problem(ctx, ['triggers', i, 'on', 'worker'], `unknown worker "${w}"${didYouMean(w, ids)}`);
    if (t.action.type === 'partition') return;
    const parts = t.target.split('<->').map((p) => p.trim());
    if (parts.length === 2 && !isNetworkAction(t.action.type)) problem(ctx, ['triggers', i, 'target'], `"${t.action.type}" acts on processes, not links; target a node`);
    for (const p of parts) {
      if (resolveEndpoint(s.fleet, p, groups) === undefined) problem(ctx, ['triggers', i, 'target'], `unknown target "${p}"${didYouMean(p, endpointNames(s.fleet))}`);
    }
  });
  s.workload.items.forEach((item, i) => {
    if (item.idempotency !== undefined && item.graph.shape !== 'none') keyedGraph(item, ctx, i);
    if (item.batch && item.graph.shape !== 'none') problem(ctx, ['workload', 'items', i, 'batch'], 'a batch is of single tasks; remove graph or batch');
    if (item.batch && item.ratePerSec !== undefined) problem(ctx, ['workload', 'items', i, 'ratePerSec'], 'a batch is one request at `at`; remove ratePerSec or batch');
    const nodes = item.batch ? item.count : item.graph.shape === 'none' ? 1 : item.graph.size;
    item.control.forEach((c, j) => {
      if (c.node >= nodes) problem(ctx, ['workload', 'items', i, 'control', j, 'node'], `node ${c.node} does not exist: the submission has ${nodes} execution(s), numbered from 0`);
    });
    if (item.dependsOn !== undefined) itemDependency(s, ctx, i);
    if (item.idempotency?.shareWith !== undefined) sharedKeys(s, ctx, i);
  });
}

/**
 * A graph item with idempotency keys (its root node n0 carries the key): a
 * repeat must be the same request as the root it repeats, so nothing that
 * varies per submission may touch the root (failureRate draws its kind,
 * startAfterMs its scheduledAt, dependsOn its dependencies); shareWith
 * links plain tasks only (sharedKeys).
 */
function keyedGraph(item: Scenario['workload']['items'][number], ctx: Ctx, i: number): void {
  const varies = [
    ...(item.failureRate > 0 ? ['failureRate'] : []),
    ...(item.startAfterMs !== undefined ? ['startAfterMs'] : []),
    ...(item.dependsOn !== undefined ? ['dependsOn'] : []),
  ];
  if (varies.length > 0) {
    problem(ctx, ['workload', 'items', i, 'idempotency'], `a graph's root carries the key, so its repeats must be the same request: remove ${varies.join(', ')} or idempotency`);
  }
}

/** workload.items[i].dependsOn: each names an earlier item, submitted no later, and one of its nodes; no item twice. */
function itemDependency(s: Scenario, ctx: Ctx, i: number): void {
  const items = s.workload.items;
  const item = items[i];
  const deps = item?.dependsOn;
  if (item === undefined || deps === undefined) return;
  const names = items.slice(0, i).flatMap((x, j) => [x.name ?? `item${j + 1}`]);
  deps.forEach((dep, k) => {
    // A single dependency is reported at dependsOn (it may have been written as an object), one of a list by its index.
    const path = ['workload', 'items', i, 'dependsOn', ...(deps.length > 1 ? [k] : [])];
    const j = names.indexOf(dep.item);
    const target = items[j];
    if (target === undefined) {
      problem(ctx, [...path, 'item'], `unknown item "${dep.item}"${didYouMean(dep.item, names)}; dependsOn names an item listed before this one`);
      return;
    }
    if (deps.findIndex((d) => d.item === dep.item && d.node === dep.node) !== k) problem(ctx, [...path, 'item'], `item "${dep.item}" node ${dep.node} is named twice; name each dependency once`);
    if (target.batch || item.batch) problem(ctx, [...path, 'item'], 'dependsOn links single submissions and graphs, not batches; remove batch or dependsOn');
    if (target.at > item.at) problem(ctx, [...path, 'item'], `item "${dep.item}" starts at ${target.at} ms, after this one (${item.at} ms): a dependency must be submitted first`);
    const nodes = target.graph.shape === 'none' ? 1 : target.graph.size;
    if (dep.node >= nodes) problem(ctx, [...path, 'node'], `node ${dep.node} does not exist: item "${dep.item}" submits ${nodes} execution(s) each, numbered from 0`);
  });
}

/**
 * workload.items[i].idempotency.shareWith names an earlier item; both are
 * single plain tasks with the same retry (the checker tells their specs
 * apart by kind, params, timeoutMs and priority, so nothing else may differ).
 */
function sharedKeys(s: Scenario, ctx: Ctx, i: number): void {
  const items = s.workload.items;
  const item = items[i];
  const shared = item?.idempotency?.shareWith;
  if (item === undefined || shared === undefined) return;
  const path = ['workload', 'items', i, 'idempotency', 'shareWith'];
  const names = items.slice(0, i).map((x, j) => x.name ?? `item${j + 1}`);
  const target = items[names.indexOf(shared)];
  if (target === undefined) {
    problem(ctx, path, `unknown item "${shared}"${didYouMean(shared, names)}; shareWith names an item listed before this one`);
    return;
  }
  const plain = (x: typeof item): boolean => x.graph.shape === 'none' && !x.batch && x.dependsOn === undefined && x.startAfterMs === undefined && x.failureRate === 0;
  if (!plain(item) || !plain(target)) problem(ctx, path, 'shareWith links plain single tasks (no graph, batch, dependsOn, startAfterMs or failureRate on either item)');
  if (JSON.stringify(item.retry) !== JSON.stringify(target.retry)) problem(ctx, path, `item "${shared}" has another retry policy: give both items the same retry, so only kind, params, timeoutMs or priority tell them apart`);
}
