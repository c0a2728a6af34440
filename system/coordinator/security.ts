/**
 * Secure by default: a coordinator refuses to listen on an address other
 * machines can reach unless workers must prove the secret AND the HTTP API
 * needs tokens, or it was told `insecure` (then it warns loudly at start and
 * says so in /healthz). Also wires the HTTP gate (http-auth.ts) and the
 * token admin API around the routes.
 */
import { ErrorCode, SquallError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Random } from '../core/random.js';
import type { Clock } from '../core/clock.js';
import type { HttpHandler, HttpResponse } from '../core/transport.js';
import type { ResolvedCoordinatorConfig } from './config.js';
import { isLoopbackHost } from '../core/loopback.js';
import { gateHttp } from './http-auth.js';
import { serveHead } from './http-head.js';
import { tokensApi } from './tokens-api.js';
import type { TokenStore } from './tokens.js';
import type { CoordinatorPolicies } from './policies.js';

/** What is missing for this configuration to be safe on a reachable address (empty: nothing). */
export function securityGaps(config: ResolvedCoordinatorConfig, tokens: TokenStore | undefined): string[] {
  const gaps: string[] = [];
  if (config.secret === undefined) gaps.push('workers are not authenticated (no shared secret: --secret-file or SQUALL_SECRET)');
  if (config.apiAuth !== 'token' || tokens === undefined) gaps.push('the HTTP API needs no token (anyone who reaches the port can submit and cancel work)');
  return gaps;
}

/** Throws (or warns, with insecure) when a reachable address would be served without auth. */
export function checkListenSecurity(config: ResolvedCoordinatorConfig, tokens: TokenStore | undefined, logger: Logger): void {
  if (config.apiAuth === 'token' && tokens === undefined) {
    throw new SquallError(ErrorCode.InvalidArgument, 'apiAuth "token" needs a token store (deps.tokens)', { path: 'apiAuth' });
  }
  const gaps = securityGaps(config, tokens);
  if (isLoopbackHost(config.host) || gaps.length === 0) return;
  if (!config.insecure) {
    throw new SquallError(
      ErrorCode.InvalidArgument,
      `refusing to listen on ${config.host} without authentication: ${gaps.join('; ')}. Set a secret and token auth, listen on 127.0.0.1, or pass --insecure to accept the risk`,
      { path: 'host' },
    );
  }
  logger.warn({ host: config.host, gaps }, `INSECURE: listening on ${config.host} without authentication: ${gaps.join('; ')}`);
  if (config.apiAuth === 'none' && config.allowedHosts.length === 0) {
    logger.warn({ host: config.host }, 'INSECURE: no --allowed-hosts: browsers on this network can be used against the API by DNS rebinding');
  }
}

/** The security block /healthz reports. */
function securityReport(config: ResolvedCoordinatorConfig, tokens: TokenStore | undefined): Record<string, unknown> {
  const gaps = securityGaps(config, tokens);
  return {
    apiAuth: config.apiAuth,
    workerAuth: config.secret !== undefined,
    signMessages: config.signMessages,
    tls: config.tls !== undefined,
    insecure: config.insecure && !isLoopbackHost(config.host) && gaps.length > 0,
    warnings: gaps,
  };
}

/** Adds the security block to /healthz answers (whatever else they report). */
function withHealthSecurity(handler: HttpHandler, report: () => Record<string, unknown>): HttpHandler {
  return async (req) => {
    const res: HttpResponse = await handler(req);
    if (req.path !== '/healthz' || !res.headers?.['content-type']?.startsWith('application/json')) return res;
    try {
      const body = JSON.parse(res.body) as unknown;
      if (typeof body !== 'object' || body === null || Array.isArray(body) || 'error' in body) return res;
      return { ...res, body: JSON.stringify({ ...body, security: report() }) };
    } catch {
      return res;
    }
  };
}

/** The API behind the gate, with the token admin routes and the /healthz security report; HEAD wherever GET. */
export function securedHttp(
  api: HttpHandler,
  config: ResolvedCoordinatorConfig,
  deps: { tokens?: TokenStore; random: Random; clock: Clock; policies: Pick<CoordinatorPolicies, 'scopeRules' | 'sameOrigin' | 'acceptsBody'> },
): HttpHandler {
  const routed = deps.tokens === undefined ? api : tokensApi(api, { tokens: deps.tokens, random: deps.random, clock: deps.clock });
  const gated = gateHttp(routed, {
    apiAuth: config.apiAuth,
    metricsAuth: config.metricsAuth,
    tokens: deps.tokens,
    allowedOrigins: config.allowedOrigins,
    allowedHosts: config.allowedHosts,
    listenHost: () => config.host,
    scopeRules: deps.policies.scopeRules,
    sameOrigin: deps.policies.sameOrigin,
    acceptsBody: deps.policies.acceptsBody,
  });
  // Outermost: a HEAD is the GET of everything inside (gate, token routes, dashboard, /healthz's security block) minus its body.
  return serveHead(withHealthSecurity(gated, () => securityReport(config, deps.tokens)));
}
