/**
 * A small server-sent events client for `squall executions watch`: follows
 * the coordinator's coalesced feed (/ui/events, at most four pushes a
 * second) and hands each `update` push's JSON to the caller. Ends when the
 * stream ends or the signal aborts; a refusal (401/403/404) rejects with the
 * API's error so the caller can fall back to polling.
 */
import { apiError, type ApiTarget, unreachable } from './api-client.js';
import { nodeHttp } from './cli-http.js';
import { SseReader } from './sse-parse.js';

/** Streams the feed; resolves when it ends (server closed it, or signal aborted). */
export async function followFeed(t: ApiTarget, onUpdate: (data: unknown) => void, signal: AbortSignal): Promise<void> {
  const url = new URL('/ui/events', `${t.base}/`);
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (t.token !== undefined) headers.authorization = `Bearer ${t.token}`;
  let refused: number | undefined;
  const reader = new SseReader((e) => {
    const data = e.type === 'update' ? jsonOf(e.data) : undefined;
    if (data !== undefined) onUpdate(data);
  });
  const sink = {
    open: (status: number): boolean => {
      if (status >= 300) refused = status;
      return refused === undefined;
    },
    chunk: (chunk: string): void => reader.push(chunk),
  };
  try {
    await (t.http ?? nodeHttp).stream({ url, method: 'GET', headers, signal, ...(t.ca === undefined ? {} : { ca: t.ca }) }, sink);
  } catch (err) {
    if (signal.aborted) return;
    throw unreachable(url.origin, err);
  }
  if (refused !== undefined) throw apiError(t, 'following events', { status: refused, json: '' });
}

/** An `update` event's data as JSON, or undefined when it is not JSON. */
function jsonOf(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}
