/**
 * Session 33's attempt count: an engine that counts a refusal at capacity
 * (a hand-back of an attempt its holder never started) as an attempt, as
 * the engine did before (GET showed `attempts: 3` for one run).
 */
import type { ResultOutcome } from '../../../system/engine/contract.js';
import { Engine } from '../../../system/engine/index.js';
import type { ExecutionRecord } from '../../../system/core/model.js';
import type { ErrorInfo } from '../../../system/engine/core.js';
import { engineFactoryOf } from './variants.js';

/** Takes back the number onResult gave back: every claim counts, run or not. */
class RefusalsCountedEngine extends Engine {
  protected override recordOutcome(rec: ExecutionRecord, outcome: ResultOutcome, result: unknown, error: ErrorInfo | undefined): Promise<void> {
    if (rec.status === 'preparing' && (outcome === 'revoked' || outcome === 'paused' || outcome === 'cancelled')) rec.attempts += 1;
    return super.recordOutcome(rec, outcome, result, error);
  }
}

/** The engine factory of the broken variant. */
export const refusalsCounted = engineFactoryOf(RefusalsCountedEngine);
