/**
 * Redis for the peer benchmark (bench:peers): finds `redis-server`, starts a
 * private one on a free loopback port in a temp directory with AOF on
 * (`appendonly yes`, `appendfsync everysec`, no RDB snapshots), and loads the
 * `ioredis` client BullMQ needs (a project dependency). Each missing piece is
 * reported with how to get it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { freePort, REPO_ROOT, removeDir, tempDataDir } from './cluster.js';

/** The redis-server executable, or undefined when it is not installed. */
export function findRedisServer(): string | undefined {
  const bin = process.env.REDIS_SERVER ?? 'redis-server';
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? bin : undefined;
}

/** A running private redis-server. */
export interface RedisServer {
  port: number;
  pid: number;
  /** Version line of the binary, e.g. "Redis server v=7.0.15 ...". */
  version: string;
  stop(): Promise<void>;
}

/** The durability both sides of the peer benchmark are held to, stated in its output. */
export const REDIS_DURABILITY = 'Redis AOF: appendonly yes, appendfsync everysec (each reply after write(2) to the AOF; fsync at most 1 s later)';

/** Starts redis-server (AOF everysec) on a free port in a fresh temp dir; resolves once it answers PING. */
export async function startRedis(bin: string): Promise<RedisServer> {
  const dir = tempDataDir('redis');
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--logfile', join(dir, 'redis.log')];
  const child: ChildProcess = spawn(bin, args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  await waitForPing(port, () => child.exitCode !== null);
  return {
    port,
    pid: child.pid ?? 0,
    version,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      removeDir(dir);
    },
  };
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('error', () => resolve(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
  });
}

async function waitForPing(port: number, dead: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (dead()) throw new Error(`redis-server on port ${port} exited at start (see its log in the temp dir)`);
    if (await pingOnce(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s`);
}

/** The ioredis constructor (a class taking {host, port, ...}). */
export type IORedisCtor = new (opts: Record<string, unknown>) => { quit(): Promise<unknown>; disconnect(): void };

/** Loads ioredis (a project dependency); undefined when it is not installed. */
export function loadIORedis(): IORedisCtor | undefined {
  try {
    const mod = createRequire(join(REPO_ROOT, 'package.json'))('ioredis') as IORedisCtor & { default?: IORedisCtor };
    return mod.default ?? mod;
  } catch {
    return undefined;
  }
}
