/**
 * What the idle-baseline rule of promise 35 (hygiene) reads from a simulated
 * coordinator: the streaming responses its clients hold open (counted at the
 * client's edge of the HTTP handler, so a stream the coordinator keeps
 * subscribed after its client went away shows as a difference), and the
 * intervals its process had armed when it started listening (a leaked
 * interval per client keeps the count above it once every client is gone).
 */
import type { HttpHandler, HttpRequest, HttpResponse, HttpStreamSink } from '../../system/core/index.js';
import { STREAM_PATHS } from './http-plumbing.js';

/** Open streaming responses of one coordinator incarnation, as its clients see them. */
export class StreamCounter {
  open = 0;

  /**
   * Wraps the handler: each stream counts from start() until its client closes it or the coordinator ends it;
   * `answered` hears each answer beside the caller (the answer's own promise is handed on: no extra hop).
   */
  wrap(handle: HttpHandler, answered?: (req: HttpRequest, res: HttpResponse) => void): HttpHandler {
    // Only where streams are served: elsewhere no extra microtask hop (http-plumbing.ts STREAM_PATHS).
    return (req) => {
      const p = STREAM_PATHS.has(req.path) ? this.counted(handle, req) : handle(req);
      if (answered !== undefined) void p.then((res) => answered(req, res), () => undefined);
      return p;
    };
  }

  private async counted(handle: HttpHandler, req: Parameters<HttpHandler>[0]): ReturnType<HttpHandler> {
    const res = await handle(req);
    const stream = res.stream;
    if (stream === undefined) return res;
    const start = (sink: HttpStreamSink): void => {
      let counted = true;
      const done = (): void => {
        if (counted) this.open -= 1;
        counted = false;
      };
      this.open += 1;
      sink.onClose(done);
      stream.start({ ...sink, end: () => (done(), sink.end()) });
    };
    return { ...res, stream: { start } };
  }
}
