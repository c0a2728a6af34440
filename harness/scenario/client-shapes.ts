/**
 * The shapes of real HTTP clients, given to every request the simulated
 * clients send through handlerCall (sim-client.ts): curl opens one TCP
 * connection per request (a new source port each time) and spells header
 * names `Authorization`, `Content-Type`; browsers and HTTP libraries keep a
 * connection alive across requests and send names lower-cased; and the
 * Authorization scheme comes in any case (RFC 7235: `bearer`, `BEARER`).
 * The JSON media type comes as clients spell it (`application/json;
 * charset=utf-8` from most libraries and fetch, other cases, a quoted
 * charset, whitespace around the `;`: blind set 21 #14 refused those 415).
 * The shapes rotate request by request, per coordinator incarnation (a
 * counter, no random draw), and keep every other header's byte count, so the
 * limit probes' counts stay exact (their header probes send no Content-Type). All of them come from one address
 * (CLIENT_ADDRESS, as node reports an IPv4 peer on a dual-stack socket):
 * one client for the quota, which the README keys by address
 * (promises-quota.ts; the CLI's requests, cli-http-sim.ts, come from it
 * too, in the CLI's own spelling); the scope probes judge the scheme spellings
 * (api-scopes: a valid token refused 401 is a violation).
 */
import type { WirePeer } from '../sim/http-wire.js';

/** The address every simulated HTTP client connects from. */
const CLIENT_ADDRESS = '::ffff:10.0.0.2';

interface Shape {
  /** How the Authorization scheme is spelled. */
  scheme: string;
  /** Header names as sent: lower-cased, or capitalized word by word (curl). */
  canonicalNames: boolean;
  /** Whether the request goes on the previous request's connection. */
  keepAlive: boolean;
  /** How `application/json` is spelled (RFC 9110: case-insensitive, with or without a charset parameter, quoted or not, whitespace around `;`). */
  json: string;
}

const SHAPES: readonly Shape[] = [
  { scheme: 'Bearer', canonicalNames: true, keepAlive: false, json: 'application/json' },
  { scheme: 'bearer', canonicalNames: false, keepAlive: true, json: 'application/json; charset=utf-8' },
  { scheme: 'BEARER', canonicalNames: true, keepAlive: false, json: 'Application/JSON' },
  { scheme: 'Bearer', canonicalNames: false, keepAlive: true, json: 'application/json;charset="UTF-8"' },
  { scheme: 'bEaReR', canonicalNames: true, keepAlive: false, json: 'application/JSON ; charset=utf-8' },
];

/** First ephemeral port (IANA range 49152-65535). */
const FIRST_PORT = 49152;

const canonical = (name: string): string => name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());

/** One simulated host's HTTP clients: which shape the next request takes, and its connection. */
class ClientWire {
  private n = 0;
  private connections = 0;

  /** The next request's headers in its shape, and the connection it goes on. */
  next(headers: Readonly<Record<string, string>>): { headers: Record<string, string>; peer: WirePeer } {
    const shape = SHAPES[this.n++ % SHAPES.length] as Shape;
    const peer = this.peer(shape.keepAlive);
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      let v = value;
      if (lower === 'authorization') v = value.replace(/^Bearer (?=\S+$)/, `${shape.scheme} `);
      if (lower === 'content-type' && value === 'application/json') v = shape.json;
      out[shape.canonicalNames ? canonical(lower) : lower] = v;
    }
    return { headers: out, peer };
  }

  /** The connection a request goes on: the previous one (keep-alive), or a new one with a port of its own. */
  peer(keepAlive: boolean): WirePeer {
    if (!keepAlive || this.connections === 0) this.connections++;
    return { address: CLIENT_ADDRESS, port: FIRST_PORT + ((this.connections - 1) % (65536 - FIRST_PORT)) };
  }
}

const wires = new WeakMap<object, ClientWire>();

/** The clients' wire to one coordinator incarnation (made on first use). */
export function wireTo(coordinator: object): ClientWire {
  let w = wires.get(coordinator);
  if (w === undefined) wires.set(coordinator, (w = new ClientWire()));
  return w;
}
