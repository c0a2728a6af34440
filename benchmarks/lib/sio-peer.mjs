/**
 * The socket.io side of `npm run bench:peers:reconnect`, plain JS so a child
 * runs it without a loader:
 *   node sio-peer.mjs server PORT            a socket.io 4.8 server, websocket only,
 *                                            heartbeat 1 s / 2 s (like squall's); prints {"ready":PORT}
 *   node sio-peer.mjs clients URL N INIT MAX N websocket-only clients with reconnection delay
 *                                            INIT..MAX ms (socket.io's backoff, randomization 0.5)
 * Clients print one JSON line per event: {"id", "ev": "connect" | "disconnect" |
 * "attempt", "mono"}, mono = performance.timeOrigin + now() (comparable across processes).
 */
/* global process, performance, setInterval */
import { Server } from 'socket.io';
import { io } from 'socket.io-client';

const mono = () => performance.timeOrigin + performance.now();
const [mode, a, b, c, d] = process.argv.slice(2);
let out = [];
const flush = () => {
  if (out.length > 0) process.stdout.write(out.join(''));
  out = [];
};
setInterval(flush, 20).unref();
const emit = (id, ev) => out.push(`${JSON.stringify({ id, ev, mono: mono() })}\n`);

if (mode === 'server') {
  const server = new Server(Number(a), { transports: ['websocket'], pingInterval: 1000, pingTimeout: 2000, serveClient: false });
  server.on('connection', () => undefined);
  process.stdout.write(`${JSON.stringify({ ready: Number(a) })}\n`);
} else if (mode === 'clients') {
  const n = Number(b);
  for (let i = 0; i < n; i++) {
    const id = `s${i + 1}`;
    const s = io(a, { transports: ['websocket'], reconnectionDelay: Number(c), reconnectionDelayMax: Number(d), randomizationFactor: 0.5, forceNew: true });
    s.on('connect', () => emit(id, 'connect'));
    s.on('disconnect', () => emit(id, 'disconnect'));
    s.io.on('reconnect_attempt', () => emit(id, 'attempt'));
  }
  process.on('SIGTERM', () => process.exit(0));
} else {
  process.stderr.write('usage: sio-peer.mjs server PORT | clients URL N INITIAL_MS MAX_MS\n');
  process.exit(2);
}
