/**
 * Synthetic histories for promise 34 (harness/check/promises-ids.ts): every
 * execution id, lease token, new session id, handshake nonce and API token
 * the system minted has its documented form and is minted once. Each case is
 * a good history that passes and its one-change violation.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const hex = (n: number, c = 'a'): string => c.repeat(n);
const ex = (c: string): string => `ex_${hex(16, c)}`;
const ls = (c: string): string => `ls_${hex(16, c)}`;

const messages = (h: H): string[] => checkHistory(h.history(), ['identifiers'], baseContext).map((v) => v.message);

/** w1 registers in session `session`, two executions are submitted and claimed with the given ids. */
function run(ids: { a?: string; b?: string; la?: string; lb?: string; session?: string } = {}): H {
  const h = new H();
  h.emit('coordinator', { type: 'worker_registered', workerId: 'w1', sessionId: ids.session ?? `ss_${hex(16, '9')}`, resumed: false, connectionId: 'c1' });
  h.submit(ids.a ?? ex('1')).submit(ids.b ?? ex('2'));
  h.at(10).claim(ids.a ?? ex('1'), 'w1', 1, ids.la ?? ls('7')).claim(ids.b ?? ex('2'), 'w1', 1, ids.lb ?? ls('8'));
  return h;
}

describe('34 identifiers', () => {
  it('passes ids of their documented form, each minted once (a resumed session repeats its id)', () => {
    const h = run();
    h.at(20).emit('coordinator', { type: 'worker_registered', workerId: 'w1', sessionId: `ss_${hex(16, '9')}`, resumed: true, connectionId: 'c2' });
    expect(messages(h)).toEqual([]);
  });

  it('reports a short execution id and a lease token of the wrong alphabet (a draw cut short at the pool end, set 14 #02)', () => {
    expect(messages(run({ b: 'ex_12345678' }))).toEqual([expect.stringMatching(/^a submitted execution at t=0 has executionId "ex_12345678" \(11 characters\): the documented form is 'ex_' \+ 16 lower-case hex/)]);
    expect(messages(run({ la: `ls_${hex(15)}Z` }))).toEqual([expect.stringMatching(/^a claim of ex_1{16} at t=10 has leaseToken "ls_a{15}Z"/)]);
  });

  it('reports a lease token and a new session id minted twice', () => {
    expect(messages(run({ lb: ls('7') }))).toEqual([expect.stringMatching(/^a claim of ex_2{16} at t=10 has leaseToken ls_7{16}, already minted for a claim of ex_1{16} at t=10: an identifier is never minted twice/)]);
    const h = run();
    h.at(20).emit('coordinator', { type: 'worker_registered', workerId: 'w2', sessionId: `ss_${hex(16, '9')}`, resumed: false, connectionId: 'c3' });
    expect(messages(h)).toEqual([expect.stringMatching(/^w2's new session at t=20 has sessionId ss_9{16}, already minted for w1's new session at t=0/)]);
  });

  it('judges handshake nonces and API tokens from the notes the simulation records', () => {
    const h = run();
    h.rec.recordInfo({ nonce: hex(32, 'b'), host: 'coordinator', field: 'nonce' }, 'net');
    h.rec.recordInfo({ nonce: hex(32, 'c'), host: 'w1', field: 'clientNonce' }, 'net');
    const token = { id: hex(16, 'd'), hash: 'x', secret: hex(64, 'e') };
    h.rec.recordInfo({ tokenStep: { at: 10, revokes: [], presented: [], listing: [], created: token.id, held: [token] } });
    expect(messages(h)).toEqual([]);
    h.rec.recordInfo({ nonce: hex(32, 'b'), host: 'coordinator', field: 'nonce' }, 'net');
    h.rec.recordInfo({ nonce: hex(16, 'f'), host: 'w1', field: 'clientNonce' }, 'net');
    h.rec.recordInfo({ tokenStep: { at: 20, revokes: [], presented: [], listing: [], created: hex(16, '0'), held: [token, { id: hex(16, '0'), hash: 'y', secret: `${hex(2)}_${hex(61)}` }] } });
    expect(messages(h)).toEqual([
      expect.stringMatching(/^a handshake nonce coordinator sent \(nonce\) at t=10 has nonce b{32}, already minted for a handshake nonce coordinator sent \(nonce\) at t=10/),
      expect.stringMatching(/^a handshake nonce w1 sent \(clientNonce\) at t=10 has nonce "f{16}" \(16 characters\): the documented form is 32 lower-case hex/),
      expect.stringMatching(/^token 0{16}'s secret at t=10 has tokenSecret "aa_a{61}" \(64 characters\): the documented form is 64 lower-case hex/),
    ]);
  });
});

describe('34 identifiers across kinds (session 35)', () => {
  it('reports a lease token and a session id whose random part is an execution id\'s or a lease token\'s', () => {
    expect(messages(run({ lb: `ls_${hex(16, '2')}` }))).toEqual([
      expect.stringMatching(/^a claim of ex_2{16} at t=10 has leaseToken ls_2{16}, whose random part shares all 16 hex \(2{16}\) with executionId ex_2{16} of a submitted execution at t=0: identifiers of every kind are drawn anew, never one draw for two/),
    ]);
    const h = run();
    h.at(20).emit('coordinator', { type: 'worker_registered', workerId: 'w2', sessionId: `ss_${hex(16, '7')}`, resumed: false, connectionId: 'c3' });
    expect(messages(h)).toEqual([expect.stringMatching(/^w2's new session at t=20 has sessionId ss_7{16}, whose random part shares all 16 hex \(7{16}\) with leaseToken ls_7{16} of a claim of ex_1{16} at t=10/)]);
  });

  it('reports a nonce holding an execution id\'s draw and a token secret holding a nonce, and passes unrelated ones', () => {
    const h = run();
    h.rec.recordInfo({ nonce: `${hex(16, 'b')}${hex(16, 'c')}`, host: 'coordinator', field: 'nonce' }, 'net');
    const token = { id: hex(16, 'd'), hash: 'x', secret: hex(64, 'e') };
    h.rec.recordInfo({ tokenStep: { at: 10, revokes: [], presented: [], listing: [], created: token.id, held: [token] } });
    expect(messages(h)).toEqual([]);
    h.at(30).rec.recordInfo({ nonce: `${hex(4, 'c')}${hex(16, '1')}${hex(12, 'c')}`, host: 'w1', field: 'clientNonce' }, 'net');
    const leaky = { id: hex(16, '4'), hash: 'y', secret: `${hex(16, 'f')}${hex(16, 'b')}${hex(16, 'c')}${hex(16, 'f')}` };
    h.rec.recordInfo({ tokenStep: { at: 30, revokes: [], presented: [], listing: [], created: leaky.id, held: [token, leaky] } });
    expect(messages(h)).toEqual([
      expect.stringMatching(/^a handshake nonce w1 sent \(clientNonce\) at t=30 has nonce c{4}1{16}c{12}, whose random part shares 16 hex \(1{16}\) with executionId ex_1{16} of a submitted execution at t=0/),
      expect.stringMatching(/^token 4{16}'s secret at t=30 has tokenSecret f{16}b{16}c{16}f{16}, whose random part shares 32 hex \(b{16}c{16}\) with nonce b{16}c{16} of a handshake nonce coordinator sent \(nonce\) at t=10/),
    ]);
  });
});

describe('26 capacity: work-conserving dispatch at the end of a pass', () => {
  const ctx = { ...baseContext, workerConcurrency: 3 };
  /** w1 and w2 idle with 3 slots each; a, b, c, d ready; a pass at t=10 claims `first`, the rest at `restAt`. */
  function pass(first: string[], restAt: number): H {
    const h = new H().connect('w1').connect('w2');
    for (const id of ['a', 'b', 'c', 'd']) h.submit(id);
    h.at(10);
    first.forEach((id, i) => h.claim(id, i % 2 === 0 ? 'w1' : 'w2', 1, `t-${id}`));
    h.at(restAt);
    ['a', 'b', 'c', 'd'].filter((id) => !first.includes(id)).forEach((id, i) => h.claim(id, i % 2 === 0 ? 'w2' : 'w1', 1, `t-${id}`));
    return h;
  }
  const dispatch = (h: H): string[] => checkHistory(h.history(), ['capacity'], ctx).map((v) => v.message).filter((m) => /assignment pass ended/.test(m));

  it('reports a pass that stopped with free slots and ready work, the rest claimed only later (set 14 #24)', () => {
    expect(dispatch(pass(['a', 'b'], 300))).toEqual([
      expect.stringMatching(/^the assignment pass ended with claim t-b at t=10, leaving w1 with 1 of 3 slots held, while c was ready \(since t=0\); the next claim came only at t=300: a free slot is offered to the ready work within 5 ms/),
    ]);
  });

  it('passes the rest claimed within the bound (a pass re-woken at once), and a pass that claimed everything', () => {
    expect(dispatch(pass(['a', 'b'], 12))).toEqual([]);
    expect(dispatch(pass(['a', 'b', 'c', 'd'], 300))).toEqual([]);
  });

  it('does not judge a fleet left with no free slot', () => {
    expect(checkHistory(pass(['a', 'b'], 300).history(), ['capacity'], { ...ctx, workerConcurrency: 1 }).filter((v) => /assignment pass ended/.test(v.message))).toEqual([]);
  });
});
