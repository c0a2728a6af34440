/**
 * Promise 8's watch on what the system puts on the wire and in its logs: the
 * workers' shared secret, the per-connection signing keys derived from it
 * (docs/PROTOCOL.md, "Handshake": sessionKey = HMAC(secret, Ns | Nw)) and
 * the API's bearer tokens (the client's, and each one the token route
 * creates) must never show in
 *  - a frame, either direction (VirtualNetwork.onSent, as sent; the
 *    adversary's own frames are the harness's);
 *  - a line the system logs (the simulation's Logger seam, every level);
 *  - an HTTP answer's body (every answer the coordinator's handler gives,
 *    `/metrics` text included; a stream's events are not bodies).
 * Live runs (harness/live/live-secrets.ts) feed it every line the
 * coordinator and the swarm hosts print on stdout and stderr (`printed`)
 * and the raw body of every answer the harness reads (`answered`).
 * A bearer token travels in the Authorization header of the requests that
 * carry it, which are not scanned, and in the body of the 201 answer that
 * created it (the only time it is shown, README "Tokens"): every other
 * showing is a leak. A leak becomes a `secrets` note naming the channel,
 * what leaked and where, with the secret itself replaced, at its first
 * showing per channel and secret (harness/check/promises-secrets.ts judges
 * them); nothing is recorded while nothing leaks, so the trace and the
 * history of a clean run are untouched. Each secret is looked for in every
 * encoding a leak can take (harness/check/secret-encodings.ts: raw,
 * JSON-escaped, URL-encoded, base64, hex; blind set 22 #19).
 */
import type { HttpRequest, HttpResponse, Logger } from '../../system/core/index.js';
import { sessionSigningKey } from '../../system/protocol/index.js';
import type { HistoryRecorder } from '../check/history.js';
import { secretEncodings } from '../check/secret-encodings.js';

/** Hosts whose frames are the harness's own (adversary-*.ts). */
const FOREIGN_HOSTS: ReadonlySet<string> = new Set(['adversary']);
/** The watch skips a worker secret shorter than this (as the worker's redaction does). */
const MIN_SECRET = 4;
/** A signing key or a token's secret part: 64 lower-case hex characters. */
const HEX64 = /[0-9a-f]{64,}/g;
/** The token route (README, HTTP API table): its 201 answer shows the token it created, once. */
const TOKEN_ROUTE = '/api/v1/tokens';
/** Characters shown either side of a leak. */
const AROUND = 60;

/** Where a secret showed. */
type Channel = 'frame' | 'log' | 'http';

/** The wire and log watch of one simulated run (see the file header). */
export class SecretWatch {
  /** Text secrets (the workers' secret in each encoding, the tokens' secret parts encoded) → what they are. */
  private readonly texts = new Map<string, string>();
  /** 64-hex secrets (signing keys, tokens' secret parts) → what they are. */
  private readonly hex = new Map<string, string>();
  /** The last welcome nonce the coordinator sent to each host (a register's key pairs with it). */
  private readonly welcomes = new Map<string, string>();
  /** `channel|what` already recorded. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly recorder: Pick<HistoryRecorder, 'recordInfo'>,
    private readonly secret: string | undefined,
  ) {
    if (secret === undefined || secret.length < MIN_SECRET) return;
    for (const form of secretEncodings(secret)) this.texts.set(form, "the workers' secret");
  }

  /** Bearer tokens the client holds (sqt_<id>_<64 hex>): their secret parts are watched. */
  addTokens(tokens: readonly { token: string; name: string }[]): void {
    for (const t of tokens) {
      const secretPart = t.token.slice(t.token.lastIndexOf('_') + 1);
      if (!/^[0-9a-f]{64}$/.test(secretPart)) continue;
      const what = `bearer token ${t.token.slice(0, 20)}… (${t.name})`;
      this.hex.set(secretPart, what);
      for (const form of secretEncodings(secretPart).slice(1)) this.texts.set(form, what);
    }
  }

  /** VirtualNetwork.onSent: every data frame a process sends. */
  frame(host: string, frame: string, to: string): void {
    if (FOREIGN_HOSTS.has(host)) return;
    this.learnKey(host, frame, to);
    this.scan('frame', frame, `a frame ${host} sent to ${to}`);
  }

  /** The HTTP answer the coordinator gave to `req` (streams excepted). */
  answer(req: HttpRequest, res: HttpResponse): void {
    if (res.stream !== undefined) return;
    this.answered(req.method, req.path, res.status, res.body);
  }

