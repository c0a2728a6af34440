/**
 * Where a WebSocket upgrade lands in the virtual network, by path as a real
 * server routes it (system/transport/ws-server.ts: upgrades only at its
 * wsPath, 404 elsewhere), so a worker that dials the wrong path is refused
 * as it would be, not connected anyway. A reverse proxy (an ingress) in
 * front of a host's port serves it on another port under a path prefix:
 * `ws://coordinator:8080/squall/ws` reaches the listener on 7000 at `/ws`,
 * and any path outside the prefix is refused 404 by the proxy.
 */
import type { ListenerEntry } from './host.js';

/** A reverse proxy on `port` of a host: `prefix + path` is forwarded to the host's port `to` at `path`. */
export interface ProxyRoute {
  readonly port: number;
  readonly prefix: string;
  readonly to: number;
}

/** Where an upgrade goes: a listener and the request path it sees, a 404, or nothing listening (refused). */
export type UpgradeTarget = { listener: ListenerEntry; path: string } | { status: 404 } | null;

/** The listener an upgrade to `port` at `path` (pathname + search) reaches, through the host's proxy route on that port if any. */
export function upgradeTarget(listenerAt: (port: number) => ListenerEntry | null, route: ProxyRoute | undefined, port: number, pathname: string, search: string): UpgradeTarget {
  let path = pathname;
  let to = port;
  if (route !== undefined) {
    if (path !== route.prefix && !path.startsWith(`${route.prefix}/`)) return { status: 404 };
    path = path.slice(route.prefix.length) || '/';
    to = route.to;
  }
  const listener = listenerAt(to);
  if (listener === null) return null;
  if (path !== (listener.opts.wsPath ?? '/ws')) return { status: 404 };
  return { listener, path: path + search };
}
