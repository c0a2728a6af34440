/**
 * Broken variants of blind set 16's HTTP-edge misses (#12, #14, #26),
 * injected through the simulation's seams, never a patch
 * (tests/sim/broken-http16.test.ts).
 */
import type { HttpHandler } from '../../../system/core/index.js';
import type { LimitAnswer } from '../../../system/transport/http-limits.js';
import type { ParsedRequest } from '../../../system/transport/index.js';

/** #12: the request's peer taken with its source port (every TCP connection a client of its own for the quota). */
export function withPort(req: ParsedRequest): ParsedRequest {
  const { remoteAddress, remotePort } = req.socket;
  return { ...req, socket: { remoteAddress: remoteAddress === undefined ? undefined : `${remoteAddress}:${remotePort ?? '?'}`, remotePort } };
}

/** #14: the Authorization scheme matched case-sensitively (`bearer <token>` refused 401 as not a Bearer header). */
export function caseSensitiveScheme(handle: HttpHandler): HttpHandler {
  return (req) => {
    const auth = req.headers.authorization;
    if (auth === undefined || /^Bearer\s+\S+\s*$/.test(auth) || !/^Bearer\s+\S+\s*$/i.test(auth)) return handle(req);
    const body = JSON.stringify({ error: { code: 'unauthenticated', message: 'the Authorization header is not "Bearer <token>"', path: '' } });
    return Promise.resolve({ status: 401, headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="squall"' }, body });
  };
}

/** #26: the parser's overflow code misspelled (HPE_HEADERS_OVERFLOW), so node's refusal of headers past its cap falls to 400 malformed. */
export function misspelledOverflow(real: (code: string | undefined) => LimitAnswer): (code: string | undefined) => LimitAnswer {
  return (code) => real(code === 'HPE_HEADER_OVERFLOW' ? 'HPE_HEADERS_OVERFLOW_UNMATCHED' : code);
}
