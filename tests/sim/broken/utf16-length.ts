/**
 * Set 18 #07 planted through `vi.mock` of system/transport/ws-server.js: an
 * answer's content-length is its body's UTF-16 length (a stream is left as
 * is). Shared by the test files that plant it; `on` says when.
 */
import type * as WsServer from '../../../system/transport/ws-server.js';

type Real = typeof WsServer;

export function utf16LengthServer(real: Real, on: () => boolean): Real {
  return {
    ...real,
    writeAnswer: (response: Parameters<Real['writeAnswer']>[0], res: Parameters<Real['writeAnswer']>[1]): void => {
      if (!on() || response.stream !== undefined) return real.writeAnswer(response, res);
      res.writeHead(response.status, { 'content-length': String(response.body.length), ...response.headers });
      res.end(Buffer.from(response.body, 'utf8'));
    },
  };
}
