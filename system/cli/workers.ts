/**
 * `squall workers`: the coordinator's view of every worker it knows
 * (connected, disconnected, lost), with load, round trip and reconnects.
 * A table on a terminal, JSON otherwise.
 */
import type { Command } from 'commander';
import type { WorkerView } from '../coordinator/registry.js';
import { apiJson } from './api-client.js';
import { type CliIo, processIo } from './cli-io.js';
import { addClientOptions, type ClientFlags, clientTarget, wantsJson } from './client-options.js';
import { ago, isoTimes, renderTable } from './format.js';

/** The workers table (one row per worker, connected first). */
export function workersTable(ws: readonly WorkerView[], now: number): string {
  const order: Record<string, number> = { connected: 0, disconnected: 1, lost: 2 };
  const sorted = [...ws].sort((a, b) => (order[a.state] ?? 3) - (order[b.state] ?? 3) || a.id.localeCompare(b.id));
  const rows = sorted.map((w) => [
    w.id,
    `${w.state}${w.draining ? ' (draining)' : ''}`,
    `${w.running}/${w.concurrency}`,
    w.rttMs === null ? '-' : `${w.rttMs.toFixed(1)}ms`,
    String(w.reconnects),
    w.state === 'connected' ? ago(w.connectedAt, now) : `down ${ago(w.disconnectedAt, now)}`,
    ago(w.lastSeenAt, now),
    w.kinds.join(','),
  ]);
  return renderTable(['worker', 'state', 'running', 'rtt', 'reconnects', 'connected', 'last seen', 'kinds'], rows, ['l', 'l', 'r', 'r', 'r']);
}

/** Registers `squall workers`. */
export function registerWorkersCommand(program: Command, io: CliIo = processIo): void {
  addClientOptions(program.command('workers').description('list the workers a running coordinator knows: state, load, round trip, reconnects'))
    .action(async (flags: ClientFlags) => {
      const { json } = await apiJson(clientTarget(flags, io), 'GET', '/api/v1/workers', 'listing workers');
      const ws = (json as { workers: WorkerView[] }).workers;
      if (wantsJson(flags, io.isTTY)) io.out(`${JSON.stringify(isoTimes(json), null, 2)}\n`);
      else io.out(`${workersTable(ws, io.now())}\n${ws.length} worker(s), ${ws.filter((w) => w.state === 'connected').length} connected\n`);
    });
}
