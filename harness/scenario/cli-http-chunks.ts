/**
 * A transport adversary for the CLI's HTTP client: the simulated exchange
 * (cli-http-sim.ts) answers through the CLI's own reading of a response
 * (system/cli/cli-http.ts, cliHttpOver), with stand-ins for node's
 * ClientRequest and IncomingMessage, and hands the body over in several
 * chunks cut INSIDE multi-byte UTF-8 characters, as TCP may cut a large
 * answer anywhere. A reader that decodes each chunk on its own (instead of
 * joining the bytes first) turns each cut character into U+FFFD; the
 * exchange records the difference (CliRequest.garbled) and promise 31
 * judges it (promises-cli-wire.ts). Blind set 20 #01.
 */
import { EventEmitter } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { CliHttpAnswer, CliSend, CliStreamSink } from '../../system/cli/index.js';
import { lineCuts } from './cli-sse-weather.js';

/** Cuts inside at most this many characters per body (each one more chunk), besides one every CHUNK_BYTES. */
const MAX_CUTS = 32;
/** A cut at least this often, as a socket delivers a large body. */
const CHUNK_BYTES = 16 * 1024;

/** The body's bytes in chunks: cut after the lead byte of each of the first MAX_CUTS multi-byte characters, and every CHUNK_BYTES. */
export function chunksOf(body: string): Buffer[] {
  const bytes = Buffer.from(body, 'utf8');
  const cuts: number[] = [];
  let last = 0;
  for (let i = 0; i < bytes.length; i++) {
    const lead = (bytes[i] as number) >= 0xc0;
    if ((lead && cuts.length < MAX_CUTS && i + 1 < bytes.length) || i - last >= CHUNK_BYTES) {
      const at = lead ? i + 1 : i;
      if (at > last) cuts.push((last = at));
    }
  }
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...cuts, bytes.length]) {
    if (c > from) out.push(bytes.subarray(from, c));
    from = c;
  }
  return out;
}

/** Where `got` first differs from `sent`, and a few characters of each there; undefined when equal. */
export function garbledAt(sent: string, got: string): { at: number; sent: string; got: string } | undefined {
  if (sent === got) return undefined;
  let i = 0;
  while (i < sent.length && i < got.length && sent[i] === got[i]) i++;
  const from = Math.max(0, i - 8);
  return { at: i, sent: sent.slice(from, i + 8), got: got.slice(from, i + 8) };
}

/**
 * A CliSend whose request starts the simulated exchange (`start`, called as
 * node's http.request is: it may throw, as node does for a refused header)
 * and whose answer is handed to the CLI's reader in chunksOf's chunks.
 */
export function chunkedSend(start: (answer: (a: CliHttpAnswer) => void, fail: (err: Error) => void) => void): CliSend {
  return () => (_url, _opts, onAnswer) => {
    const req = new EventEmitter() as EventEmitter & { end(body?: unknown): void; destroy(err?: Error): void };
    req.end = () => {};
    req.destroy = (err) => void req.emit('error', err ?? new Error('destroyed'));
    start(
      (a) => {
        const res = Object.assign(new EventEmitter(), { statusCode: a.status });
        onAnswer(res as unknown as IncomingMessage);
        for (const chunk of chunksOf(a.body)) res.emit('data', chunk);
        res.emit('end');
      },
      (err) => void req.emit('error', err),
    );
    return req as unknown as ClientRequest;
  };
}

/** A stream's text in pieces: chunksOf's cuts inside characters, each piece cut again in its middle (inside a line), and every piece cut again inside each CRLF and after each line end (cli-sse-weather.ts). */
export function streamPieces(text: string): Buffer[] {
  const halves = chunksOf(text).flatMap((b) => (b.length < 2 ? [b] : [b.subarray(0, b.length >> 1), b.subarray(b.length >> 1)]));
  return halves.flatMap((b) => {
    const out: Buffer[] = [];
    let from = 0;
    for (const c of [...lineCuts(b), b.length]) {
      if (c > from) out.push(b.subarray(from, c));
      from = c;
    }
    return out;
  });
}

/** The coordinator's end of a streamed answer, as the stand-in response plays it to the CLI's reader. */
export interface ChunkedStream {
  open(status: number): void;
  /** One write of the coordinator's stream: handed over in streamPieces. */
  write(text: string): void;
  /** The stream ended (closed, aborted or its coordinator died): the response ends. */
  end(): void;
  /** No answer: the request fails with `err` (refused connection). */
  fail(err: Error): void;
}

/**
 * A CliSend for a streaming GET (cliHttpOver's `stream`): `start` plays the
 * answer through a ChunkedStream; the response stand-in decodes as node's
 * does once the reader asked for an encoding (setEncoding: a decoder that
 * carries a cut character to the next chunk), else hands up the raw bytes.
 */
export function chunkedStreamSend(start: (s: ChunkedStream) => void): CliSend {
  return () => (_url, _opts, onAnswer) => {
    const req = Object.assign(new EventEmitter(), { end: () => {} });
    let decoder: StringDecoder | undefined;
    let res: (EventEmitter & { statusCode: number }) | undefined;
    const emit = (b: Buffer): void => {
      const data = decoder === undefined ? b : decoder.write(b);
      if (data.length > 0) res?.emit('data', data);
    };
    start({
      open: (status) => {
        res = Object.assign(new EventEmitter(), { statusCode: status, setEncoding: (enc: BufferEncoding) => void (decoder = new StringDecoder(enc)), resume: () => {} });
        onAnswer(res as unknown as IncomingMessage);
      },
      write: (text) => streamPieces(text).forEach(emit),
      end: () => {
        const rest = decoder?.end();
        if (rest !== undefined && rest.length > 0) res?.emit('data', rest);
        res?.emit('end');
      },
      fail: (err) => void req.emit('error', err),
    });
    return req as unknown as ClientRequest;
  };
}

/** A stream reader's sink watched: the text it is handed against the text sent (`sent` after each write delivered); `onGarbled` once, at the first difference. */
export function watchedSink(sink: CliStreamSink, onGarbled: (g: NonNullable<ReturnType<typeof garbledAt>>) => void): { sink: CliStreamSink; accepted(): boolean; sent(text: string): void } {
  const seen = { sent: '', handed: '', accepted: false, reported: false };
  return {
    sink: { open: (status) => (seen.accepted = sink.open(status)), chunk: (text) => ((seen.handed += text), sink.chunk(text)) },
    accepted: () => seen.accepted,
    sent: (text) => {
      seen.sent += text;
      const g = seen.reported ? undefined : garbledAt(seen.sent, seen.handed);
      if (g === undefined) return;
      seen.reported = true;
      onGarbled(g);
    },
  };
}
