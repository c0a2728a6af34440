/**
 * How a scenario's fleet is laid out on real processes and proxies:
 *  - hosts: swarm-host processes. With worker process faults (pause, kill,
 *    restart on workers) and a small fleet, one host per worker, so those
 *    faults hit exactly their target; otherwise one host per scenario group
 *    (then the rest), at most `hostSize` workers each.
 *  - proxies: every worker reaches the coordinator through a fault proxy; one
 *    per worker up to `perWorkerProxyMax` workers, else one per host.
 * A fault on part of a shared host or proxy over-approximates (hits all of it);
 * the runner records that as an info note.
 */
import type { Scenario } from '../scenario/schema.js';
import { workerIds } from '../scenario/schema.js';
import { groupsOf } from '../scenario/targets.js';
import type { ScheduledFault } from '../scenario/swarm.js';

export interface Topology {
  hosts: { name: string; workers: string[] }[];
  proxies: { name: string; workers: string[] }[];
  hostOf: Map<string, string>;
  proxyOf: Map<string, string>;
}

export interface TopologyOptions {
  /** One host per worker when worker process faults exist and the fleet is at most this (default 12). */
  perWorkerHostMax?: number;
  /** One proxy per worker up to this fleet size (default 50). */
  perWorkerProxyMax?: number;
  /** Workers per shared host at most (default 100). */
  hostSize?: number;
}

const PROCESS_ACTIONS = new Set(['pause', 'kill', 'restart', 'clock_skew']);

/** True when some fault pauses/kills/restarts workers (not the coordinator). */
function hasWorkerProcessFaults(faults: readonly ScheduledFault[], scenario: Scenario): boolean {
  const timeline = faults.some((f) => PROCESS_ACTIONS.has(f.action.type) && f.target !== 'coordinator');
  const swarm = scenario.swarm?.enabled === true && scenario.swarm.actions.some((a) => a === 'pause' || a === 'kill' || a === 'restart');
  return timeline || swarm;
}

function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Lays the fleet out; deterministic for a scenario and fault list. */
export function planTopology(scenario: Scenario, faults: readonly ScheduledFault[], opts: TopologyOptions = {}): Topology {
  const ids = workerIds(scenario.fleet);
  const hostSize = opts.hostSize ?? 100;
  const perWorkerHosts = ids.length <= (opts.perWorkerHostMax ?? 12) && hasWorkerProcessFaults(faults, scenario);
  const hosts: Topology['hosts'] = [];
  if (perWorkerHosts) {
    for (const id of ids) hosts.push({ name: `host-${id}`, workers: [id] });
  } else {
    const placed = new Set<string>();
    for (const [group, members] of groupsOf(scenario.fleet).groups) {
      const free = members.filter((m) => !placed.has(m));
      free.forEach((m) => placed.add(m));
      chunk(free, hostSize).forEach((part, i) => hosts.push({ name: `host-${group}-${i + 1}`, workers: part }));
    }
    chunk(ids.filter((m) => !placed.has(m)), hostSize).forEach((part, i) => hosts.push({ name: `host-${i + 1}`, workers: part }));
  }
  const proxies: Topology['proxies'] =
    ids.length <= (opts.perWorkerProxyMax ?? 50)
      ? ids.map((id) => ({ name: `link-${id}`, workers: [id] }))
      : hosts.map((h) => ({ name: `link-${h.name}`, workers: [...h.workers] }));
  const hostOf = new Map<string, string>();
  for (const h of hosts) for (const w of h.workers) hostOf.set(w, h.name);
  const proxyOf = new Map<string, string>();
  for (const p of proxies) for (const w of p.workers) proxyOf.set(w, p.name);
  return { hosts, proxies, hostOf, proxyOf };
}

/** The units (hosts or proxies) covering `workers`, and whether that hits workers outside them. */
export function unitsFor(
  workers: readonly string[],
  of: Map<string, string>,
  units: readonly { name: string; workers: string[] }[],
): { names: string[]; overApproximated: boolean } {
  const wanted = new Set(workers);
  const names = [...new Set(workers.map((w) => of.get(w)).filter((n): n is string => n !== undefined))];
  const overApproximated = units.some((u) => names.includes(u.name) && u.workers.some((w) => !wanted.has(w)));
  return { names, overApproximated };
}
