/**
 * Promise 8's secret scans in every encoding (blind set 22 #19: a redaction
 * that looked for the raw secret in JSON text let an awkward one through):
 * harness/check/secret-encodings.ts, the record scan (promises-secrets.ts)
 * and the wire watch (harness/scenario/secret-watch.ts), on synthetic
 * histories and traffic.
 */
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../harness/check/context.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { secretEncodings } from '../../harness/check/secret-encodings.js';
import { SecretWatch } from '../../harness/scenario/secret-watch.js';
import type { HttpRequest } from '../../system/core/index.js';
import { H, baseContext } from './builder.js';

const AWKWARD = 'pa"ss\\wö%+/= x\ty\n';
const ctx = { ...baseContext, secrets: [AWKWARD] };
const messages = (h: H, c: CheckContext = ctx): string[] => checkHistory(h.history(), ['auth'], c).map((v) => v.message);
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const req = (method: string, path: string): HttpRequest => ({ method, path, query: new URLSearchParams(), headers: {}, body: '' });

/** `secret` as a leak would carry it inside a longer text, one form each. */
function leaks(secret: string): Readonly<Record<string, string>> {
  return {
    raw: `said ${secret} then`,
    'JSON text as a string': JSON.stringify({ note: secret }),
    'JSON escaped twice': JSON.stringify(JSON.stringify({ note: secret })),
    'URL-encoded': `https://x/?q=${encodeURIComponent(secret)}&r=1`,
    'form-encoded': new URLSearchParams({ q: secret }).toString(),
    'base64 at offset 1': utf8(`a${secret}zz`).toString('base64'),
    'base64url at offset 2': utf8(`ab${secret}zz`).toString('base64url'),
    hex: utf8(`k=${secret}`).toString('hex'),
    'upper-case hex': utf8(secret).toString('hex').toUpperCase(),
  };
}
const LEAKS = leaks(AWKWARD);
/** The same leaks of a secret one character apart: none shows AWKWARD. */
const NEIGHBOUR = leaks(AWKWARD.replace('ö', 'o'));

describe('secret encodings', () => {
  it('finds the secret in each form a leak takes inside a longer text', () => {
    const forms = secretEncodings(AWKWARD);
    for (const [name, text] of Object.entries(LEAKS)) expect(forms.some((f) => text.includes(f)), name).toBe(true);
  });

  it('finds none in the same leaks of a secret one character apart', () => {
    const forms = secretEncodings(AWKWARD);
    for (const [name, text] of Object.entries(NEIGHBOUR)) expect(forms.some((f) => text.includes(f)), name).toBe(false);
  });
});

describe('8 auth: an awkward secret in a record, in any encoding (set 22 #19)', () => {
  it('reports a read showing the secret JSON-escaped in an error, and passes it redacted', () => {
    const h = new H().at(10);
    h.rec.recordInfo({ apiReads: { all: { items: [['e1', 'failed', 0, 'probe', [], null, JSON.stringify({ message: '[redacted]' })]] } } });
    expect(messages(h)).toEqual([]);
    h.at(20).rec.recordInfo({ apiReads: { all: { items: [['e1', 'failed', 0, 'probe', [], null, JSON.stringify({ message: AWKWARD })]] } } });
    expect(messages(h)).toEqual([expect.stringMatching(/^the workers' secret was shown at t=20 \(\S+ note\)/)]);
  });

  it.each(Object.entries(LEAKS))('reports it %s in a result, once', (_name, text) => {
    const h = new H().at(10);
    h.rec.recordInfo({ listing: { result: { stdout: text } } });
    h.rec.recordInfo({ listing: { result: { stdout: text } } });
    expect(messages(h)).toEqual([expect.stringMatching(/^the workers' secret was shown at t=10/)]);
  });

  it('passes the encodings of a neighbouring secret, and what only the harness printed', () => {
    const h = new H().at(10);
    for (const text of Object.values(NEIGHBOUR)) h.rec.recordInfo({ listing: { result: { stdout: text } } });
    h.rec.recordInfo({ printed: AWKWARD }, 'resources');
    expect(messages(h)).toEqual([]);
  });
});

describe('8 auth: an awkward secret on the wire, in any encoding (set 22 #19)', () => {
  it('fails it base64-encoded in a frame and URL-encoded in an answer, masked in the note', () => {
    const h = new H().at(10);
    const w = new SecretWatch(h.rec, AWKWARD);
    w.frame('w1', JSON.stringify({ type: 'result', out: LEAKS['base64 at offset 1'] }), 'coordinator');
    w.answer(req('GET', '/api/v1/executions'), { status: 200, body: LEAKS['URL-encoded'] ?? '' });
    w.answer(req('GET', '/api/v1/executions'), { status: 200, body: JSON.stringify({ note: '[redacted]' }) });
    expect(messages(h)).toEqual([expect.stringMatching(/^the workers' secret showed on the wire at t=10: a frame w1 sent to coordinator/), expect.stringMatching(/^the workers' secret showed in an HTTP answer at t=10: the 200 answer to GET \/api\/v1\/executions: …https:\/\/x\/\?q=\[the workers' secret\]&r=1…/)]);
  });

  it("fails a bearer token's secret part base64-encoded in an answer", () => {
    const h = new H().at(10);
    const w = new SecretWatch(h.rec, undefined);
    const token = `sqt_${'ab'.repeat(8)}_${'c3'.repeat(32)}`;
    w.addTokens([{ token, name: 'ci' }]);
    w.answer(req('GET', '/metrics'), { status: 200, body: `x ${utf8(token).toString('base64')}` });
    expect(messages(h, baseContext)).toEqual([expect.stringMatching(/^bearer token sqt_abababababababab… \(ci\) showed in an HTTP answer/)]);
  });
});
