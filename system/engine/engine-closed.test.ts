/**
 * A closed engine acts on nothing: cancel, pause and resume are refused
 * illegal_state like submissions (the HTTP API answers it 503 with
 * Retry-After: the coordinator is stopping). Failing before the fix: the
 * controls committed on a closed engine.
 */
import { describe, expect, it } from 'vitest';
import { startEngine } from './testing.js';

describe('Engine: a closed engine acts on no control request', () => {
  it('refuses cancel, pause and resume after close() with illegal_state, and the execution stays as it was', async () => {
    const { engine } = await startEngine();
    const rec = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 5000 } });
    const paused = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 5000 } });
    await engine.pauseExecution(paused.executionId);
    engine.close();
    await expect(engine.cancelExecution(rec.executionId)).rejects.toMatchObject({ code: 'illegal_state', message: expect.stringMatching(/cancelExecution: the engine is closed/) });
    await expect(engine.pauseExecution(rec.executionId)).rejects.toMatchObject({ code: 'illegal_state' });
    await expect(engine.resumeExecution(paused.executionId)).rejects.toMatchObject({ code: 'illegal_state' });
    expect(engine.getExecution(rec.executionId)?.status).toBe('scheduled');
    expect(engine.getExecution(paused.executionId)?.status).toBe('paused');
  });
});
