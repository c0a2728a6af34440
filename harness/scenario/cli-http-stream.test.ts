/**
 * The stream stand-in of the CLI's simulated exchange (cli-http-chunks.ts):
 * the CLI's own stream reader (cliHttpOver's `stream`) over it hands up
 * exactly what was written, though every write came in pieces cut inside
 * characters and lines; a reader decoding each piece on its own is seen by
 * watchedSink (promise 31's CliRequest.garbled).
 */
import { describe, expect, it } from 'vitest';
import { cliHttpOver } from '../../system/cli/index.js';
import { chunkedStreamSend, streamPieces, watchedSink } from './cli-http-chunks.js';

const FEED = ['retry: 2000\n\n', 'id: 1\nevent: update\ndata: {"workers":[{"id":"wörker✓-1"}],"note":"日本語 🚀"}\n\n'];
const req = { url: new URL('http://coordinator/ui/events'), method: 'GET', headers: {} };

describe('the CLI event stream in pieces (cli-http-chunks.ts chunkedStreamSend)', () => {
  it('cuts each write inside characters and inside its lines', () => {
    const pieces = streamPieces(FEED[1] as string);
    expect(Buffer.concat(pieces).toString('utf8')).toBe(FEED[1]);
    expect(pieces.length).toBeGreaterThan(8);
    expect(pieces.some((p) => p.toString('utf8').includes('\uFFFD'))).toBe(true);
    expect(streamPieces('event: update\n').length).toBe(2);
  });

  it("the CLI's reader hands up what was written; one that decodes each piece is caught by watchedSink", async () => {
    const garbled: unknown[] = [];
    const got: string[] = [];
    const watched = watchedSink({ open: (s) => s === 200, chunk: (t) => void got.push(t) }, (g) => garbled.push(g));
    const play = chunkedStreamSend((s) => {
      s.open(200);
      for (const text of FEED) {
        s.write(text);
        watched.sent(text);
      }
      s.end();
    });
    await cliHttpOver(play).stream(req, watched.sink);
    expect(got.join('')).toBe(FEED.join(''));
    expect(garbled).toEqual([]);
    const perPiece = watchedSink({ open: () => true, chunk: () => {} }, (g) => garbled.push(g));
    const send = chunkedStreamSend((s) => {
      s.open(200);
      for (const text of FEED) {
        s.write(text);
        perPiece.sent(text);
      }
      s.end();
    });
    // A reader without a decoder across pieces: each raw piece decoded on its own.
    send(req.url)(req.url, {}, (res) => {
      perPiece.sink.open(200);
      res.on('data', (b: Buffer) => perPiece.sink.chunk(b.toString('utf8')));
    });
    expect(garbled).toEqual([expect.objectContaining({ sent: expect.stringContaining('ö') as unknown })]);
  });
});
