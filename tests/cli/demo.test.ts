/**
 * `squall demo` (npm run demo) finishes on its own and shows what it
 * promises: a graph completing in dependency order, a flaky task retried to
 * completion, a long task paused and resumed from its checkpoint, a cancelled
 * task, a refused submission, and the tables (each step its description and
 * header name: a demo that silently skips the pause, cover37 #10, still ended
 * with every task completed).
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../system/cli/cli-io.js';
import { registerDemoCommand } from '../../system/cli/demo.js';

describe('squall demo', () => {
  it('runs to the end and shows the graph, the retries, the cancel, the refusal and the tables', async () => {
    let out = '';
    const io: CliIo = { out: (t) => void (out += t), err: () => {}, now: () => Date.now(), isTTY: true, setExitCode: () => {}, interrupted: () => new AbortController().signal };
    const program = new Command().exitOverride();
    registerDemoCommand(program, io);
    await program.parseAsync(['demo'], { from: 'user' });
    expect(out).toMatch(/durationMS\): refused at submission, nothing runs: HTTP 400 invalid_argument: .*params/);
    expect(out).toMatch(/^ex_\w+ +pause-me +sleep +completed/m); // the table names tasks as the status lines do
    expect(out).toMatch(/graph:publish\s+completed/);
    expect(out.indexOf('graph:fetch      completed')).toBeLessThan(out.indexOf('graph:publish    scheduled'));
    expect(out).toMatch(/flaky\s+retrying\s+attempt failed: task_failed; retry 1 of 3/);
    expect(out).toMatch(/flaky\s+completed/);
    expect(out).toMatch(/>> pausing pause-me \(its worker checkpoints and stops it\)/);
    expect(out).toMatch(/pause-me\s+paused/);
    expect(out).toMatch(/>> resuming pause-me from checkpoint [1-9]\d*/);
    expect(out).toMatch(/>> cancelling cancel-me/);
    expect(out).toMatch(/cancel-me\s+cancelled/);
    expect(out).toMatch(/^execution\s+task\s+kind\s+status/m);
    expect(out).toMatch(/^worker\s+state\s+running/m);
    expect(out).toContain('npx squall executions list');
  });
});
