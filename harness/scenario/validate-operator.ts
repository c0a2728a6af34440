/**
 * Operator command lines in a scenario (operator-args.ts): the flags are
 * checked at load (supported, well-formed, not refused by the documentation
 * (documented-flags.ts: what the running command refuses beyond that fails
 * promise 8 in the run, command-accepts.ts), not contradicting a field the
 * scenario also sets), and the scenario's own fields are filled from what
 * they ask for (applyOperatorArgs, ScenarioSchema's transform), so every
 * consumer (the checker's context, the live runner's flags) sees the
 * operator's intent; the simulation builds the config from the flags
 * through the commands' own functions (run-sim.ts).
 */
import type { z } from 'zod';
import { documentedCoordinatorRefusal, documentedWorkerRefusal } from './documented-flags.js';
import { coordinatorIntent, WORKER_BACKOFF_FLAGS, WORKER_HEARTBEAT_FLAGS, workerIntent } from './operator-args.js';
import { type Scenario, workerIds } from './schema.js';
import { resolveTarget } from './targets.js';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Fields with a scenario default: the flags of their family replace them (a contradiction cannot be told from the default). */
const FAMILY_FIELDS: readonly string[] = ['heartbeatMs', 'heartbeatTimeoutMs', 'adaptiveHeartbeat', 'heartbeatTimeoutMaxMs', 'rttFactor', 'leaseMs', 'breaker'];

/** Problems of coordinator.args, fleet.args and restart args, each at its path. */
export function validateOperatorArgs(s: Scenario, ctx: z.RefinementCtx): void {
  const problem = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
  const c = s.coordinator.args === undefined ? undefined : coordinatorIntent(s.coordinator.args);
  const cRefused = s.coordinator.args === undefined || typeof c === 'string' ? undefined : documentedRefusal('coordinator', s.coordinator.args);
  if (typeof c === 'string') problem(['coordinator', 'args'], c);
  else if (cRefused !== undefined) problem(['coordinator', 'args'], cRefused);
  else if (c !== undefined) {
    for (const [k, v] of Object.entries(c)) {
      if (FAMILY_FIELDS.includes(k)) continue;
      const field = s.coordinator[k as keyof typeof c];
      if (field !== undefined && !same(field, v)) problem(['coordinator', k], `coordinator.${k} ${JSON.stringify(field)} contradicts coordinator.args, which ask for ${JSON.stringify(v)}: say it once`);
    }
  }
  if (s.coordinator.args?.includes('--no-store-thread') === true && (s.coordinator.store !== 'sqlite' || s.coordinator.sqliteThreadMs !== undefined)) {
    problem(['coordinator', 'args'], '--no-store-thread commits SQLite in the event loop\'s thread: it needs coordinator.store: sqlite, and no coordinator.sqliteThreadMs (the simulated store thread it turns off)');
  }
  // README "Flags with no effect are refused": with a secret both sides stay on the 2-RTT handshake (the simulation's secret is coordinator.secret).
  for (const side of ['coordinator', 'fleet'] as const) {
    if (s[side].args?.includes('--no-zero-rtt') === true && s.coordinator.secret !== undefined) problem([side, 'args'], `squall ${side === 'fleet' ? 'worker' : 'coordinator'} refuses these flags, as documented: --no-zero-rtt has no effect with a secret (coordinator.secret)`);
  }
  (s.fleet.coordinatorUrls ?? []).forEach((u, i) => {
    const why = coordinatorUrlProblem(u, s.coordinator.proxy?.port);
    if (why !== undefined) problem(['fleet', 'coordinatorUrls', i], why);
  });
  const f = s.fleet.args === undefined ? undefined : workerIntent(s.fleet.args);
  const fRefused = s.fleet.args === undefined || typeof f === 'string' ? undefined : documentedRefusal('worker', s.fleet.args);
  if (typeof f === 'string') problem(['fleet', 'args'], f);
  else if (fRefused !== undefined) problem(['fleet', 'args'], fRefused);
  else if (f !== undefined && s.fleet.allowKinds !== undefined && Object.values(s.fleet.allowKinds).some((k) => !same(k, f.allowKinds))) {
    problem(['fleet', 'allowKinds'], `fleet.allowKinds contradicts fleet.args, which allow [${f.allowKinds.join(', ')}] on every worker (none without --allow-kinds): say it once`);
  }
  if (typeof f === 'object' && f.zeroRtt === false && s.fleet.zeroRtt === true) problem(['fleet', 'zeroRtt'], 'fleet.zeroRtt true contradicts fleet.args, which ask for --no-zero-rtt: say it once');
  if (typeof f === 'object' && f.backoff !== undefined && s.fleet.groups.some((g) => g.backoff !== undefined || g.asGiven === true)) {
    problem(['fleet', 'args'], 'the backoff flags of fleet.args set every worker\'s backoff, so a group\'s own backoff would be overridden: say it once (fleet.groups[].backoff, or the flags)');
  }
  s.faults.forEach((fault, i) => {
    if (fault.action.type !== 'restart' || fault.action.args === undefined) return;
    const w = workerIntent(fault.action.args);
    const wRefused = typeof w === 'string' ? w : documentedRefusal('worker', fault.action.args);
    if (wRefused !== undefined) problem(['faults', i, 'action', 'args'], wRefused);
    const hb = fault.action.args.find((a) => [...WORKER_HEARTBEAT_FLAGS, ...WORKER_BACKOFF_FLAGS, '--hand-back-grace-ms'].includes(a));
    if (hb !== undefined) problem(['faults', i, 'action', 'args'], `${hb} is read fleet-wide by the checker: give it in fleet.args, not in a restart's args`);
    const t = resolveTarget(s.fleet, fault.target);
    if (t.kind !== 'nodes' || t.nodes.coordinator) problem(['faults', i, 'target'], `a restart with args restarts workers with other \`squall worker\` flags; its target must be workers, not ${fault.target}`);
  });
}

