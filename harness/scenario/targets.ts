/**
 * Names in a scenario resolved to concrete nodes: worker groups to worker ids,
 * fault targets to nodes or links, partition sides to sets of nodes. The
 * simulation and live runners both use these, so `target: east` means the same
 * workers in both.
 */
import { InvalidArgumentError } from '../../system/core/index.js';
import type { FaultAction } from './faults.js';
import type { Backoff, Fleet } from './schema.js';
import { workerIds } from './schema.js';
import { workerBackoffDocDefaults } from '../check/spec-tables.js';

/** A set of nodes: possibly the coordinator, and some workers (ids in fleet order). */
export interface NodeSet {
  coordinator: boolean;
  workers: string[];
}

/** A fault target: every link of some nodes, or the links between two node sets. */
export type ResolvedTarget = { kind: 'nodes'; nodes: NodeSet } | { kind: 'link'; a: NodeSet; b: NodeSet };

type FleetLike = Pick<Fleet, 'workers' | 'idPrefix' | 'groups'>;

/** Reserved endpoint names. */
export const COORDINATOR = 'coordinator';
const ALL_WORKERS = 'all-workers';
export const LINK_SEPARATOR = '<->';

/** Groups resolved to worker ids, plus what was wrong (path relative to fleet.groups). */
export function groupsOf(fleet: FleetLike): { groups: Map<string, string[]>; problems: { path: (string | number)[]; message: string }[] } {
  const ids = workerIds(fleet);
  const known = new Set(ids);
  const groups = new Map<string, string[]>();
  const problems: { path: (string | number)[]; message: string }[] = [];
  let next = 0;
  fleet.groups.forEach((g, i) => {
    if (g.name === COORDINATOR || g.name === ALL_WORKERS || known.has(g.name) || g.name.includes(LINK_SEPARATOR)) {
      problems.push({ path: [i, 'name'], message: `group name "${g.name}" is reserved or a worker id; pick another name` });
    }
    if (groups.has(g.name)) problems.push({ path: [i, 'name'], message: `duplicate group name "${g.name}"` });
    let members: string[] = [];
    if ('count' in g) {
      if (next + g.count > ids.length) {
        problems.push({
          path: [i, 'count'],
          message: `group "${g.name}" needs ${g.count} workers but only ${ids.length - next} are left of ${ids.length}`,
        });
      }
      members = ids.slice(next, next + g.count);
      next += g.count;
    } else if ('from' in g) {
      if (g.from > g.to || g.to > ids.length) {
        problems.push({ path: [i, 'to'], message: `range ${g.from}..${g.to} must satisfy 1 <= from <= to <= ${ids.length} (fleet.workers)` });
      }
      members = ids.slice(g.from - 1, Math.min(g.to, ids.length));
    } else {
      g.ids.forEach((id, j) => {
        if (!known.has(id)) problems.push({ path: [i, 'ids', j], message: `unknown worker id "${id}"; ids are ${ids[0]}..${ids[ids.length - 1]}` });
      });
      members = g.ids.filter((id) => known.has(id));
    }
    groups.set(g.name, members);
  });
  return { groups, problems };
}

/**
 * Each worker's reconnect backoff: the fleet's, with the fields a group's own
 * `backoff` sets replacing it for that group's workers (a group built `asGiven`:
 * its fields over the worker's documented defaults); plus what was wrong
 * (a worker in two groups that both set one, a group whose initialMs is above
 * its maxMs; paths relative to fleet.groups).
 */
