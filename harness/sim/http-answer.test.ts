import { describe, expect, it } from 'vitest';
import { HttpWireError, readOffWire, wireFaults } from './http-answer.js';

const peer = { address: '::ffff:10.0.0.2', port: 49152 };
const answer = (body: string, headers: Record<string, string> = {}) => ({ status: 200, headers: { 'content-type': 'application/json', ...headers }, body });

describe('readOffWire: an answer as a client reads it off the wire', () => {
  it('reads the real server\'s answers whole, multi-byte ones too, on a kept-alive connection', () => {
    const c = {};
    for (const body of ['{"v":"ascii"}', '{"v":"жж中😀"}', '']) expect(readOffWire(c, peer, answer(body)).body).toBe(body);
    expect(wireFaults(c)).toEqual([]);
  });

  it('cuts a body at a content-length short of it, and the next answer on the connection fails to parse', () => {
    const c = {};
    // A handler header wins over the server's (as in writeAnswer's spread): a UTF-16 count of "ж€" declares 2 of its 5 bytes.
    expect(readOffWire(c, peer, answer('ж€', { 'content-length': '2' })).body).toBe('ж');
    expect(() => readOffWire(c, peer, answer('{}'))).toThrow(HttpWireError);
    expect(readOffWire(c, peer, answer('{}')).body).toBe('{}'); // the client dropped that connection's leftovers with it
    expect(wireFaults(c)).toEqual([expect.stringMatching(/declared content-length 2 but its body is 5 UTF-8 byte/), expect.stringMatching(/HTTPParserError: .* 3 byte\(s\) before the 200 answer's status line/)]);
  });

  it('fails a content-length past the body, and keeps no leftovers on a connection the answer closes; HEAD reads no body', () => {
    const c = {};
    expect(() => readOffWire(c, peer, answer('{}', { 'content-length': '9' }))).toThrow(/other side closed/);
    expect(readOffWire(c, peer, answer('{"a":1}', { 'content-length': '3', connection: 'close' })).body).toBe('{"a');
    expect(readOffWire(c, peer, answer('{}')).body).toBe('{}');
    expect(readOffWire({}, peer, answer('{"big":1}'), 'HEAD').body).toBe('');
  });

  it('keeps the faults met on every incarnation under its process (wireLine), so a killed one\'s are still noted', () => {
    const line = {};
    const first = { wireLine: line };
    const second = { wireLine: line };
    expect(readOffWire(first, peer, answer('ж', { 'content-length': '1' })).body).toBe('\ufffd');
    expect(() => readOffWire(second, { ...peer, port: 1 }, answer('{}', { 'content-length': '9' }))).toThrow(HttpWireError);
    expect(wireFaults(line)).toEqual([expect.stringMatching(/declared content-length 1 but its body is 2 UTF-8 byte/), expect.stringMatching(/other side closed/)]);
    expect(wireFaults(first)).toBe(wireFaults(line));
  });
});
