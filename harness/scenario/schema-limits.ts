/**
 * The coordinator's limits in a scenario (schema.ts spreads them into
 * `coordinator`): the per-client and engine-wide quotas of unfinished
 * executions and the stats' duration window, each judged by promise 29.
 */
import { PosInt } from './faults.js';

export const LIMIT_COORDINATOR_FIELDS = {
  /**
   * Unfinished executions one client may have (the coordinator's --max-pending-per-client; a batch or
   * graph counts each execution); beyond it a submission is refused 429 rate_limited. Promise 29 judges
   * that each client's acknowledged unfinished executions never exceed it (a client: a workload item's
   * `client`, sent as x-squall-client, else the one address). Simulation only.
   */
  maxPendingPerClient: PosInt.optional(),
  /**
   * Unfinished executions the engine admits in all (the coordinator's --max-pending, the engine's
   * maxPending); beyond it a submission is refused 429 rate_limited. Promise 29 judges both sides:
   * no acknowledgement beyond it, no refusal while the unfinished work plus what the submission
   * would create fits.
   */
  maxPending: PosInt.optional(),
  /**
   * How many recent completed-execution durations feed GET /api/v1/stats' p50/p95 (the engine's
   * durationSamples, default 4096; no flag sets it). A run with more completions than this judges the
   * window rolling (promise 29, harness/check/promises-reads-window.ts). Simulation only.
   */
  durationSamples: PosInt.optional(),
};
