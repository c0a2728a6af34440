/**
 * Control operations of Engine (engine.ts): cancel, pause and resume of one
 * execution, each committed before it returns. A closed (or not yet
 * recovered) engine acts on none: IllegalStateError, as for submissions.
 */
import { ErrorCode, SquallError } from '../core/errors.js';
import { type ExecutionRecord, isTerminal } from '../core/model.js';
import { snapshot } from './records.js';
import { EngineAttempts } from './engine-attempts.js';

/** cancel/pause/resume on top of EngineAttempts; extended by Engine. */
export abstract class EngineControl extends EngineAttempts {
  async cancelExecution(executionId: string, reason = 'cancelled by request'): Promise<ExecutionRecord> {
    this.assertRunning('cancelExecution');
    const rec = this.mustGet(executionId);
    this.assertWritable('cancel');
    if (isTerminal(rec.status)) {
      throw new SquallError(ErrorCode.Conflict, `execution ${executionId} already ${rec.status}; only unfinished executions can be cancelled`);
    }
    const p = this.finish(rec, 'cancelled', reason, { code: 'cancelled', message: reason }, true);
    this.flushWake();
    await p;
    return snapshot(rec);
  }

  async pauseExecution(executionId: string): Promise<ExecutionRecord> {
    this.assertRunning('pauseExecution');
    const rec = this.mustGet(executionId);
    this.assertWritable('pause');
    if (isTerminal(rec.status)) {
      throw new SquallError(ErrorCode.Conflict, `execution ${executionId} already ${rec.status}; only unfinished executions can be paused`);
    }
    if (rec.status === 'paused') return snapshot(rec);
    if (rec.lease !== undefined) {
      // The worker checkpoints, stops and reports 'paused'; a dead worker's lease expiry pauses it too.
      this.pauseRequested.add(rec.executionId);
      this.dispatcher.abort(rec.lease.workerId, rec.executionId, rec.lease.token, 'pause');
      return snapshot(rec);
    }
    if (rec.status === 'pending') this.marks.hit('engine.pause-pending-dependent');
    this.dequeue(rec);
    await this.transition(rec, 'paused', 'pause requested');
    return snapshot(rec);
  }

  async resumeExecution(executionId: string): Promise<ExecutionRecord> {
    this.assertRunning('resumeExecution');
    const rec = this.mustGet(executionId);
    this.assertWritable('resume');
    if (rec.status !== 'paused') {
      const pending = this.pauseRequested.has(rec.executionId) ? ' (pause requested; resume it once it is paused)' : '';
      throw new SquallError(ErrorCode.Conflict, `execution ${executionId} is ${rec.status}${pending}; only paused executions can be resumed`);
    }
    const deps = this.dependencyStateOf(rec);
    let p: Promise<void>;
    if (deps.state === 'failed') {
      p = this.finish(rec, 'failed', 'dependency_failed', {
        code: 'dependency_failed',
        message: `dependency ${deps.dependency} ended ${deps.status}`,
      });
    } else {
      rec.nextRunAt = undefined;
      p = this.transition(rec, deps.state === 'done' ? 'scheduled' : 'pending', 'resumed');
      this.enqueue(rec);
    }
    this.flushWake();
    await p;
    return snapshot(rec);
  }
}
