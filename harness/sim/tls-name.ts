/**
 * The TLS server name (SNI) a connect's options make tls.connect send,
 * read without opening anything: the options' socket maker
 * (system/transport/ws-client.ts socketMaker) is called as ws calls it
 * (the URL's host, IPv6 brackets off, no servername given) with an invalid
 * minDHSize, which tls.connect refuses before it creates a socket; what the
 * maker put in the options it was handed is the answer. Used per connect by
 * the simulated handshake (harness/sim/handshake.ts) and by the deployment
 * probe (harness/scenario/deploy-probe-tls.ts); the checker's rule: a host
 * name is sent as is, an IP address not at all (RFC 6066).
 */
import type { ClientOptions } from 'ws';

/** The server name the maker chose ('' : none), or null when it set none (left to tls.connect) or the URL is not TLS. */
export function serverNameOf(url: string, options: Readonly<ClientOptions>): string | null {
  const u = new URL(url);
  if (!/^(wss|https):$/i.test(u.protocol) || options.createConnection === undefined) return null;
  const given: Record<string, unknown> = { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(u.port === '' ? 443 : u.port), minDHSize: 0 };
  try {
    (options.createConnection(given as never, () => {}) as { destroy?: () => void } | undefined)?.destroy?.();
  } catch {
    // Refused by tls.connect's option check: nothing was opened.
  }
  return typeof given.servername === 'string' ? given.servername : null;
}

