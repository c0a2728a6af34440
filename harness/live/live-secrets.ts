/**
 * Promise 8's secret watch in a live run (the simulation's is wired in
 * run-sim.ts; both use harness/scenario/secret-watch.ts): every line the
 * coordinator and the swarm hosts print on stdout or stderr, across
 * restarts, and the raw body of every HTTP answer the harness reads are
 * scanned for the workers' secret and the bearer tokens (the bootstrap
 * admin token the harness calls with, and each one a 201 from the token
 * route creates, shown only in that answer). A leak becomes a `secrets`
 * note in the run's history, the secret masked; the checker reports it
 * (promises-secrets.ts, checkSecretsOnWire). Signing keys are not watched
 * live: the harness does not see the handshake's nonces.
 *
 * The coordinator writes its bootstrap token while starting, before the
 * harness can read it from the token file: lines printed before
 * `tokensKnown` are held and scanned once the tokens are known.
 */
import { StringDecoder } from 'node:string_decoder';
import { monoNow } from '../proc/index.js';
import { SecretWatch } from '../scenario/secret-watch.js';
import type { TimelineBuffer } from './timeline-buffer.js';

/** A partial line longer than this is scanned as it is (a child printing without newlines). */
const MAX_LINE = 1 << 16;

/** The live run's scan of process output and HTTP answers; see the file comment. */
export class LiveSecretScan {
  private readonly watch: SecretWatch;
  /** Lines printed before the tokens were known; undefined once they are. */
  private held: [string, string][] | undefined = [];
  /** Each stream's unfinished last line, flushed by `finish`. */
  private readonly rests = new Map<string, { decoder: StringDecoder; rest: string }>();

  constructor(buffer: Pick<TimelineBuffer, 'note'>, secret: string | undefined) {
    this.watch = new SecretWatch({ recordInfo: (value, process) => buffer.note(monoNow(), value, process) }, secret);
  }

  /** A sink for one child stream's chunks (`who`: "the coordinator's stderr"); split into lines, each scanned. */
  stream(who: string): (chunk: Buffer) => void {
    return (chunk) => {
      let s = this.rests.get(who);
      if (s === undefined) this.rests.set(who, (s = { decoder: new StringDecoder('utf8'), rest: '' }));
      const lines = (s.rest + s.decoder.write(chunk)).split('\n');
      s.rest = lines.pop() ?? '';
      if (s.rest.length > MAX_LINE) {
        lines.push(s.rest.slice(0, MAX_LINE));
        s.rest = s.rest.slice(MAX_LINE);
      }
      for (const line of lines) this.line(line, who);
    };
  }

  /** The bearer tokens the harness holds are known now: held lines are scanned. */
  tokensKnown(tokens: readonly { token: string; name: string }[]): void {
    this.watch.addTokens(tokens);
    this.release();
  }

  /** An answer the harness read, as raw text (fetchCall's onText). */
  answered(method: string, path: string, status: number, body: string): void {
    this.watch.answered(method, path, status, body);
  }

  /** Scans what is left: unfinished last lines and lines held for want of tokens. */
  finish(): void {
    for (const [who, s] of this.rests) {
      const rest = s.rest + s.decoder.end();
      s.rest = '';
      if (rest !== '') this.line(rest, who);
    }
    this.release();
  }

  private line(line: string, who: string): void {
    if (this.held !== undefined) this.held.push([line, who]);
    else this.watch.printed(line, `a line ${who} printed`);
  }

  private release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const [line, who] of held) this.watch.printed(line, `a line ${who} printed`);
  }
}

