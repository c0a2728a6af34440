/**
 * Retention: terminal executions are forgotten (memory and store) once there
 * are more than `maxCount` of them (oldest completions first) or once they
 * completed more than `maxAgeMs` ago; until then their record and status
 * history stay answerable. This bounds memory per execution ever submitted:
 * what is kept is the unfinished work plus at most the retained terminals.
 */
import { InvalidArgumentError } from '../core/errors.js';

/** Retention policy (both limits optional; none: keep everything). */
export interface RetentionConfig {
  /** Keep at most this many terminal executions. */
  maxCount?: number;
  /** Forget terminal executions completed longer ago than this. */
  maxAgeMs?: number;
  /** How often the policy is applied. Default 10000. */
  sweepMs?: number;
}

/** Validates a retention policy; throws naming the field. */
export function checkRetention(r: RetentionConfig | undefined): RetentionConfig | undefined {
  if (r === undefined) return undefined;
  for (const k of ['maxCount', 'maxAgeMs', 'sweepMs'] as const) {
    const v = r[k];
    if (v !== undefined && !(Number.isSafeInteger(v) && v > 0)) {
      throw new InvalidArgumentError(`EngineConfig.retention.${k} must be an integer > 0, got ${JSON.stringify(v)}`, `retention.${k}`);
    }
  }
  return r;
}

/**
 * The `completedBefore` time that applies the policy to terminal executions
 * with these completion times, or undefined when nothing is due. Ties at the
 * count boundary go together (a few more may be pruned, never fewer).
 */
export function retentionCutoff(completedAts: number[], policy: RetentionConfig, now: number): number | undefined {
  let cutoff: number | undefined;
  if (policy.maxAgeMs !== undefined) cutoff = now - policy.maxAgeMs;
  if (policy.maxCount !== undefined && completedAts.length > policy.maxCount) {
    const sorted = [...completedAts].sort((a, b) => a - b);
    const byCount = (sorted[completedAts.length - policy.maxCount - 1] as number) + 1;
    cutoff = cutoff === undefined ? byCount : Math.max(cutoff, byCount);
  }
  if (cutoff === undefined || !completedAts.some((t) => t < (cutoff as number))) return undefined;
  return cutoff;
}
