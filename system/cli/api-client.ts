/**
 * The CLI's client of the coordinator's HTTP API: JSON in and out, the
 * bearer token on every call, https:// with the system roots or a pinned CA
 * (--tls-ca). A refusal (401/403/415) is reported with the server's code and
 * message, which say what to do.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** How to reach the API. */
export interface ApiTarget {
  /** http(s)://host:port */
  base: string;
  token: string | undefined;
  /** PEM CA to trust for https:// instead of the system roots. */
  ca: string | undefined;
}

/** One API call; resolves with the status and the parsed JSON (or text) body. */
export function apiCall(t: ApiTarget, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const url = new URL(path, t.base.endsWith('/') ? t.base : `${t.base}/`);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload !== undefined || method !== 'GET') headers['content-type'] = 'application/json';
  if (payload !== undefined) headers['content-length'] = String(payload.length);
  if (t.token !== undefined) headers.authorization = `Bearer ${t.token}`;
  const https = url.protocol === 'https:';
  if (!https && url.protocol !== 'http:') return Promise.reject(new Error(`--url must be http:// or https:// (got ${t.base})`));
  return new Promise((resolve, reject) => {
    const opts = { method, headers, ...(https && t.ca !== undefined ? { ca: t.ca } : {}) };
    const req = (https ? httpsRequest : httpRequest)(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = text;
        try {
          json = JSON.parse(text) as unknown;
        } catch {
          // keep the text
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
      res.on('error', reject);
    });
    req.on('error', (err) => reject(new Error(`cannot reach ${url.origin}: ${err.message}`)));
    req.end(payload);
  });
}
