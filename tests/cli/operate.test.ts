/**
 * The operating CLI against a real coordinator and worker in this process:
 * each command is run through commander with a captured CliIo, so what it
 * prints and the exit code it means are asserted, not just that it ran.
 * No wall-clock bounds: every wait is for a state, not a time.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliIo } from '../../system/cli/cli-io.js';
import { CliError, EXIT, exitCodeOf } from '../../system/cli/exit-codes.js';
import { registerExecutionsCommand } from '../../system/cli/executions.js';
import { registerSubmitCommand } from '../../system/cli/submit.js';
import { registerWorkersCommand } from '../../system/cli/workers.js';
import { createCoordinator, createToken, memoryTokenStore } from '../../system/coordinator/index.js';
import { systemClock } from '../../system/core/clock.js';
import { nullSink } from '../../system/core/events.js';
import { silentLogger } from '../../system/core/logger.js';
import { cryptoRandom } from '../../system/core/random.js';
import { builtinTaskKinds } from '../../system/tasks/registry.js';
import { wsTransport } from '../../system/transport/index.js';
import { FAST_COORDINATOR, Fixture } from '../integration/helpers.js';

let fx: Fixture;
afterEach(async () => fx.cleanup());

/** Runs `squall <args>` in-process; returns stdout, the exit code it set or its error's, and the error line. */
async function squall(args: string[], opts: { tty?: boolean } = {}): Promise<{ out: string; code: number; err: string }> {
  let out = '';
  let code = 0;
  const ac = new AbortController();
  const io: CliIo = { out: (t) => void (out += t), err: () => {}, now: () => Date.now(), isTTY: opts.tty === true, setExitCode: (c) => void (code = c), interrupted: () => ac.signal };
  const program = new Command().exitOverride();
  registerSubmitCommand(program, io);
  registerExecutionsCommand(program, io);
  registerWorkersCommand(program, io);
  try {
    await program.parseAsync(args, { from: 'user' });
    return { out, code, err: '' };
  } catch (e) {
    return { out, code: exitCodeOf(e) ?? -1, err: (e as Error).message };
  }
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('squall executions / workers / submit against a running coordinator', () => {
  it('submits, lists, gets and watches; times are ISO or "ago", never epoch ms', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    fx.worker(c.url, 'w1');
    const url = ['--url', c.httpUrl];
    const sub = await squall(['submit', ...url, '--kind', 'fail', '--params', '{"times":1}', '--retry', '{"strategy":"fixed","maxRetries":2,"delayMs":10}', '--wait']);
    expect(sub.code).toBe(0);
    const done = JSON.parse(sub.out) as { executionId: string; status: string; createdAt: unknown; statusHistory: { status: string; at: unknown; reason: string }[] };
    expect(done.status).toBe('completed');
    expect(done.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(done.statusHistory.every((h) => typeof h.at === 'string')).toBe(true);
    // No transient 'failed' before 'retrying': the retried attempt's failure is part of the retrying entry.
    expect(done.statusHistory.map((h) => h.status)).toEqual(['scheduled', 'preparing', 'running', 'retrying', 'preparing', 'running', 'completed']);
    expect(done.statusHistory[3]?.reason).toMatch(/^attempt failed: task_failed; retry 1 of 2/);

    const list = await squall(['executions', 'list', ...url, '--json']);
    expect((JSON.parse(list.out) as { executions: { executionId: string }[] }).executions.map((e) => e.executionId)).toContain(done.executionId);
    const table = await squall(['executions', 'list', ...url], { tty: true });
    expect(table.out).toMatch(/^execution\s+task\s+kind\s+status/);
    expect(table.out).toMatch(/completed\s+2\s+-\s+\d+s ago/);
    expect(table.out).not.toMatch(/\b1\d{12}\b/);
    const get = await squall(['executions', 'get', done.executionId, ...url], { tty: true });
    expect(get.out).toContain('status     completed  attempts 2');
    expect(get.out).toMatch(/created\s+\d{4}-\d\d-\d\dT\S+ \(\d+s ago\)/);
    const watched = await squall(['executions', 'watch', done.executionId, ...url], { tty: true });
    expect(watched.code).toBe(0);
    expect(watched.out).toContain(`${done.executionId} completed`);
  });

  it('pause answers with what is true (requested, then paused), resume and cancel, exit codes for 404 and 409', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    fx.worker(c.url, 'w1');
    const url = ['--url', c.httpUrl];
    const sub = await squall(['submit', ...url, '--kind', 'sleep', '--params', '{"durationMs":60000,"checkpointEveryMs":20}']);
    const id = (JSON.parse(sub.out) as { executionId: string }).executionId;
    await until(() => squall(['executions', 'get', id, ...url, '--json']), (r) => (JSON.parse(r.out) as { status: string }).status === 'running');
    const pause = await squall(['executions', 'pause', id, ...url], { tty: true });
    expect(pause.out).toMatch(new RegExp(`^pause requested: ${id} is running on w1`));
    const paused = await squall(['executions', 'pause', id, ...url, '--wait'], { tty: true });
    expect(paused.out).toContain(`${id} is now paused`);
    expect((await squall(['executions', 'resume', id, ...url], { tty: true })).out).toContain(`${id} is now scheduled`);
    const cancel = await squall(['executions', 'cancel', id, ...url, '--reason', 'test over'], { tty: true });
    expect(cancel.out).toContain(`${id} is now cancelled`);
    const again = await squall(['executions', 'cancel', id, ...url]);
    expect(again.code).toBe(EXIT.conflict);
    expect(again.err).toMatch(new RegExp(`cancel ${id} failed at ${c.httpUrl} \\(HTTP 409\\) conflict: .*already cancelled`));
    const watched = await squall(['executions', 'watch', id, ...url, '--json']);
    expect(watched.code).toBe(EXIT.workFailed);
    const missing = await squall(['executions', 'get', 'ex_nope', ...url]);
    expect(missing.code).toBe(EXIT.notFound);
    const bad = await squall(['executions', 'list', ...url, '--status', 'bogus']);
    expect(bad.code).toBe(EXIT.usage);
    // Refused as the flag is parsed (its choices), before any request.
    expect(bad.err).toContain('--status must be one of pending, scheduled, preparing, running, paused, retrying, completed, failed, cancelled, timeout, got "bogus"');
  });

  it('workers: a table on a terminal, JSON otherwise', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    fx.worker(c.url, 'w7');
    const j = await until(() => squall(['workers', '--url', c.httpUrl]), (r) => (JSON.parse(r.out) as { workers: unknown[] }).workers.length === 1);
    expect((JSON.parse(j.out) as { workers: { id: string; connectedAt: unknown }[] }).workers[0]).toMatchObject({ id: 'w7', connectedAt: expect.stringMatching(/T/) as unknown });
    const t = await squall(['workers', '--url', c.httpUrl], { tty: true });
    expect(t.out).toMatch(/^worker\s+state\s+running/);
    expect(t.out).toMatch(/w7\s+connected\s+0\/4/);
    expect(t.out).toContain('1 worker(s), 1 connected');
  });

  it('a stopped coordinator is one clear line and exit 3, naming the URL and the cause', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    const url = c.httpUrl;
    await c.close();
    for (const args of [['submit', '--url', url, '--kind', 'echo', '--params', '{"value":1}'], ['executions', 'list', '--url', url], ['workers', '--url', url]]) {
      const r = await squall(args);
      expect(r.code).toBe(EXIT.unreachable);
      expect(r.err).toBe(`cannot reach coordinator at ${url}: connection refused (ECONNREFUSED); is it running? (start one with \`squall coordinator\`, or pass --url)`);
    }
  });

  it('sends the token from --token-file or $SQUALL_TOKEN; without one the refusal is exit 5', async () => {
    fx = new Fixture();
    const tokens = memoryTokenStore();
    const t = createToken(cryptoRandom, 'ops', 'submit', 0);
    tokens.add(t.record);
    const deps = { transport: wsTransport(), clock: systemClock, random: cryptoRandom, logger: silentLogger, events: nullSink, store: fx.openStore(), taskKinds: builtinTaskKinds(), tokens };
    const c = await createCoordinator(deps, { ...FAST_COORDINATOR, apiAuth: 'token' });
    fx.onCleanup(() => c.close());
    const refused = await squall(['executions', 'list', '--url', c.httpUrl]);
    expect(refused.code).toBe(EXIT.refused);
    expect(refused.err).toContain('(HTTP 401) unauthenticated');
    const file = join(fx.dataDir(), 'ops.token');
    writeFileSync(file, `${t.token}\n`);
    expect((await squall(['executions', 'list', '--url', c.httpUrl, '--token-file', file])).code).toBe(0);
    process.env.SQUALL_TOKEN = t.token;
    try {
      expect((await squall(['workers', '--url', c.httpUrl])).code).toBe(0);
    } finally {
      delete process.env.SQUALL_TOKEN;
    }
  });

  it('maps every HTTP error class to its documented exit code', () => {
    expect(exitCodeOf(new CliError('unavailable', 'x', EXIT.unreachable))).toBe(3);
    expect(exitCodeOf(new TypeError('bug'))).toBeUndefined();
  });
});
