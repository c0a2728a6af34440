/**
 * The container kind against a fake Docker engine on a unix socket: it must
 * never pull, say clearly when the image is missing, and remove what it made.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import { realCpu } from '../core/cpu.js';
import { silentLogger } from '../core/logger.js';
import { seededRandom } from '../core/random.js';
import { containerKind, demuxDockerLogs } from './container.js';
import type { TaskContext } from './kind.js';

const ctx = (): TaskContext => ({
  executionId: 'ex1',
  workerId: 'w1',
  attempt: 1,
  signal: new AbortController().signal,
  clock: systemClock,
  random: seededRandom(1),
  cpu: realCpu,
  spawn: () => {
    throw new Error('the container kind starts no process');
  },
  logger: silentLogger,
  resumeFrom: undefined,
  checkpoint: () => Promise.resolve(),
  progress: () => {},
});

const frame = (stream: 1 | 2, text: string): Buffer => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

let server: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = undefined;
  dir = undefined;
});

/** A fake engine: answers /_ping, knows the images listed, runs nothing but records requests. */
async function fakeDocker(images: string[]): Promise<{ socketPath: string; requests: string[] }> {
  dir = mkdtempSync(join(tmpdir(), 'squall-docker-'));
  const socketPath = join(dir, 'docker.sock');
  const requests: string[] = [];
  server = createServer((req, res) => {
    const url = (req.url ?? '').replace(/^\/v[0-9.]+/, '');
    requests.push(`${req.method} ${url}`);
    const image = /^\/images\/(.+)\/json/.exec(url)?.[1];
    if (url.startsWith('/_ping')) return res.end('OK');
    if (image !== undefined) {
      const known = images.includes(decodeURIComponent(image));
      res.writeHead(known ? 200 : 404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(known ? { Id: 'sha256:abc' } : { message: `No such image: ${image}` }));
    }
    if (req.method === 'GET' && url.startsWith('/containers/json')) {
      // What an earlier process of worker w1 left: one container, found only by its worker label.
      const filters = JSON.parse(new URL(url, 'http://x').searchParams.get('filters') ?? '{}') as { label?: string[] };
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(filters.label?.includes('squall.worker=w1') === true ? [{ Id: 'old1' }] : []));
    }
    if (req.method === 'DELETE' && url.startsWith('/containers/old1')) return res.writeHead(204).end();
    if (req.method === 'POST' && url.startsWith('/containers/create')) {
      res.writeHead(201, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ Id: 'c1', Warnings: [] }));
    }
    if (req.method === 'POST' && url.startsWith('/containers/c1/start')) return res.writeHead(204).end();
    if (req.method === 'POST' && url.startsWith('/containers/c1/wait')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ StatusCode: 3 }));
    }
    if (url.startsWith('/containers/c1/logs')) {
      res.writeHead(200, { 'content-type': 'application/vnd.docker.raw-stream' });
      return res.end(Buffer.concat([frame(1, 'out\n'), frame(2, 'boom\n')]));
    }
    if (req.method === 'DELETE' && url.startsWith('/containers/c1')) return res.writeHead(204).end();
    res.writeHead(500).end('unexpected');
  });
  await new Promise<void>((r) => server?.listen(socketPath, r));
  return { socketPath, requests };
}

describe('container task kind', () => {
  it('refuses a missing image with a clear error and never pulls', async () => {
    const { socketPath, requests } = await fakeDocker([]);
    await expect(containerKind({ socketPath }).run({ image: 'squall/none:1', cmd: ['true'] }, ctx())).rejects.toThrow(
      'image squall/none:1 not present locally; squall never pulls — build or load it first',
    );
    expect(requests.some((r) => r.includes('/images/create'))).toBe(false);
  });

  it('runs, reports a non-zero exit with stderr, and removes the container', async () => {
    const { socketPath, requests } = await fakeDocker(['squall/tool:1']);
    await expect(containerKind({ socketPath }).run({ image: 'squall/tool:1', cmd: ['run'] }, ctx())).rejects.toThrow(
      /container squall\/tool:1 exited with code 3: boom/,
    );
    expect(requests.some((r) => r.startsWith('DELETE /containers/c1'))).toBe(true);
    expect(requests.some((r) => r.includes('/images/create'))).toBe(false);
  });

  it('labels its containers with the execution and the worker', async () => {
    const { socketPath } = await fakeDocker(['squall/tool:1']);
    let labels: unknown;
    server?.prependListener('request', (req) => {
      if (req.url?.includes('/containers/create') === true) req.on('data', (b: Buffer) => (labels = (JSON.parse(b.toString()) as { Labels: unknown }).Labels));
    });
    await containerKind({ socketPath }).run({ image: 'squall/tool:1', cmd: ['run'] }, ctx()).catch(() => {});
    expect(labels).toEqual({ 'squall.execution': 'ex1', 'squall.worker': 'w1' });
  });

  it('removes, when its worker starts, what an earlier process of that worker left, before creating anything', async () => {
    const { socketPath, requests } = await fakeDocker(['squall/tool:1']);
    const kind = containerKind({ socketPath });
    kind.onWorkerStart?.({ workerId: 'w1', logger: silentLogger });
    await expect(kind.run({ image: 'squall/tool:1', cmd: ['run'] }, ctx())).rejects.toThrow(/exited with code 3/);
    const list = requests.findIndex((r) => r.startsWith('GET /containers/json'));
    const removed = requests.findIndex((r) => r.startsWith('DELETE /containers/old1?force=true'));
    expect(list).toBeGreaterThanOrEqual(0);
    expect(removed).toBeGreaterThan(list);
    expect(removed).toBeLessThan(requests.findIndex((r) => r.startsWith('POST /containers/create')));
  });

  it('a sweep that cannot reach the engine does not hold its worker\'s attempts back', async () => {
    const kind = containerKind({ socketPath: '/nonexistent/docker.sock' });
    kind.onWorkerStart?.({ workerId: 'w1', logger: silentLogger });
    await expect(kind.run({ image: 'a', cmd: ['b'] }, ctx())).rejects.toThrow(/^Docker engine not reachable at /);
  });

  it('says clearly when the engine is unreachable', async () => {
    await expect(containerKind({ socketPath: '/nonexistent/docker.sock' }).run({ image: 'a', cmd: ['b'] }, ctx())).rejects.toThrow(
      /^Docker engine not reachable at \/nonexistent\/docker.sock: /,
    );
  });

  it('demultiplexes the log stream', () => {
    expect(demuxDockerLogs(Buffer.concat([frame(1, 'a'), frame(2, 'b'), frame(1, 'c')]))).toEqual({ stdout: 'ac', stderr: 'b' });
  });
});
