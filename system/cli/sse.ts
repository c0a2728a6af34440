/**
 * A small server-sent events client for `squall executions watch`: follows
 * the coordinator's coalesced feed (/ui/events, at most four pushes a
 * second) and hands each `update` push's JSON to the caller. Ends when the
 * stream ends or the signal aborts; a refusal (401/403/404) rejects with the
 * API's error so the caller can fall back to polling.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { apiError, type ApiTarget, unreachable } from './api-client.js';

/** Streams the feed; resolves when it ends (server closed it, or signal aborted). */
export function followFeed(t: ApiTarget, onUpdate: (data: unknown) => void, signal: AbortSignal): Promise<void> {
  const url = new URL('/ui/events', `${t.base}/`);
  const https = url.protocol === 'https:';
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (t.token !== undefined) headers.authorization = `Bearer ${t.token}`;
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(url, { method: 'GET', headers, signal, ...(https && t.ca !== undefined ? { ca: t.ca } : {}) }, (res) => {
      if ((res.statusCode ?? 0) >= 300) {
        res.resume();
        reject(apiError(t, 'following events', { status: res.statusCode ?? 0, json: '' }));
        return;
      }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const data = parseBlock(block);
          if (data !== undefined) onUpdate(data);
        }
      });
      res.on('end', () => resolve());
      res.on('error', () => resolve());
    });
    req.on('error', (err) => (signal.aborted ? resolve() : reject(unreachable(url.origin, err))));
    req.end();
  });
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
