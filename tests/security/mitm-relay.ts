/**
 * A man in the middle for /ws: a WebSocket server that relays every worker
 * connection to the coordinator, letting a test rewrite, drop or inject
 * frames in either direction. It knows no secret: it can only do what a
 * network attacker can (re-encode frames with a fresh crc, strip signatures).
 */
import { WebSocket, WebSocketServer } from 'ws';

/** What the relay does with one frame: the frames to pass on instead (empty: drop). */
export type Rewrite = (frame: string, side: { toWorker: (f: string) => void; toCoordinator: (f: string) => void }) => string[];

export class MitmRelay {
  private constructor(
    private readonly wss: WebSocketServer,
    readonly url: string,
  ) {}

  /** Listens on 127.0.0.1:0 and relays to `target` (ws://host:port/ws). */
  static async start(target: string, rewrite: { fromCoordinator?: Rewrite; fromWorker?: Rewrite }): Promise<MitmRelay> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const addr = wss.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    wss.on('connection', (worker) => {
      const upstream = new WebSocket(target);
      const queued: string[] = [];
      const side = {
        toWorker: (f: string) => worker.readyState === worker.OPEN && worker.send(f),
        toCoordinator: (f: string) => (upstream.readyState === upstream.OPEN ? upstream.send(f) : queued.push(f)),
      };
      upstream.on('open', () => queued.splice(0).forEach((f) => upstream.send(f)));
      upstream.on('message', (d) => (rewrite.fromCoordinator?.(String(d), side) ?? [String(d)]).forEach(side.toWorker));
      worker.on('message', (d) => (rewrite.fromWorker?.(String(d), side) ?? [String(d)]).forEach(side.toCoordinator));
      const closeBoth = (code: number, reason: Buffer): void => {
        const c = code === 1005 || code === 1006 ? 1000 : code;
        if (worker.readyState === worker.OPEN) worker.close(c, reason);
        if (upstream.readyState === upstream.OPEN) upstream.close(c, reason);
      };
      upstream.on('close', closeBoth);
      worker.on('close', closeBoth);
      upstream.on('error', () => worker.terminate());
      worker.on('error', () => upstream.terminate());
    });
    return new MitmRelay(wss, `ws://127.0.0.1:${port}`);
  }

  close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}
