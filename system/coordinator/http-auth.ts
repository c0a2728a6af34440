/**
 * The HTTP API's gate, in front of every route (createHttpApi and anything
 * mounted beside it, e.g. a dashboard under /ui):
 *
 * 1. Host must name this coordinator (stops DNS rebinding: a page on
 *    evil.example whose name resolves to 127.0.0.1 sends Host: evil.example).
 * 2. Origin, when a browser sends one, must be this coordinator's own origin
 *    or an allowed one (stops cross-site requests riding the operator's browser).
 * 3. A token of the route's scope when auth is on (401 without/with a bad or
 *    revoked token, 403 with too small a scope). /healthz (and the /readyz,
 *    /livez probes) are always open; /metrics as configured.
 * 4. Requests that change something must be `application/json` (415; an
 *    empty body may come without any Content-Type): a browser cannot send
 *    that cross-site without a CORS preflight, which this server never approves.
 *
 * `authorize` is the reusable part: request + needed scope → principal or a
 * ready 401/403 response.
 */
import type { HttpHandler, HttpRequest, HttpResponse } from '../core/transport.js';
export { isLoopbackHost } from '../core/loopback.js';
import { scopeCovers, verifyToken, type Principal, type TokenScope, type TokenStore } from './tokens.js';

/** How the gate is configured (from ResolvedCoordinatorConfig, plus the token store). */
export interface HttpGateOptions {
  /** 'token': bearer tokens required; 'none': anyone who reaches the port (loopback, or --insecure). */
  apiAuth: 'token' | 'none';
  /** Whether /metrics needs a read token (when apiAuth is 'token'). */
  metricsAuth: 'token' | 'none';
  tokens: TokenStore | undefined;
  /** Extra origins (scheme://host[:port]) browsers may call from. */
  allowedOrigins: readonly string[];
  /** Host names (or host:port) requests may be addressed to, beside the listen address. */
  allowedHosts: readonly string[];
  /** The address the coordinator listens on (known once the port is bound). */
  listenHost(): string;
  /** The route -> scope policy (default SCOPE_RULES; policies.ts). */
  scopeRules?: readonly ScopeRule[];
  /** Whether an Origin is the coordinator's own, given the Host (default ORIGIN_RULE.sameOrigin; policies.ts). */
  sameOrigin?: (origin: string, host: string) => boolean;
  /** Whether a request may bring its body (default acceptsBody; policies.ts). */
  acceptsBody?: (method: string, contentType: string | undefined, body: string) => boolean;
}

/** Outcome of authorize(). */
export type Authorization = { ok: true; principal: Principal } | { ok: false; response: HttpResponse };

const ANONYMOUS: Principal = { tokenId: null, name: 'anonymous (auth off)', scope: 'admin' };
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const WILDCARD = new Set(['0.0.0.0', '::', '[::]', '']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Probes a load balancer or orchestrator calls without credentials: they say up/ready, nothing more. */
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/livez']);

function refuse(status: number, code: string, message: string, extra: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...extra }, body: JSON.stringify({ error: { code, message, path: '' } }) };
}

/** One rule of the route -> scope policy: the first rule that matches a request gives the scope it needs. */
export interface ScopeRule {
  /** Why the rule exists (shown nowhere; for readers). */
  readonly why: string;
  matches(method: string, path: string, metricsAuth: 'token' | 'none'): boolean;
  /** The scope needed (null: open). */
  readonly scope: TokenScope | null;
}

/**
 * The route -> scope policy (README, "Tokens have a scope"), first match
 * wins; a request no rule matches needs admin. The harness judges it against
 * the README, never against this list.
 */
export const SCOPE_RULES: readonly ScopeRule[] = [
  { why: 'probes: up/ready, nothing more', matches: (_m, p) => OPEN_PATHS.has(p.replace(/\/+$/, '')), scope: null },
  { why: '--metrics-auth none', matches: (_m, p, metricsAuth) => p === '/metrics' && metricsAuth === 'none', scope: null },
  // The dashboard's page and static assets hold no data; its data routes (/ui/events, /ui/graph/...) need a token.
  { why: 'dashboard page and assets', matches: (_m, p) => p === '/ui' || p === '/ui/' || p.startsWith('/ui/assets/'), scope: null },
  { why: 'token administration', matches: (_m, p) => p === '/api/v1/tokens' || p.startsWith('/api/v1/tokens/'), scope: 'admin' },
  { why: 'reads', matches: (m) => SAFE_METHODS.has(m), scope: 'read' },
  { why: 'submissions and control', matches: (_m, p) => p.startsWith('/api/v1/executions') || p.startsWith('/api/v1/graphs'), scope: 'submit' },
];

/** The scope a route needs (null: open). Reads need read, /api/v1/tokens admin, every other change submit. */
export function requiredScope(method: string, path: string, metricsAuth: 'token' | 'none', rules: readonly ScopeRule[] = SCOPE_RULES): TokenScope | null {
  for (const rule of rules) if (rule.matches(method, path, metricsAuth)) return rule.scope;
  return 'admin';
}

