/**
 * Child-process entry of bench:peers: runs ONE side (squall or BullMQ) in a
 * fresh process, so neither inherits the other's heap, JIT state or CPU
 * count. Progress goes to stderr; the result is one JSON line on stdout.
 *
 *   node --import tsx benchmarks/lib/peer-side.ts --system squall|bullmq --config '<PeerConfig JSON>'
 */
import { argString } from './args.js';
import { runBullmqSide } from './peer-bullmq.js';
import { runSquallSide } from './peer-squall.js';
import type { PeerConfig, SideResult } from './peer-types.js';
import { findRedisServer, loadIORedis } from './redis-server.js';

const system = argString('system');
const cfg = JSON.parse(argString('config') ?? '{}') as PeerConfig;
const log = (s: string): void => void process.stderr.write(`  ${new Date().toISOString().slice(11, 19)} ${s}\n`);

async function main(): Promise<SideResult> {
  if (system === 'squall') return runSquallSide(cfg, log);
  if (system === 'bullmq') {
    const IORedis = loadIORedis();
    const bin = findRedisServer();
    if (IORedis === undefined || bin === undefined) throw new Error('bullmq side needs ioredis and redis-server (checked by benchmarks/peers.ts)');
    return runBullmqSide(cfg, IORedis, bin, log);
  }
  throw new Error(`--system must be squall or bullmq, got ${String(system)}`);
}

main().then(
  (r) => {
    process.stdout.write(`${JSON.stringify({ side: r })}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
