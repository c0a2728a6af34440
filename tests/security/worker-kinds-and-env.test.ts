/**
 * Dangerous kinds are opt-in, and `command` never sees the worker's secrets.
 *
 * Failing before the fix: every worker advertised and ran command/container,
 * and command children inherited process.env. With either old behaviour put
 * back (env: {...process.env, ...env}; no allow check in the task runner)
 * the first and fourth tests fail (see the report).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep, systemClock } from '../../system/core/clock.js';
import type { Cpu } from '../../system/core/cpu.js';
import type { SystemEvent } from '../../system/core/events.js';
import { silentLogger } from '../../system/core/logger.js';
import { seededRandom } from '../../system/core/random.js';
import { nodeSpawn } from '../../system/tasks/child-spawn.js';
import { checkEnvAllowList, commandEnv, commandKindWith } from '../../system/tasks/command.js';
import { builtinTaskKinds } from '../../system/tasks/registry.js';
import { Worker } from '../../system/worker/worker.js';
import { fakeClock } from '../worker/helpers/fake-clock.js';
import { FakeCoordinator } from '../worker/helpers/fake-coordinator.js';
import { MemoryTransport } from '../worker/helpers/memory-transport.js';

const SECRET = 'worker-secret-do-not-leak-42';

function setup(allowKinds: string[]) {
  const fc = fakeClock();
  const transport = new MemoryTransport();
  const coord = new FakeCoordinator(transport, { secret: SECRET });
  const events: SystemEvent[] = [];
  const cpu: Cpu = { burn: (ms, signal) => sleep(fc.clock, ms, signal) };
  const worker = new Worker(
    { transport, clock: fc.clock, random: seededRandom(3), logger: silentLogger, events: { emit: (e) => events.push(e) }, cpu, taskKinds: builtinTaskKinds() },
    { id: 'w1', coordinatorUrl: 'ws://127.0.0.1:1', secret: SECRET, allowKinds },
  );
  return { ...fc, coord, events, worker };
}

describe('dangerous kinds are opt-in on the worker', () => {
  it('a worker without --allow-kinds neither advertises nor runs command/container: the assignment fails once, clearly, and no process starts', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'squall-kinds-')), 'ran');
    const t = setup([]);
    t.worker.start();
    await t.tick(50);
    expect(t.coord.of('register')[0]?.capabilities.kinds).toEqual(['sleep', 'echo', 'fail', 'cpu']);
    t.coord.assign({ executionId: 'ex_cmd', kind: 'command', params: { argv: ['touch', marker] } });
    t.coord.assign({ executionId: 'ex_ctr', kind: 'container', params: { image: 'busybox', cmd: ['true'] } });
    await t.tick(50);
    const results = t.coord.of('result');
    expect(results.map((r) => [r.executionId, r.outcome, r.error?.code])).toEqual([
      ['ex_cmd', 'failed', 'kind_not_allowed'],
      ['ex_ctr', 'failed', 'kind_not_allowed'],
    ]);
    expect(results[0]?.error?.message).toMatch(/--allow-kinds command/);
    expect(t.events.filter((e) => e.type === 'task_started')).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });

  it('with --allow-kinds command it advertises and runs command (and still not container)', async () => {
    const t = setup(['command']);
    t.worker.start();
    await t.tick(50);
    expect(t.coord.of('register')[0]?.capabilities.kinds).toEqual(['sleep', 'echo', 'fail', 'cpu', 'command']);
  });

  it('rejects an allow-list naming a kind that needs no opting in, or a typo', () => {
    expect(() => setup(['comand'])).toThrow(/allowKinds\[0\] must be one of command, container/);
  });
});

describe('command runs with a clean environment', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('never passes the worker\'s secrets, passes basics, the allow-list and the task\'s env', async () => {
    process.env.SQUALL_SECRET = SECRET;
    process.env.SQUALL_TOKEN = 'sqt_leak';
    process.env.AWS_SECRET_ACCESS_KEY = 'aws-leak';
    process.env.BUILD_FLAVOUR = 'debug';
    const kind = commandKindWith({ envAllow: ['BUILD_FLAVOUR'] });
    const ac = new AbortController();
    const ctx = { executionId: 'ex', workerId: 'w1', attempt: 1, signal: ac.signal, clock: systemClock, random: seededRandom(1), cpu: { burn: async () => {} }, spawn: nodeSpawn, logger: silentLogger, resumeFrom: undefined, checkpoint: async () => {}, progress: () => {} };
    const out = (await kind.run({ argv: ['env'], env: { TASK_VAR: 'mine' } }, ctx)) as { stdout: string };
    const vars = new Map(out.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(out.stdout).not.toContain(SECRET);
    expect(out.stdout).not.toContain('sqt_leak');
    expect(vars.has('AWS_SECRET_ACCESS_KEY')).toBe(false);
    expect(vars.get('BUILD_FLAVOUR')).toBe('debug');
    expect(vars.get('TASK_VAR')).toBe('mine');
    expect(vars.get('PATH')).toBe(process.env.PATH);
    expect(Object.values(commandEnv(process.env, ['BUILD_FLAVOUR'], { TASK_VAR: 'mine' }))).not.toContain(SECRET);
  });

  it('refuses to allow-list a worker secret', () => {
    expect(() => checkEnvAllowList(['HOME', 'SQUALL_SECRET'])).toThrow(/SQUALL_SECRET is a worker secret/);
    expect(() => checkEnvAllowList(['SQUALL_TOKEN'])).toThrow(/never passed/);
    expect(() => checkEnvAllowList(['NOT A NAME'])).toThrow(/not a variable name/);
  });

  it('a result carrying the worker\'s secret (any task) is stored redacted', async () => {
    const t = setup([]);
    t.worker.start();
    await t.tick(50);
    t.coord.assign({ executionId: 'ex_echo', kind: 'echo', params: { value: { note: `the secret is ${SECRET}` } } });
    await t.tick(50);
    const r = t.coord.of('result')[0];
    expect(r?.outcome).toBe('completed');
    expect(JSON.stringify(r?.result)).not.toContain(SECRET);
    expect(JSON.stringify(r?.result)).toContain('[redacted]');
  });
});