/** Why the documentation refuses these flags (documented-flags.ts; what the running command refuses beyond it fails promise 8 in the run, command-accepts.ts). */
function documentedRefusal(command: 'coordinator' | 'worker', args: readonly string[]): string | undefined {
  const why = command === 'coordinator' ? documentedCoordinatorRefusal(args) : documentedWorkerRefusal(args);
  return why === undefined ? undefined : `squall ${command} refuses these flags, as documented: ${why}`;
}

/** The scenario with its fields filled from the flags (see the file comment); flags that failed validation never get here. */
export function applyOperatorArgs(s: Scenario): Scenario {
  const c = s.coordinator.args === undefined ? {} : coordinatorIntent(s.coordinator.args);
  const f = s.fleet.args === undefined ? undefined : workerIntent(s.fleet.args);
  if (typeof c === 'string' || typeof f === 'string') return s;
  const fleet = f === undefined ? s.fleet : { ...s.fleet, concurrency: f.concurrency, allowKinds: Object.fromEntries(workerIds(s.fleet).map((id) => [id, [...f.allowKinds]])), ...fleetHeartbeat(f), ...(f.backoff === undefined ? {} : { backoff: { ...f.backoff } }), ...(f.zeroRtt === undefined ? {} : { zeroRtt: f.zeroRtt }) };
  return { ...s, coordinator: { ...s.coordinator, ...c }, fleet };
}

/** The fleet's heartbeat fields fleet.args ask for (none when they leave the family alone). */
function fleetHeartbeat(f: Exclude<ReturnType<typeof workerIntent>, string>): Partial<Pick<Scenario['fleet'], 'heartbeatMs' | 'heartbeatTimeoutMs' | 'adaptiveHeartbeat' | 'heartbeatTimeoutMaxMs' | 'rttFactor'>> {
  const { heartbeatMs, heartbeatTimeoutMs, adaptiveHeartbeat, heartbeatTimeoutMaxMs, rttFactor } = f;
  return Object.fromEntries(Object.entries({ heartbeatMs, heartbeatTimeoutMs, adaptiveHeartbeat, heartbeatTimeoutMaxMs, rttFactor }).filter(([, v]) => v !== undefined));
}

/** What is wrong with a worker's coordinator URL in a scenario: it must name the simulated coordinator's port (7000) or its proxy's. */
function coordinatorUrlProblem(raw: string, proxyPort: number | undefined): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `not a URL: ${JSON.stringify(raw)}`;
  }
  const ports = ['7000', ...(proxyPort === undefined ? [] : [String(proxyPort)])];
  if ((url.protocol !== 'ws:' && url.protocol !== 'wss:') || url.hostname !== 'coordinator' || !ports.includes(url.port)) {
    return `a coordinator URL is ws://coordinator:PORT[/path] with PORT ${ports.join(' or ')} (the coordinator's port, or coordinator.proxy's); got ${raw}`;
  }
  return undefined;
}
