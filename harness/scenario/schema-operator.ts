/**
 * Operator command lines in a scenario (operator-args.ts; blind set 17 #11,
 * #13): the coordinator's and the workers' flags, turned into config by the
 * commands' own option builders in simulation; the scenario's own fields
 * (retention, maxPending, concurrency, allowKinds, ...) are filled from what
 * the flags ask for, so the checker judges the system against them.
 */
import { z } from 'zod';

const Args = z.array(z.string().min(1)).min(1);

export const OPERATOR_COORDINATOR_FIELDS = {
  /**
   * `squall coordinator` flags (operator-args.ts COORDINATOR_ARG_FLAGS: --retain-count, --retain-age,
   * --retain-sweep, --max-pending, --max-pending-per-client, --max-concurrent, --max-pending-handshakes,
   * --heartbeat-ms, --heartbeat-timeout-ms, --heartbeat-timeout-max-ms, --no-adaptive-heartbeat, --rtt-factor,
   * --lease-ms, --breaker-threshold,
   * --breaker-reset-ms, --no-breaker), turned into the coordinator's config by the command's own
   * addCoordinatorOptions and coordinatorConfig. A family the flags touch (heartbeat, lease, breaker)
   * takes the command's defaults for its flags not given and replaces the scenario's fields.
   */
  args: Args.optional(),
  /** Ceiling of the coordinator's adaptive heartbeat timeout (--heartbeat-timeout-max-ms; default 60000). */
  heartbeatTimeoutMaxMs: z.int().positive().optional(),
  /** k of the coordinator's adaptive timeout, interval + k × (srtt + 4 × rttvar) (--rtt-factor; default 2). */
  rttFactor: z.number().positive().optional(),
  /**
   * A reverse proxy (an ingress) in front of the coordinator (simulation only): port `port` of its
   * host serves it under `prefix`, so `ws://coordinator:8080/squall/ws` reaches its /ws; any other
   * path there is refused 404, as the coordinator's own port refuses any path but /ws
   * (harness/sim/upgrade-route.ts).
   */
  proxy: z.strictObject({
    prefix: z.string().regex(/^(\/[A-Za-z0-9._~-]+)+$/, { error: 'a path prefix like /squall (no trailing slash)' }),
    port: z.int().positive().max(65_535).default(8080),
  }).optional(),
};

export const OPERATOR_FLEET_FIELDS = {
  /** `squall worker` flags of every worker (operator-args.ts WORKER_ARG_FLAGS: --concurrency, --allow-kinds, --heartbeat-ms, --heartbeat-timeout-ms, --heartbeat-timeout-max-ms, --no-adaptive-heartbeat, --rtt-factor), through the command's own addWorkerOptions and workerConfig. */
  args: Args.optional(),
  /** Whether the workers' heartbeat timeouts adapt to the RTT; undefined: as the coordinator's (coordinator.adaptiveHeartbeat). Filled from fleet.args' --no-adaptive-heartbeat. */
  adaptiveHeartbeat: z.boolean().optional(),
  /** The workers' own ceiling and k of the adaptive timeout (--heartbeat-timeout-max-ms, --rtt-factor; defaults 60000 and 2, not the coordinator's). */
  heartbeatTimeoutMaxMs: z.int().positive().optional(),
  rttFactor: z.number().positive().optional(),
  /**
   * The coordinator URLs the workers are given (`--coordinator`, WorkerConfig.coordinatorUrl), one per
   * worker in fleet order, cycled (simulation only; default ws://coordinator:7000): every documented
   * shape, no path (/ws appended), `/`, `/ws`, a reverse proxy's `/prefix/ws` (coordinator.proxy).
   */
  coordinatorUrls: z.array(z.string().min(1)).min(1).optional(),
};

/** A restart's new process started with other `squall worker` flags (workers only; simulation only), kept by its later restarts. */
export const OPERATOR_RESTART_FIELDS = {
  args: Args.optional(),
};
