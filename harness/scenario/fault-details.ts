/**
 * Turns a scenario fault into the FaultDetails the recorder stores, with the
 * target resolved to concrete workers (and partition sides), so the checker
 * knows exactly who was affected without the scenario at hand. `workers` are
 * the workers whose links (network actions) or processes (process actions)
 * the fault touches; `coordinator` says the coordinator itself was targeted.
 */
import type { FaultAction } from './faults.js';
import { isNetworkAction } from './faults.js';
import type { Fleet } from './schema.js';
import { workerIds } from './schema.js';
import { resolvePartition, resolveTarget } from './targets.js';
import { workerIntent } from './operator-args.js';
import type { FaultDetails } from '../check/history.js';

/** FaultDetails for one (expanded) timeline or swarm fault. */
export function describeFault(
  fleet: Pick<Fleet, 'workers' | 'idPrefix' | 'groups'>,
  fault: { target: string; action: FaultAction },
  id: string,
  origin: 'timeline' | 'swarm' = 'timeline',
): FaultDetails {
  const { type, ...attributes } = fault.action;
  const params: Record<string, unknown> = { ...attributes };
  // A restart with other `squall worker` flags: the capabilities they ask for, for the checker (promise 26, operator-args.ts).
  const asked = fault.action.type === 'restart' && fault.action.args !== undefined ? workerIntent(fault.action.args) : undefined;
  if (asked !== undefined && typeof asked !== 'string') params.capabilities = asked;
  let workers: string[];
  let coordinator: boolean;
  if (fault.action.type === 'partition') {
    const sides = resolvePartition(fleet, fault.action);
    params.sides = sides;
    workers = sides.flatMap((s) => s.workers);
    coordinator = false;
  } else {
    const t = resolveTarget(fleet, fault.target);
    if (t.kind === 'nodes') {
      // Every link touches the coordinator: a network fault on it affects every worker's link.
      workers = t.nodes.coordinator && isNetworkAction(type) ? workerIds(fleet) : t.nodes.workers;
      coordinator = t.nodes.coordinator;
    } else {
      workers = [...new Set([...t.a.workers, ...t.b.workers])];
      coordinator = false;
      params.link = { a: t.a, b: t.b };
    }
  }
  return { id, action: type, target: fault.target, workers, coordinator, params, origin };
}
