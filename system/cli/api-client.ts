/**
 * The CLI's client of the coordinator's HTTP API: JSON in and out, the
 * bearer token on every call, https:// with the system roots or a pinned CA
 * (--tls-ca). Every failure is a CliError with one line naming the
 * coordinator and the cause ("cannot reach coordinator at
 * http://127.0.0.1:7070: connection refused (ECONNREFUSED); is it running?")
 * and an exit code from exit-codes.ts; an API refusal carries the server's
 * code and message, which say what to do.
 */
import { ErrorCode } from '../core/errors.js';
import { type CliHttp, nodeHttp } from './cli-http.js';
import { CliError, EXIT, exitCodeOfStatus } from './exit-codes.js';

/** How to reach the API. */
export interface ApiTarget {
  /** http(s)://host:port */
  base: string;
  token: string | undefined;
  /** PEM CA to trust for https:// instead of the system roots. */
  ca: string | undefined;
  /** Give up on a request after this long (default 30 s). */
  timeoutMs?: number;
  /** The HTTP exchange (cli-http.ts); node:http/https when absent. */
  http?: CliHttp;
}

const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  EPROTO: 'TLS handshake failed (is it https:// on one side only?)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate (pass it with --tls-ca)',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate signed by an unknown CA (pass the CA with --tls-ca)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate signed by an unknown CA (pass the CA with --tls-ca)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not name this host',
};

/** "cannot reach coordinator at URL: cause (CODE)[; hint]" for a socket-level error. */
export function unreachable(origin: string, err: unknown): CliError {
  const code = (err as { code?: unknown }).code;
  const known = typeof code === 'string' ? CAUSES[code] : undefined;
  const cause = known === undefined ? (err instanceof Error ? err.message : String(err)) : `${known} (${String(code)})`;
  const hint = code === 'ECONNREFUSED' ? '; is it running? (start one with `squall coordinator`, or pass --url)' : '';
  return new CliError(ErrorCode.Unavailable, `cannot reach coordinator at ${origin}: ${cause}${hint}`, EXIT.unreachable);
}

/** One API call; resolves with the status and the parsed JSON (or text) body. Socket failures reject with a CliError. */
export function apiCall(t: ApiTarget, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  let url: URL;
  try {
    url = new URL(path, t.base.endsWith('/') ? t.base : `${t.base}/`);
  } catch {
    return Promise.reject(new CliError(ErrorCode.InvalidArgument, `--url must be an http:// or https:// URL (got "${t.base}")`, EXIT.usage));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return Promise.reject(new CliError(ErrorCode.InvalidArgument, `--url must be http:// or https:// (got ${t.base})`, EXIT.usage));
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload !== undefined || method !== 'GET') headers['content-type'] = 'application/json';
  if (payload !== undefined) headers['content-length'] = String(payload.length);
  if (t.token !== undefined) headers.authorization = `Bearer ${t.token}`;
  const req = { url, method, headers, timeoutMs: t.timeoutMs ?? 30_000, ...(payload === undefined ? {} : { body: payload }), ...(t.ca === undefined ? {} : { ca: t.ca }) };
  return (t.http ?? nodeHttp).request(req).then(
    (res) => ({ status: res.status, json: parseBody(res.body) }),
    (err: unknown) => Promise.reject(unreachable(url.origin, err)),
  );
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The API's error as one line and an exit code: "HTTP 404 not_found: no execution with id ..." */
export function apiError(t: ApiTarget, what: string, res: { status: number; json: unknown }): CliError {
  const e = (res.json as { error?: { code?: string; message?: string; path?: string } } | undefined)?.error;
  const detail = e === undefined ? String(typeof res.json === 'string' ? res.json : JSON.stringify(res.json)).slice(0, 300) : `${e.code ?? 'error'}: ${e.message ?? ''}${e.path ? ` (at ${e.path})` : ''}`;
  const code = res.status === 404 ? ErrorCode.NotFound : res.status === 409 ? ErrorCode.Conflict : res.status === 401 || res.status === 403 ? ErrorCode.AuthFailed : ErrorCode.InvalidArgument;
  return new CliError(code, `${what} failed at ${t.base} (HTTP ${res.status}) ${detail}`, exitCodeOfStatus(res.status));
}

/** A call that must succeed (2xx): its body, or the CliError for the failure. */
export async function apiJson(t: ApiTarget, method: string, path: string, what: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await apiCall(t, method, path, body);
  if (res.status >= 300) throw apiError(t, what, res);
  return res;
}