  /** An answer's body as the client read it (live runs: the raw text fetch gave the harness). */
  answered(method: string, path: string, status: number, body: string): void {
    this.scan('http', body, `the ${status} answer to ${method} ${path}`);
    if (method === 'POST' && path === TOKEN_ROUTE && status === 201) this.learnToken(body);
  }

  /** A line a live process printed on its stdout or stderr (`where` names the process and stream). */
  printed(line: string, where: string): void {
    this.scan('log', line, where);
  }

  /** `inner` with every line it is given scanned first. */
  logger(inner: Logger, bindings: Record<string, unknown> = {}): Logger {
    const at = (level: string) => (obj: object, msg?: string): void => {
      this.scan('log', `${msg ?? ''} ${logText(obj)}`, `a ${level} line ${typeof bindings.process === 'string' ? bindings.process : 'a process'} logged`);
      (inner[level as 'info'])(obj, msg);
    };
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (b) => this.logger(inner.child(b), { ...bindings, ...b }) };
  }

  /** A welcome's nonce is kept per host; a register's client nonce completes the connection's signing key. */
  private learnKey(host: string, frame: string, to: string): void {
    if (this.secret === undefined || !frame.includes('once":')) return;
    let m: { type?: unknown; nonce?: unknown; clientNonce?: unknown; workerId?: unknown };
    try {
      m = JSON.parse(frame) as typeof m;
    } catch {
      return;
    }
    if (m.type === 'welcome' && typeof m.nonce === 'string') this.welcomes.set(to, m.nonce);
    const ns = this.welcomes.get(host);
    if (m.type === 'register' && typeof m.clientNonce === 'string' && ns !== undefined) {
      this.hex.set(sessionSigningKey(this.secret, ns, m.clientNonce), `the signing key of ${typeof m.workerId === 'string' ? m.workerId : host}'s connection (from nonces ${ns.slice(0, 8)}…/${m.clientNonce.slice(0, 8)}…)`);
    }
  }

  private learnToken(body: string): void {
    try {
      const b = JSON.parse(body) as { token?: unknown; name?: unknown };
      if (typeof b.token === 'string') this.addTokens([{ token: b.token, name: typeof b.name === 'string' ? b.name : 'created' }]);
    } catch {
      // not JSON: nothing created to watch
    }
  }

  private scan(channel: Channel, text: string, where: string): void {
    for (const [s, what] of this.texts) if (text.includes(s)) this.leak(channel, what, where, text, s);
    if (this.hex.size === 0) return;
    // The runs HEX64 matches (maximal runs of 64+ lower-case hex characters), found in one pass: the regex restarts at
    // every character of a shorter run (ids, lease tokens, CRCs), 4-5x the cost on a frame, ~2% of a herd's simulation.
    let runStart = 0;
    for (let i = 0; i <= text.length; i++) {
      const c = i < text.length ? text.charCodeAt(i) : 0;
      if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) continue;
      if (i - runStart >= 64) this.scanRun(channel, text, where, text.slice(runStart, i));
      runStart = i + 1;
    }
  }

  /** Each 64-character window of a hex run, looked up among the watched hex secrets. */
  private scanRun(channel: Channel, text: string, where: string, run: string): void {
    for (let i = 0; i + 64 <= run.length; i++) {
      const s = run.slice(i, i + 64);
      const what = this.hex.get(s);
      if (what !== undefined) this.leak(channel, what, where, text, s);
    }
  }

  private leak(channel: Channel, what: string, where: string, text: string, s: string): void {
    const key = `${channel}|${what}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const at = text.indexOf(s);
    const excerpt = `${text.slice(Math.max(0, at - AROUND), at)}[${what}]${text.slice(at + s.length, at + s.length + AROUND)}`;
    this.recorder.recordInfo({ secretShown: channel, what, where, excerpt: this.masked(excerpt) }, 'secrets');
  }

  /** `text` with every watched secret replaced (an excerpt may hold a second one). */
  private masked(text: string): string {
    let out = text;
    for (const [s] of this.texts) out = out.split(s).join('[secret]');
    return out.replace(HEX64, (run) => ([...this.hex.keys()].some((k) => run.includes(k)) ? '[secret]' : run));
  }
}

/** A log line's fields as text: Errors by their message and stack (JSON.stringify gives `{}`). */
function logText(obj: object): string {
  try {
    return JSON.stringify(obj, (_k, v: unknown) => (v instanceof Error ? { message: v.message, stack: v.stack } : v));
  } catch {
    return String(obj);
  }
}