/** Checks the bearer token of a request against the scope it needs. Reusable by anything mounted on the API. */
export function authorize(req: HttpRequest, needed: TokenScope | null, opts: Pick<HttpGateOptions, 'apiAuth' | 'tokens'>): Authorization {
  if (opts.apiAuth === 'none' || needed === null) return { ok: true, principal: ANONYMOUS };
  const challenge = { 'www-authenticate': 'Bearer realm="squall"' };
  const header = req.headers.authorization;
  const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (m === null) {
    const why = header === undefined ? 'no Authorization header' : 'the Authorization header is not "Bearer <token>"';
    return { ok: false, response: refuse(401, 'unauthenticated', `${why}: this API needs a token (squall tokens create --scope ${needed}; send it as --token, SQUALL_TOKEN or --token-file)`, challenge) };
  }
  if (opts.tokens === undefined) return { ok: false, response: refuse(401, 'invalid_token', 'this coordinator has no token store; no token is valid') };
  const v = verifyToken(opts.tokens, m[1] as string);
  if (!v.ok) return { ok: false, response: refuse(401, v.code, v.message, challenge) };
  if (!scopeCovers(v.principal.scope, needed)) {
    const msg = `token "${v.principal.name}" has scope ${v.principal.scope}; ${req.method} ${req.path} needs ${needed}`;
    return { ok: false, response: refuse(403, 'insufficient_scope', msg, { 'www-authenticate': `Bearer realm="squall", error="insufficient_scope", scope="${needed}"` }) };
  }
  return { ok: true, principal: v.principal };
}

function hostnameOf(hostHeader: string): string | undefined {
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Whether a browser Origin is this coordinator's own (the Host the request
 * names, port included; the API is plain HTTP behind whatever terminates
 * TLS, so the scheme is not compared). One object so the rule has one home.
 */
export const ORIGIN_RULE = {
  sameOrigin: (origin: string, host: string): boolean => new URL(origin).host === host,
};

/** Host and Origin checks (see the file comment); undefined when the request may proceed. */
export function checkRequestSource(req: HttpRequest, opts: HttpGateOptions): HttpResponse | undefined {
  const host = req.headers.host;
  if (host !== undefined) {
    const name = hostnameOf(host);
    const listen = opts.listenHost();
    const allowed =
      name !== undefined &&
      (opts.allowedHosts.includes(host) ||
        opts.allowedHosts.includes(name) ||
        (opts.allowedHosts.length === 0 && WILDCARD.has(listen)) ||
        name === listen ||
        `[${listen}]` === name ||
        LOOPBACK_NAMES.has(name));
    if (!allowed) return refuse(403, 'host_not_allowed', `Host "${host.slice(0, 200)}" is not this coordinator (listening on ${listen}); add it with --allowed-hosts if it is`);
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !opts.allowedOrigins.includes(origin)) {
    let sameOrigin = false;
    try {
      sameOrigin = host !== undefined && (opts.sameOrigin ?? ORIGIN_RULE.sameOrigin)(origin, host);
    } catch {
      sameOrigin = false;
    }
    if (!sameOrigin) return refuse(403, 'origin_not_allowed', `cross-origin request from ${origin.slice(0, 200)} refused; allow it with --allowed-origins if it is yours`);
  }
  return undefined;
}

function isJson(contentType: string | undefined): boolean {
  const media = contentType?.split(';')[0]?.trim().toLowerCase();
  return media === 'application/json';
}

/**
 * Whether a request may bring its body to the API: a safe method always; any
 * other must declare JSON, except an empty body sent without a type (curl -X
 * POST .../cancel). A declared type that is not JSON is refused even with an
 * empty body: a page elsewhere can send text/plain without a CORS preflight.
 */
export function acceptsBody(method: string, contentType: string | undefined, body: string): boolean {
  return SAFE_METHODS.has(method) || isJson(contentType) || (body === '' && contentType === undefined);
}

/** Wraps a handler with the gate (see the file comment). */
export function gateHttp(handler: HttpHandler, opts: HttpGateOptions): HttpHandler {
  return async (req) => {
    const source = checkRequestSource(req, opts);
    if (source !== undefined) return source;
    const auth = authorize(req, requiredScope(req.method, req.path, opts.metricsAuth, opts.scopeRules), opts);
    if (!auth.ok) return auth.response;
    const ct = req.headers['content-type'];
    if (!(opts.acceptsBody ?? acceptsBody)(req.method, ct, req.body)) {
      const got = req.headers['content-type'] === undefined ? 'no Content-Type' : `Content-Type "${req.headers['content-type'].slice(0, 100)}"`;
      return refuse(415, 'unsupported_media_type', `${req.method} ${req.path} needs Content-Type: application/json (got ${got})`);
    }
    return handler(req);
  };
}
