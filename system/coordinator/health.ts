/**
 * The honest operations surface: /healthz (liveness) and /readyz (readiness).
 * Both read the engine's store health (can it commit?) and the listener:
 * /healthz is 503 while the store cannot commit (the process is alive but
 * not doing its job: every write would fail), /readyz is 503 while the store
 * cannot commit or the listener is not (yet, or no longer) accepting, so a
 * load balancer stops sending work. Bodies say why, in JSON.
 */
import type { StoreHealthStatus } from '../engine/store-health.js';
import type { HttpResponse } from '../core/transport.js';

/** What the health endpoints read. */
export interface HealthSource {
  /** The engine's store health; undefined for engines without one (test doubles). */
  store(): StoreHealthStatus | undefined;
  /** Whether the listener is accepting connections. */
  listening(): boolean;
}

function body(status: number, value: unknown): HttpResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: JSON.stringify(value) };
}

/** GET /healthz: 200 {status: ok}, or 503 {status: unhealthy, reason, store} while the store cannot commit. */
export function liveness(src: HealthSource): HttpResponse {
  const store = src.store();
  if (store !== undefined && !store.ok) return body(503, { status: 'unhealthy', reason: `store cannot commit: ${store.error ?? 'unknown error'}`, store });
  return body(200, { status: 'ok' });
}

/** GET /readyz: 200 when the store commits and the listener accepts; 503 naming each failing check. */
export function readiness(src: HealthSource): HttpResponse {
  const store = src.store();
  const listening = src.listening();
  const failing: string[] = [];
  if (store !== undefined && !store.ok) failing.push(`store cannot commit since ${store.failingSince ?? '?'}: ${store.error ?? 'unknown error'}`);
  if (!listening) failing.push('listener is not accepting connections');
  const checks = { store: store === undefined ? 'unknown' : store.ok ? 'ok' : 'failing', listener: listening ? 'ok' : 'closed' };
  if (failing.length > 0) return body(503, { status: 'not_ready', reasons: failing, checks, ...(store === undefined ? {} : { store }) });
  return body(200, { status: 'ready', checks, ...(store === undefined ? {} : { store }) });
}
