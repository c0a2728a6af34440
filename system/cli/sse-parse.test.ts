import { describe, expect, it } from 'vitest';
import { type SseEvent, SseReader } from './sse-parse.js';

function read(chunks: readonly string[]): SseEvent[] {
  const got: SseEvent[] = [];
  const r = new SseReader((e) => got.push(e));
  for (const c of chunks) r.push(c);
  return got;
}

describe('SseReader (text/event-stream as the HTML standard reads it)', () => {
  it('reads LF, CRLF and CR line ends, multi-line data, comments, fields without a space, and ids that carry over', () => {
    const text = '\uFEFFretry: 2000\n\nid: 7\nevent: update\ndata: {"a":\ndata:1}\n\n: keep-alive\r\n\r\nevent:update\r\ndata: [2]\r\n\r\ndata: x\rdata\r\r';
    const want = [
      { type: 'update', data: '{"a":\n1}', lastEventId: '7' },
      { type: 'update', data: '[2]', lastEventId: '7' },
      { type: 'message', data: 'x\n', lastEventId: '7' },
    ];
    expect(read([text])).toEqual(want);
    // Every cut, one character at a time: inside CRLF, between data lines, anywhere.
    expect(read([...text])).toEqual(want);
    for (let i = 1; i < text.length; i++) expect(read([text.slice(0, i), text.slice(i)])).toEqual(want);
  });

  it('a CRLF cut between two chunks is one line end, not an empty line that dispatches half an event', () => {
    expect(read(['event: update\r\ndata: {"a":\r', '\ndata: 1}\r\n\r', '\n'])).toEqual([{ type: 'update', data: '{"a":\n1}', lastEventId: '' }]);
  });
});
