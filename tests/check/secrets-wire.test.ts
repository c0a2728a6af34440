/**
 * Promise 8's watch on the wire, the logs and the HTTP answers
 * (harness/scenario/secret-watch.ts noting leaks, checkSecretsOnWire in
 * harness/check/promises-secrets.ts judging them), on synthetic traffic
 * through the real watch and recorder.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { SecretWatch } from '../../harness/scenario/secret-watch.js';
import { silentLogger, type HttpRequest } from '../../system/core/index.js';
import { sessionSigningKey } from '../../system/protocol/index.js';
import { H, baseContext } from './builder.js';

const SECRET = 'hunter two "quoted"';
const TOKEN = `sqt_${'ab'.repeat(8)}_${'c3'.repeat(32)}`;
const NS = '1'.repeat(32);
const NW = '2'.repeat(32);

const messages = (h: H): string[] => checkHistory(h.history(), ['auth'], baseContext).map((v) => v.message);
const req = (method: string, path: string): HttpRequest => ({ method, path, query: new URLSearchParams(), headers: { authorization: `Bearer ${TOKEN}` }, body: '' });

function watched(): { h: H; w: SecretWatch } {
  const h = new H().at(10);
  const w = new SecretWatch(h.rec, SECRET);
  w.addTokens([{ token: TOKEN, name: 'sim-admin' }]);
  w.frame('coordinator', JSON.stringify({ type: 'welcome', nonce: NS }), 'w1');
  w.frame('w1', JSON.stringify({ type: 'register', workerId: 'w1', clientNonce: NW, auth: { mac: 'f'.repeat(64) } }), 'coordinator');
  return { h, w };
}

describe('8 auth: secrets on the wire, in logs and in answers', () => {
  it('passes clean frames, log lines and answers, and the token in the answer that created it', () => {
    const { h, w } = watched();
    w.frame('coordinator', JSON.stringify({ type: 'registered', workerId: 'w1', sig: 'e'.repeat(64) }), 'w1');
    w.logger(silentLogger).child({ process: 'coordinator' }).warn({ err: new Error('bad mac') }, 'refused');
    w.answer(req('GET', '/metrics'), { status: 200, body: 'squall_frames_total 3\n' });
    w.answer(req('POST', '/api/v1/tokens'), { status: 201, body: JSON.stringify({ id: 'x', name: 'ci', token: `sqt_${'0f'.repeat(8)}_${'d4'.repeat(32)}` }) });
    // The adversary's own frames are the harness's.
    w.frame('adversary', JSON.stringify({ type: 'register', note: SECRET }), 'coordinator');
    expect(messages(h)).toEqual([]);
  });

  it('fails the secret in a frame, JSON-escaped, and never repeats the secret in its note', () => {
    const { h, w } = watched();
    w.frame('w1', JSON.stringify({ type: 'log', text: `oops ${SECRET}` }), 'coordinator');
    const m = messages(h);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatch(/^the workers' secret showed on the wire at t=10: a frame w1 sent to coordinator: …\{"type":"log","text":"oops \[the workers' secret\]"\}…/);
    expect(JSON.stringify(h.history())).not.toContain('hunter two');
  });

  it("fails a connection's signing key in a frame the coordinator sends", () => {
    const { h, w } = watched();
    w.frame('coordinator', JSON.stringify({ type: 'error', debug: sessionSigningKey(SECRET, NS, NW) }), 'w1');
    expect(messages(h)).toEqual([expect.stringMatching(/^the signing key of w1's connection \(from nonces 11111111…\/22222222…\) showed on the wire at t=10: a frame coordinator sent to w1/)]);
  });

  it('fails the secret in a log line (an Error included), once per channel', () => {
    const { h, w } = watched();
    const log = w.logger(silentLogger).child({ process: 'w2' });
    log.error({ err: new Error(`task said ${SECRET}`) }, 'task failed');
    log.error({ err: new Error(`task said ${SECRET}`) }, 'task failed again');
    expect(messages(h)).toEqual([expect.stringMatching(/^the workers' secret showed in a log line at t=10: a error line w2 logged/)]);
  });

  it('fails a token in any answer but its creation, a created token too', () => {
    const { h, w } = watched();
    const created = `sqt_${'0f'.repeat(8)}_${'d4'.repeat(32)}`;
    w.answer(req('POST', '/api/v1/tokens'), { status: 201, body: JSON.stringify({ id: '0f0f0f0f0f0f0f0f', name: 'ci', token: created }) });
    w.answer(req('POST', '/api/v1/executions'), { status: 403, body: JSON.stringify({ error: { code: 'insufficient_scope', message: `token ${TOKEN} is read-only` } }) });
    w.answer(req('GET', '/metrics'), { status: 200, body: `# token ${created}\n` });
    const m = messages(h);
    expect(m).toHaveLength(2);
    expect(m[0]).toMatch(/^bearer token sqt_abababababababab… \(sim-admin\) showed in an HTTP answer at t=10: the 403 answer to POST \/api\/v1\/executions: …:"insufficient_scope","message":"token sqt_abababababababab_\[bearer token sqt_abababababababab… \(sim-admin\)\] is read-only"/);
    expect(m[1]).toMatch(/^bearer token sqt_0f0f0f0f0f0f0f0f… \(ci\) showed in an HTTP answer at t=10: the 200 answer to GET \/metrics/);
  });
});
