/**
 * The `container` task kind against a REAL Docker engine (opt-in: run
 * `scripts/docker-setup.sh`, then `npm run test:docker`). Skipped unless
 * SQUALL_DOCKER_TESTS=1, so the default suite never needs Docker.
 * Checks: output and exit codes, env, never pulling a missing image, a clear
 * error for an unreachable engine, abort and timeoutMs killing AND removing
 * the container, and one end-to-end run over HTTP through coordinator+worker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../system/core/clock.js';
import { realCpu } from '../../system/core/cpu.js';
import { ErrorCode, SquallError } from '../../system/core/errors.js';
import { silentLogger } from '../../system/core/logger.js';
import { cryptoRandom, randomId } from '../../system/core/random.js';
import { CONTAINER_LABEL, containerKind, type ContainerParams } from '../../system/tasks/container.js';
import type { TaskContext } from '../../system/tasks/kind.js';
import { Fixture, http, waitFor, waitForStatus } from '../integration/helpers.js';

const ENABLED = process.env.SQUALL_DOCKER_TESTS === '1';
const SOCKET = process.env.DOCKER_SOCKET ?? '/var/run/docker.sock';
const IMAGE = process.env.SQUALL_TEST_IMAGE ?? 'squall-test/busybox:latest';

if (!ENABLED) {
  console.info('[tests/docker] skipped: set SQUALL_DOCKER_TESTS=1 (npm run test:docker) after scripts/docker-setup.sh');
}

const docker = new Docker({ socketPath: SOCKET });
const kind = containerKind({ socketPath: SOCKET });

function ctx(signal: AbortSignal = new AbortController().signal): TaskContext {
  return {
    executionId: `dockertest-${randomId(cryptoRandom)}`,
    workerId: 'dockertest-worker',
    attempt: 1,
    signal,
    clock: systemClock,
    random: cryptoRandom,
    cpu: realCpu,
    spawn: () => {
      throw new Error('the container kind starts no process');
    },
    logger: silentLogger,
    resumeFrom: undefined,
    checkpoint: () => Promise.resolve(),
    progress: () => {},
  };
}

const run = (params: ContainerParams, c: TaskContext = ctx()): Promise<unknown> => kind.run(kind.params.parse(params), c);

/** Containers (any state) created for one execution id. */
async function containersOf(executionId: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${CONTAINER_LABEL}=${executionId}`] } });
}

/**
 * A unix-socket relay in front of the real engine that records every HTTP
 * request line the kind sends, so a test can prove no pull was even tried.
 */
async function recordingRelay(
  opts: { holdMs?: (request: string) => number; onRequest?: (request: string) => void } = {},
): Promise<{ socketPath: string; requests: string[]; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'squall-relay-'));
  const socketPath = join(dir, 'docker.sock');
  const requests: string[] = [];
  const sockets = new Set<{ destroy(): void }>();
  const server: Server = createServer((down) => {
    const up = createConnection(SOCKET);
    sockets.add(down);
    sockets.add(up);
    let chain = Promise.resolve();
    down.on('data', (chunk: Buffer) => {
      let hold = 0;
      for (const m of chunk.toString('latin1').matchAll(/^(GET|POST|PUT|DELETE|HEAD) (\S+) HTTP\/1/gm)) {
        const request = `${m[1]} ${m[2]}`;
        requests.push(request);
        opts.onRequest?.(request);
        hold = Math.max(hold, opts.holdMs?.(request) ?? 0);
      }
      // Forward in order; a held request delays everything after it on this connection.
      chain = chain.then(() => (hold > 0 ? new Promise((r) => setTimeout(r, hold)) : undefined)).then(() => void up.write(chunk));
    });
    down.on('end', () => void chain.then(() => up.end()));
    up.pipe(down);
    down.on('error', () => up.destroy());
    up.on('error', () => down.destroy());
  });
  await new Promise<void>((r) => server.listen(socketPath, r));
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const sock of sockets) sock.destroy(); // keep-alive connections would hold close() open
    await closed;
    rmSync(dir, { recursive: true, force: true });
  };
  return { socketPath, requests, close };
}

async function rejection(p: Promise<unknown>): Promise<SquallError> {
  const err: unknown = await p.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );
  return err as SquallError;
}

describe.runIf(ENABLED)('container kind on a real Docker engine', () => {
  beforeAll(async () => {
    try {
      await docker.ping();
    } catch (err) {
      throw new Error(`Docker engine not reachable at ${SOCKET} (${String(err)}): run scripts/docker-setup.sh first`);
    }
    try {
      await docker.getImage(IMAGE).inspect();
    } catch {
      throw new Error(`test image ${IMAGE} missing: run scripts/docker-setup.sh first`);
    }
  });

  afterAll(async () => {
    // Leave nothing behind even if a test failed half-way.
    const leftovers = await docker.listContainers({ all: true, filters: { label: [CONTAINER_LABEL] } });
    for (const c of leftovers.filter((l) => Object.values(l.Labels).some((v) => v.startsWith('dockertest-')))) {
      await docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
    }
  });

  it('runs echo hello and returns stdout and exit code 0; the container is removed', async () => {
    const c = ctx();
    const result = await run({ image: IMAGE, cmd: ['echo', 'hello'] }, c);
    expect(result).toEqual({ exitCode: 0, stdout: 'hello\n', stderr: '' });
    expect(await containersOf(c.executionId)).toEqual([]);
  });

  it('separates stdout from stderr', async () => {
    const result = await run({ image: IMAGE, cmd: ['sh', '-c', 'echo out; echo err >&2'] });
    expect(result).toEqual({ exitCode: 0, stdout: 'out\n', stderr: 'err\n' });
  });

  it('a non-zero exit is a failure naming the exit code and the stderr; nothing left behind', async () => {
    const c = ctx();
    const err = await rejection(run({ image: IMAGE, cmd: ['sh', '-c', 'echo partial; echo oops-on-stderr >&2; exit 3'] }, c));
    expect(err).toBeInstanceOf(SquallError);
    expect(err.code).toBe('task_failed');
    expect(err.message).toContain('exited with code 3');
    expect(err.message).toContain('oops-on-stderr');
    expect(await containersOf(c.executionId)).toEqual([]);
  });

  it('passes env vars into the container', async () => {
    const result = await run({ image: IMAGE, cmd: ['sh', '-c', 'echo "$GREETING/$OTHER"'], env: { GREETING: 'hi there', OTHER: 'a=b' } });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'hi there/a=b\n' });
  });

  it('a missing image is a clear not_found error, and no pull is even attempted', async () => {
    const missing = `squall-test/does-not-exist-${randomId(cryptoRandom).toLowerCase()}:latest`;
    const before = (await docker.listImages({ all: true })).length;
    const relay = await recordingRelay();
    try {
      const c = ctx();
      const err = await rejection(containerKind({ socketPath: relay.socketPath }).run({ image: missing, cmd: ['echo', 'x'] }, c));
      expect(err.code).toBe('not_found');
      expect(err.message).toContain(missing);
      expect(err.message).toContain('never pulls');
      // It asked the engine about the image (so the relay saw traffic) but never asked it to pull.
      expect(relay.requests.some((r) => r.includes('/images/') && r.includes('/json'))).toBe(true);
      expect(relay.requests.filter((r) => r.includes('/images/create') || r.includes('/images/load') || r.includes('fromImage'))).toEqual([]);
      expect((await docker.listImages({ all: true })).length).toBe(before);
      expect(await containersOf(c.executionId)).toEqual([]);
    } finally {
      await relay.close();
    }
  });

  it('an unreachable Docker socket is a clear unavailable error naming the socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-nodocker-'));
    try {
      const socketPath = join(dir, 'docker.sock');
      const k = containerKind({ socketPath });
      const err = await rejection(k.run({ image: IMAGE, cmd: ['echo', 'x'] }, ctx()));
      expect(err.code).toBe('unavailable');
      expect(err.message).toContain(`Docker engine not reachable at ${socketPath}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('abort (cancel) kills the running container and removes it', async () => {
    const ac = new AbortController();
    const c = ctx(ac.signal);
    const running = run({ image: IMAGE, cmd: ['sleep', '60'] }, c);
    running.catch(() => {});
    await waitFor(async () => (await containersOf(c.executionId)).some((x) => x.State === 'running'), 'the container to be running', 20_000);
    const started = Date.now();
    ac.abort(new SquallError(ErrorCode.Aborted, 'cancelled by test'));
    const err = await rejection(running);
    expect(err.message).toBe('cancelled by test');
    expect(Date.now() - started).toBeLessThan(20_000); // far below the 60 s sleep: it was killed
    expect(await containersOf(c.executionId)).toEqual([]);
  });

  it('an abort during container creation still leaves nothing behind', async () => {
    const ac = new AbortController();
    const c = ctx(ac.signal);
    const running = run({ image: IMAGE, cmd: ['sleep', '60'] }, c);
    running.catch(() => {});
    // Abort as soon as the container exists (created, maybe not started yet).
    await waitFor(async () => (await containersOf(c.executionId)).length > 0, 'the container to exist', 20_000);
    ac.abort(new SquallError(ErrorCode.Aborted, 'early cancel'));
    const err = await rejection(running);
    expect(err.message).toBe('early cancel');
    expect(await containersOf(c.executionId)).toEqual([]);
  });

  it('an abort while the engine is starting the container still kills it (a kill before start is refused)', async () => {
    const ac = new AbortController();
    const c = ctx(ac.signal);
    const relay = await recordingRelay({
      // Hold the start request; abort while it is in flight, so the abort's kill hits a not-yet-running container.
      holdMs: (r) => (r.startsWith('POST') && r.includes('/start') ? 400 : 0),
      onRequest: (r) => {
        if (r.startsWith('POST') && r.includes('/start')) ac.abort(new SquallError(ErrorCode.Aborted, 'cancel during start'));
      },
    });
    try {
      const started = Date.now();
      const err = await rejection(containerKind({ socketPath: relay.socketPath }).run({ image: IMAGE, cmd: ['sleep', '60'] }, c));
      expect(err.message).toBe('cancel during start');
      expect(Date.now() - started).toBeLessThan(20_000); // not the 60 s sleep
      expect(await containersOf(c.executionId)).toEqual([]);
    } finally {
      await relay.close();
    }
  });

  it('timeoutMs kills the container with a timeout error and removes it', async () => {
    const c = ctx();
    const err = await rejection(run({ image: IMAGE, cmd: ['sleep', '60'], timeoutMs: 500 }, c));
    expect(err.code).toBe('timeout');
    expect(err.message).toContain('timeoutMs 500');
    expect(await containersOf(c.executionId)).toEqual([]);
  });
});

