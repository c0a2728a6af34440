/**
 * A small server-sent events client for `squall executions watch`: follows
 * the coordinator's coalesced feed (/ui/events, at most four pushes a
 * second) and hands each `update` push's JSON to the caller. Ends when the
 * stream ends or the signal aborts; a refusal (401/403/404) rejects with the
 * API's error so the caller can fall back to polling.
 */
import { apiError, type ApiTarget, unreachable } from './api-client.js';
import { nodeHttp } from './cli-http.js';

/** Streams the feed; resolves when it ends (server closed it, or signal aborted). */
export async function followFeed(t: ApiTarget, onUpdate: (data: unknown) => void, signal: AbortSignal): Promise<void> {
  const url = new URL('/ui/events', `${t.base}/`);
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (t.token !== undefined) headers.authorization = `Bearer ${t.token}`;
  let refused: number | undefined;
  let buf = '';
  const sink = {
    open: (status: number): boolean => {
      if (status >= 300) refused = status;
      return refused === undefined;
    },
    chunk: (chunk: string): void => {
      buf += chunk;
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const data = parseBlock(block);
        if (data !== undefined) onUpdate(data);
      }
    },
  };
  try {
    await (t.http ?? nodeHttp).stream({ url, method: 'GET', headers, signal, ...(t.ca === undefined ? {} : { ca: t.ca }) }, sink);
  } catch (err) {
    if (signal.aborted) return;
    throw unreachable(url.origin, err);
  }
  if (refused !== undefined) throw apiError(t, 'following events', { status: refused, json: '' });
}

/** The JSON of an `update` event block, or undefined for comments, retry hints and other events. */
function parseBlock(block: string): unknown {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (event !== 'update' || data.length === 0) return undefined;
  try {
    return JSON.parse(data.join('\n')) as unknown;
  } catch {
    return undefined;
  }
}
