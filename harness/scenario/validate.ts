/**
 * Cross-field rules of a scenario that a per-field schema cannot express:
 * fault targets and partition members exist, groups fit the fleet, process
 * actions are not aimed at links, faults end within the fault phase. Each
 * problem is reported at the path of the offending field, so the loader can
 * point at its line.
 */
import type { z } from 'zod';
import { builtinTaskKinds, DANGEROUS_KINDS } from '../../system/tasks/index.js';
import { SIM_ONLY_KINDS } from '../sim/probe-kind.js';
import { isNetworkAction } from './faults.js';
import { checkLimits } from './limits.js';
import type { Scenario } from './schema.js';
import { ScenarioObject, workerIds } from './schema.js';
import { didYouMean } from './suggest.js';
import { validateEngineFields } from './validate-engine.js';
import { applyOperatorArgs, validateOperatorArgs } from './validate-operator.js';
import { validateWorkerFeatures } from './validate-worker.js';
import { LINK_SEPARATOR, endpointNames, groupsOf, resolveEndpoint, workerBackoffs } from './targets.js';

type Ctx = z.RefinementCtx;

function problem(ctx: Ctx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

function checkEndpoint(ctx: Ctx, s: Scenario, groups: Map<string, string[]>, name: string, path: (string | number)[]): void {
  if (resolveEndpoint(s.fleet, name, groups) !== undefined) return;
  const ids = workerIds(s.fleet);
  const groupNames = s.fleet.groups.map((g) => g.name);
  const expected = [
    'coordinator',
    'all-workers',
    groupNames.length > 0 ? `a group (${groupNames.join(', ')})` : undefined,
    `a worker id (${ids[0]}..${ids[ids.length - 1]})`,
  ].filter((x) => x !== undefined);
  problem(ctx, path, `unknown target "${name}"${didYouMean(name, endpointNames(s.fleet))}; expected ${expected.join(', ')} or A${LINK_SEPARATOR}B`);
}

function checkFaults(ctx: Ctx, s: Scenario, groups: Map<string, string[]>): void {
  const phaseEnd = s.phases.faultsMs;
  s.faults.forEach((f, i) => {
    const at = ['faults', i];
    if (f.action.type === 'partition') {
      f.action.groups.forEach((side, j) => {
        const names = typeof side === 'string' ? [side] : side;
        names.forEach((n, k) =>
          checkEndpoint(ctx, s, groups, n, typeof side === 'string' ? [...at, 'action', 'groups', j] : [...at, 'action', 'groups', j, k]),
        );
      });
    } else {
      const parts = f.target.split(LINK_SEPARATOR).map((p) => p.trim());
      if (parts.length > 2) problem(ctx, [...at, 'target'], `a link target is "A${LINK_SEPARATOR}B", got "${f.target}"`);
      else if (parts.length === 2 && !isNetworkAction(f.action.type)) {
        problem(ctx, [...at, 'target'], `"${f.action.type}" acts on processes, not links; target a node (coordinator, a worker, a group)`);
      } else for (const p of parts) checkEndpoint(ctx, s, groups, p, [...at, 'target']);
    }
    const repeats = f.repeat === undefined ? 0 : (f.repeat.count - 1) * f.repeat.everyMs;
    if (f.at >= phaseEnd) {
      problem(ctx, [...at, 'at'], `at ${f.at} is not within the fault phase (phases.faultsMs = ${phaseEnd}); faults must start before it ends`);
    } else if (f.at + repeats + (f.for ?? 0) > phaseEnd) {
      problem(
        ctx,
        [...at, f.repeat !== undefined ? 'repeat' : 'for'],
        `this fault ends at ${f.at + repeats + (f.for ?? 0)} ms, after the fault phase (phases.faultsMs = ${phaseEnd}); shorten it or lengthen the phase`,
      );
    }
  });
}

function checkRest(ctx: Ctx, s: Scenario): void {
  if (s.coordinator.signMessages && s.coordinator.secret === undefined) {
    problem(ctx, ['coordinator', 'signMessages'], 'signMessages needs coordinator.secret');
  }
  if (s.coordinator.sqliteThreadMs !== undefined && s.coordinator.store !== 'sqlite') {
    problem(ctx, ['coordinator', 'sqliteThreadMs'], 'sqliteThreadMs simulates the SQLite store\'s thread; it needs coordinator.store: sqlite');
  }
  s.workload.items.forEach((item, i) => {
    if (item.graph.shape === 'diamond' && item.graph.size < 3) {
      problem(ctx, ['workload', 'items', i, 'graph', 'size'], 'a diamond needs size >= 3 (root, middles, sink)');
    }
    if (item.at > s.phases.faultsMs) {
      problem(ctx, ['workload', 'items', i, 'at'], `submissions must start within the fault phase (phases.faultsMs = ${s.phases.faultsMs})`);
    }
  });
  if (s.slo.allWorkDoneWithinMs !== undefined && s.slo.allWorkDoneWithinMs > s.phases.healMs) {
    problem(ctx, ['slo', 'allWorkDoneWithinMs'], `must be <= phases.healMs (${s.phases.healMs}): the run ends when the heal phase does`);
  }
  if (s.fleet.backoff.initialMs > s.fleet.backoff.maxMs) {
    problem(ctx, ['fleet', 'backoff', 'initialMs'], `must be <= fleet.backoff.maxMs (${s.fleet.backoff.maxMs})`);
  }
  if (s.coordinator.heartbeatTimeoutMs <= s.coordinator.heartbeatMs) {
    problem(ctx, ['coordinator', 'heartbeatTimeoutMs'], `must be greater than coordinator.heartbeatMs (${s.coordinator.heartbeatMs})`);
  }
  const sw = s.swarm;
  if (sw?.enabled === true) {
    if (sw.maxDurationMs > s.phases.faultsMs) {
      problem(ctx, ['swarm', 'maxDurationMs'], `must be <= phases.faultsMs (${s.phases.faultsMs})`);
    }
    if (sw.targets.includes('groups') && s.fleet.groups.length === 0 && sw.targets.length === 1) {
      problem(ctx, ['swarm', 'targets'], 'swarm targets only groups but fleet.groups is empty');
    }
  }
}

// ---- task kinds (no false green: a typo such as `kind: ehco` is refused here, not run as 0 accepted) ----

let knownKinds: string[] | undefined;

/** Every workload kind and fleet.kinds entry is a built-in task kind, and some worker accepts each workload kind. */
function checkKinds(ctx: Ctx, s: Scenario): void {
  knownKinds ??= [...builtinTaskKinds().keys(), ...SIM_ONLY_KINDS];
  const known = knownKinds;
  const unknown = (kind: string): string => `unknown task kind "${kind}"${didYouMean(kind, known)}; known kinds: ${known.join(', ')}`;
  s.fleet.kinds?.forEach((kind, i) => {
    if (!known.includes(kind)) problem(ctx, ['fleet', 'kinds', i], unknown(kind));
  });
  s.workload.items.forEach((item, i) => {
    const at = ['workload', 'items', i, 'kind'];
    if (!known.includes(item.kind)) problem(ctx, at, unknown(item.kind));
    else if (s.fleet.kinds !== undefined && !s.fleet.kinds.includes(item.kind)) {
      problem(ctx, at, `no worker accepts kind "${item.kind}": fleet.kinds is [${s.fleet.kinds.join(', ')}]; add it there or change the kind`);
    } else if (DANGEROUS_KINDS.has(item.kind) && !Object.values(s.fleet.allowKinds ?? {}).some((k) => k.includes(item.kind as 'command'))) {
      problem(ctx, at, `no worker allows the dangerous kind "${item.kind}": name one in fleet.allowKinds (e.g. { w1: [${item.kind}] })`);
    }
  });
  const ids = workerIds(s.fleet);
  for (const id of Object.keys(s.fleet.allowKinds ?? {})) {
    if (!ids.includes(id)) problem(ctx, ['fleet', 'allowKinds', id], `fleet.allowKinds names "${id}", which is not a worker of the fleet (${ids.join(', ')})`);
  }
}

/** The superRefine body: every cross-field rule. */
function validateScenario(s: Scenario, ctx: Ctx): void {
  // Sizes first: the other rules enumerate workers and faults, which an absurd size would exhaust memory doing.
  if (!checkLimits(s, ctx)) return;
  const { groups, problems } = groupsOf(s.fleet);
  for (const p of problems) problem(ctx, ['fleet', 'groups', ...p.path], p.message);
  if (problems.length === 0) for (const p of workerBackoffs(s.fleet).problems) problem(ctx, ['fleet', 'groups', ...p.path], p.message);
  checkFaults(ctx, s, groups);
  checkRest(ctx, s);
  validateEngineFields(s, ctx, groups);
  validateWorkerFeatures(s, ctx);
  checkKinds(ctx, s);
}

/**
 * The full scenario schema: structure (schema.ts), the operator's flags checked and filled into its fields
 * (validate-operator.ts), and the cross-field rules on the filled scenario. One refinement for both, before the
 * transform: a refinement after a transform never runs once a field is refused, and a file with a typo in one
 * field must still hear about every other problem.
 */
export const ScenarioSchema = ScenarioObject.superRefine((s, ctx) => {
  validateOperatorArgs(s, ctx);
  validateScenario(applyOperatorArgs(s), ctx);
}).transform(applyOperatorArgs);
