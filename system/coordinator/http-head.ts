/**
 * HEAD wherever GET is served (RFC 9110 §9.3.2): a HEAD request is answered
 * by the GET handler itself (same gate, same status, same headers) without
 * its body; Content-Length names the bytes GET would have sent. A streaming
 * GET (server-sent events) answers its head and ends at once, attaching no
 * subscriber. Wrapping once around everything keeps the two from drifting.
 */
import type { HttpHandler, HttpResponse } from '../core/transport.js';

/** The answer a HEAD gets for a GET answer: its head, no body. */
export function headOf(get: HttpResponse): HttpResponse {
  const headers = get.headers ?? {};
  if (get.stream !== undefined) return { status: get.status, headers, body: '', stream: { start: (sink) => sink.end() } };
  return { status: get.status, headers: { ...headers, 'content-length': String(Buffer.byteLength(get.body, 'utf8')) }, body: '' };
}

/** Serves HEAD through `handler`'s GET (see the file comment). */
export function serveHead(handler: HttpHandler): HttpHandler {
  return async (req) => (req.method === 'HEAD' ? headOf(await handler({ ...req, method: 'GET' })) : handler(req));
}

/** An Allow list with HEAD next to GET wherever GET is (the methods serveHead answers). */
export function withHead(methods: readonly string[]): string {
  const out: string[] = [];
  for (const m of methods) {
    if (!out.includes(m)) out.push(m);
    if (m === 'GET' && !out.includes('HEAD')) out.push('HEAD');
  }
  return out.join(', ');
}
