/** Ports for child processes and servers the harness and the benchmarks start. */
import { createServer } from 'node:net';

/** A TCP port free on the host right now (bind to 0, read, close); another process may take it before you do. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const a = s.address();
      const port = a !== null && typeof a === 'object' ? a.port : 0;
      s.close(() => resolvePort(port));
    });
  });
}
