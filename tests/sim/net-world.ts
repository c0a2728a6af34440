/**
 * A two-host world for network tests: host `srv` listens on 7000 and records
 * what it receives; host `cli` connects. Everything runs on the simulation's
 * virtual clock.
 */
import type { Connection, ConnectOptions } from '../../system/core/transport.js';
import { Simulation } from '../../harness/sim/index.js';

interface Received {
  at: number;
  frame: string;
}

export interface Side {
  conn: Connection;
  got: Received[];
  closed: { at: number; code: number; reason: string }[];
}

export const CONNECT: ConnectOptions = { handshakeTimeoutMs: 5_000, maxPayloadBytes: 1 << 20, perMessageDeflate: false };

export async function netWorld(seed = 1, opts: { keepTrace?: boolean } = {}) {
  const sim = new Simulation({ seed, keepTrace: opts.keepTrace ?? false });
  const srv = sim.host('srv');
  const cli = sim.host('cli');
  srv.boot();
  cli.boot();
  const servers: Side[] = [];
  const track = (conn: Connection): Side => {
    const side: Side = { conn, got: [], closed: [] };
    conn.attach({
      onMessage: (frame) => side.got.push({ at: sim.simulatedMs, frame }),
      onClose: (code, reason) => side.closed.push({ at: sim.simulatedMs, code, reason }),
    });
    return side;
  };
  await sim.settle(
    srv.transport.listen({
      host: '0.0.0.0',
      port: 7000,
      maxPayloadBytes: 1 << 20,
      perMessageDeflate: false,
      onConnection: (conn) => servers.push(track(conn)),
    }),
  );
  /** Connects cli → srv; resolves with both sides once the server side exists. */
  const connect = async (options: ConnectOptions = CONNECT): Promise<{ client: Side; server: Side }> => {
    const conn = await sim.settle(cli.transport.connect('ws://srv:7000/ws', options));
    const client = track(conn);
    const server = servers[servers.length - 1];
    if (server === undefined) throw new Error('server side missing');
    return { client, server };
  };
  return { sim, srv, cli, servers, connect, track };
}
