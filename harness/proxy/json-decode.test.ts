import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { float32, floatField, intField, lookup, parseBody, stringField } from './json-decode.js';
import { splitHostPort } from './proxy.js';

describe('Go-like JSON decoding', () => {
  it('prints float32 values the way Go does', () => {
    expect(float32(0.1)).toBe(0.1);
    expect(float32(1)).toBe(1);
    expect(float32(0.3333333333)).toBe(0.33333334);
  });

  it('matches keys case-insensitively, exact first', () => {
    expect(lookup({ Name: 'a' }, 'name')).toBe('a');
    expect(lookup({ NAME: 'a', name: 'b' }, 'name')).toBe('b');
  });

  it('rejects wrong types and fractions for ints with 400', () => {
    expect(() => stringField({ name: 1 }, 'name', 'Proxy')).toThrow(ApiError);
    expect(() => intField({ latency: 1.5 }, 'latency', '.attributes')).toThrow(/cannot unmarshal number 1.5/);
    expect(intField({ latency: null }, 'latency', '.attributes')).toBeUndefined();
    expect(() => parseBody('  ')).toThrow('bad request body: EOF');
  });

  it('splits listen addresses like net.SplitHostPort', () => {
    expect(splitHostPort('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(splitHostPort('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(splitHostPort(':8080')).toEqual({ host: '', port: 8080 });
    expect(() => splitHostPort('nohost')).toThrow(/missing port/);
  });
});

describe('Go json.Decoder details', () => {
  it('reads the first value and ignores trailing text, as the real server does', () => {
    expect(parseBody('{"name":"a"} trailing')).toEqual({ name: 'a' });
    expect(parseBody(' [1, {"x": "}"}] {"more": 1}')).toEqual([1, { x: '}' }]);
    expect(() => parseBody('{"name":')).toThrow(/bad request body/);
  });

  it('refuses 1.0 and 1e3 for an int field (Go reads the literal), accepts them for a float', () => {
    const body = parseBody('{"latency": 1.0, "big": 1e3, "ok": 5, "p": 0.5}') as Record<string, unknown>;
    expect(() => intField(body, 'latency', 'LatencyToxic.attributes')).toThrow('json: cannot unmarshal number 1.0 into Go struct field LatencyToxic.attributes.latency of type int64');
    expect(() => intField(body, 'big', 'X')).toThrow(/number 1e3/);
    expect(intField(body, 'ok', 'X')).toBe(5);
    expect(floatField(body, 'p', 'X')).toBe(0.5);
  });
});