export function workerBackoffs(fleet: FleetLike & Pick<Fleet, 'backoff'>): { byWorker: Map<string, Backoff>; problems: { path: (string | number)[]; message: string }[] } {
  const { groups } = groupsOf(fleet);
  const byWorker = new Map(workerIds(fleet).map((id) => [id, { ...fleet.backoff }]));
  const problems: { path: (string | number)[]; message: string }[] = [];
  const setBy = new Map<string, string>();
  fleet.groups.forEach((g, i) => {
    if (g.backoff === undefined && g.asGiven !== true) return;
    // Built in code with only the fields given: the rest are the worker's documented defaults, not the fleet's.
    const own: Backoff = g.asGiven === true ? (workerBackoffDocDefaults(g.backoff ?? {}) as Backoff) : { ...fleet.backoff, ...g.backoff };
    if (own.initialMs > own.maxMs) problems.push({ path: [i, 'backoff', 'initialMs'], message: `must be <= the group's maxMs (${own.maxMs})` });
    for (const id of groups.get(g.name) ?? []) {
      const other = setBy.get(id);
      if (other !== undefined) problems.push({ path: [i, 'backoff'], message: `worker ${id} is also in group "${other}", which sets a backoff too: one backoff per worker` });
      setBy.set(id, g.name);
      byWorker.set(id, own);
    }
  });
  return { byWorker, problems };
}

/** The workers of `asGiven` groups, each with exactly the backoff fields its group gives (what a WorkerConfig built in code holds). */
export function givenBackoffs(fleet: FleetLike): Map<string, Partial<Backoff>> {
  const { groups } = groupsOf(fleet);
  const out = new Map<string, Partial<Backoff>>();
  for (const g of fleet.groups) if (g.asGiven === true) for (const id of groups.get(g.name) ?? []) out.set(id, { ...g.backoff });
  return out;
}

/** Every name a target may use (for validation and suggestions). */
export function endpointNames(fleet: FleetLike): string[] {
  return [COORDINATOR, ALL_WORKERS, ...fleet.groups.map((g) => g.name), ...workerIds(fleet)];
}

/** One endpoint name (coordinator, all-workers, group, worker id) to nodes; undefined when unknown. */
export function resolveEndpoint(fleet: FleetLike, name: string, groups = groupsOf(fleet).groups): NodeSet | undefined {
  if (name === COORDINATOR) return { coordinator: true, workers: [] };
  if (name === ALL_WORKERS) return { coordinator: false, workers: workerIds(fleet) };
  const g = groups.get(name);
  if (g !== undefined) return { coordinator: false, workers: [...g] };
  const ids = workerIds(fleet);
  return ids.includes(name) ? { coordinator: false, workers: [name] } : undefined;
}

/** A fault's `target` to nodes or a link; throws InvalidArgumentError naming the unknown endpoint. */
export function resolveTarget(fleet: FleetLike, target: string): ResolvedTarget {
  const groups = groupsOf(fleet).groups;
  const one = (name: string): NodeSet => {
    const r = resolveEndpoint(fleet, name.trim(), groups);
    if (r === undefined) throw new InvalidArgumentError(`unknown target "${name.trim()}"`, 'target');
    return r;
  };
  const parts = target.split(LINK_SEPARATOR);
  if (parts.length === 1) return { kind: 'nodes', nodes: one(target) };
  if (parts.length !== 2) throw new InvalidArgumentError(`a link target is "A<->B", got "${target}"`, 'target');
  return { kind: 'link', a: one(parts[0] ?? ''), b: one(parts[1] ?? '') };
}

/**
 * A partition's sides as node sets. The coordinator joins side 0 unless a side
 * names it; nodes no side names are not affected.
 */
export function resolvePartition(fleet: FleetLike, action: Extract<FaultAction, { type: 'partition' }>): NodeSet[] {
  const groups = groupsOf(fleet).groups;
  const sides = action.groups.map((side) => {
    const names = typeof side === 'string' ? [side] : side;
    const set: NodeSet = { coordinator: false, workers: [] };
    for (const n of names) {
      const r = resolveEndpoint(fleet, n, groups);
      if (r === undefined) throw new InvalidArgumentError(`unknown partition member "${n}"`, 'action.groups');
      set.coordinator ||= r.coordinator;
      for (const w of r.workers) if (!set.workers.includes(w)) set.workers.push(w);
    }
    return set;
  });
  const first = sides[0];
  if (first !== undefined && !sides.some((s) => s.coordinator)) first.coordinator = true;
  return sides;
}