describe.runIf(ENABLED)('container task end to end (HTTP → coordinator → worker → Docker)', () => {
  let fx: Fixture | undefined;
  afterAll(async () => {
    await fx?.cleanup();
  });

  it('a submitted container task completes with its output; a failing one ends failed with the exit code', async () => {
    fx = new Fixture();
    // container is a dangerous kind: the worker opts in, and opting in needs an authenticated coordinator.
    const c = await fx.coordinator({ secret: 'docker-suite-secret' });
    fx.worker(c.url, 'docker-w1', { secret: 'docker-suite-secret', allowKinds: ['container'] });
    const ok = await http(c, 'POST', '/api/v1/executions', {
      kind: 'container',
      params: { image: IMAGE, cmd: ['sh', '-c', 'echo hi'] },
      retry: { strategy: 'none' },
    });
    expect(ok.status).toBe(201);
    const done = await waitForStatus(c, ok.body.executionId as string, 'completed', 30_000);
    expect(done.result).toEqual({ exitCode: 0, stdout: 'hi\n', stderr: '' });

    const bad = await http(c, 'POST', '/api/v1/executions', {
      kind: 'container',
      params: { image: IMAGE, cmd: ['sh', '-c', 'echo nope >&2; exit 7'] },
      retry: { strategy: 'none' },
    });
    const failed = (await waitForStatus(c, bad.body.executionId as string, 'failed', 30_000)) as unknown as { error?: { code: string; message: string } };
    expect(failed.error?.code).toBe('task_failed');
    expect(failed.error?.message).toContain('exited with code 7');
    expect(failed.error?.message).toContain('nope');
  });
});
