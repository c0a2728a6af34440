/**
 * Synthetic histories for promise 38 (harness/check/promises-wire.ts): a
 * close reaches the peer as sent (blind set 15 #19: every 4xxx arrived as
 * 1011), and the peer acts on it: a fatal close stops the process (set 15
 * #23: 4409 not fatal, two live workers with one id flap), 4503 delays it.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const ctx = { ...baseContext, workerIds: ['w1', 'w2'], workerHosts: ['w2.twin'] };

/** The network's note of a close frame `to` received, with what the coordinator asked for. */
function closeNote(h: H, to: string, asked: { code: number; reason: string }, got: { code: number; reason: string } = asked, incarnation = 1): H {
  h.rec.recordInfo({ closeDelivered: 'c1', from: 'coordinator', to, incarnation, askedCode: asked.code, askedReason: asked.reason, code: got.code, reason: got.reason }, 'net');
  return h;
}

function opened(h: H, client: string, connection: string, incarnation = 1): H {
  h.rec.recordInfo({ opened: connection, client, incarnation, server: 'coordinator' }, 'net');
  return h;
}

const wire = (h: H): string[] => checkHistory(h.history(), ['wire'], ctx).map((v) => v.message);

describe('38 wire: a close reaches the peer as sent', () => {
  it('passes codes and reasons as asked, a long reason cut to 123 bytes of whole characters, an unsendable code as 1011', () => {
    const h = new H();
    closeNote(h.at(10), 'w1', { code: 4503, reason: 'retry-after=50' });
    closeNote(h.at(20), 'w1', { code: 1001, reason: 'going away' });
    closeNote(h.at(30), 'w1', { code: 4404, reason: `é${'x'.repeat(130)}` }, { code: 4404, reason: `é${'x'.repeat(121)}` });
    closeNote(h.at(40), 'w1', { code: 1005, reason: '' }, { code: 1011, reason: '' });
    expect(wire(h)).toEqual([]);
  });

  it('reports a squall code that arrived as 1011, and a reason cut short', () => {
    const h = new H();
    closeNote(h.at(10), 'w1', { code: 4503, reason: 'retry-after=50' }, { code: 1011, reason: 'retry-after=50' });
    closeNote(h.at(20), 'w1', { code: 4400, reason: 'malformed frame' }, { code: 4400, reason: 'malformed' });
    expect(wire(h)).toEqual([expect.stringMatching(/^w1 received a close frame at t=10 with code 1011 where coordinator closed with 4503/), expect.stringMatching(/^w1 received a close frame at t=20 with reason "malformed" where coordinator gave "malformed frame"/)]);
  });
});

describe('38 wire: the peer acts on the close', () => {
  it('passes a replaced worker that stops, and its twin that keeps the id', () => {
    const h = opened(new H(), 'w2', 'c1');
    opened(h.at(1500), 'w2.twin', 'c2');
    closeNote(h.at(1502), 'w2', { code: 4409, reason: 'replaced by a newer connection' });
    opened(h.at(3000), 'w1', 'c3');
    expect(wire(h)).toEqual([]);
  });

  it('passes a restarted worker connecting again in its new incarnation', () => {
    const h = new H();
    closeNote(h.at(100), 'w2', { code: 4426, reason: 'unsupported version' });
    opened(h.at(900), 'w2', 'c5', 2);
    expect(wire(h)).toEqual([]);
  });

  it('reports a process told 4409 that connects again (two live workers with one id flap), once per process', () => {
    const h = opened(new H(), 'w2', 'c1');
    opened(h.at(1500), 'w2.twin', 'c2');
    closeNote(h.at(1502), 'w2', { code: 4409, reason: 'replaced' });
    opened(h.at(1600), 'w2', 'c3');
    closeNote(h.at(1601), 'w2.twin', { code: 4409, reason: 'replaced' });
    opened(h.at(1700), 'w2.twin', 'c4');
    closeNote(h.at(1701), 'w2', { code: 4409, reason: 'replaced' });
    opened(h.at(1800), 'w2', 'c5');
    expect(wire(h)).toEqual([expect.stringMatching(/^w2 was closed with 4409 \(replaced\) at t=1502 yet connected again at t=1600 \(connection c3\)/), expect.stringMatching(/^w2.twin was closed with 4409 \(replaced\) at t=1601 yet connected again at t=1700/)]);
  });

  it('reports a fatal close received as another code after which the worker connected again', () => {
    const h = new H();
    closeNote(h.at(100), 'w1', { code: 4426, reason: 'unsupported version' }, { code: 1011, reason: 'unsupported version' });
    opened(h.at(300), 'w1', 'c7');
    expect(wire(h)).toContainEqual(expect.stringMatching(/^w1 was closed with 4426 \(unsupported version\) at t=100, received as 1011, yet connected again at t=300/));
  });

  it('passes a 4503 whose hint the next backoff honours; reports one that ignores it', () => {
    const good = new H();
    closeNote(good.at(5), 'w1', { code: 4503, reason: 'retry-after=50' });
    good.emit('w1', { type: 'backoff', workerId: 'w1', attempt: 1, delayMs: 60, strategy: 'full-jitter', capMs: 75, floorMs: 50, retryAfterMs: 50 });
    expect(wire(good)).toEqual([]);
    const bad = new H();
    closeNote(bad.at(5), 'w1', { code: 4503, reason: 'retry-after=50' });
    bad.emit('w1', { type: 'backoff', workerId: 'w1', attempt: 1, delayMs: 20, strategy: 'full-jitter', capMs: 100, floorMs: 0 });
    expect(wire(bad)).toEqual([expect.stringMatching(/^w1 was refused with 4503 retry-after=50 at t=5, but its next backoff \(20 ms\) ignores the hint/)]);
  });

  it('reports a backoff that names the hint but comes back sooner than it (a window bounded by initialMs, not the cap)', () => {
    const early = new H();
    closeNote(early.at(5), 'w1', { code: 4503, reason: 'retry-after=900' });
    early.emit('w1', { type: 'backoff', workerId: 'w1', attempt: 1, delayMs: 90, strategy: 'full-jitter', capMs: 100, floorMs: 66, retryAfterMs: 900 });
    expect(wire(early)).toEqual([expect.stringMatching(/^w1 was refused with 4503 retry-after=900 at t=5, but its next backoff \(90 ms\) honours 900/)]);
    const capped = new H();
    closeNote(capped.at(5), 'w1', { code: 4503, reason: 'retry-after=5000' });
    capped.emit('w1', { type: 'backoff', workerId: 'w1', attempt: 1, delayMs: 1800, strategy: 'full-jitter', capMs: 2000, floorMs: 1333, retryAfterMs: 5000 });
    expect(wire(capped)).toEqual([]);
  });
});

describe('38 wire: a connect given up on ends its socket', () => {
  it('reports a close reaching a client end its process never took up, and one still held at the end', () => {
    const h = new H();
    h.at(4000).rec.recordInfo({ closeDelivered: 'c9', from: 'coordinator', to: 'w1', incarnation: 2, askedCode: 4429, askedReason: 'no register within 5000 ms', code: 4429, reason: 'no register within 5000 ms', unattended: true }, 'net');
    h.at(9000).rec.recordInfo({ unattendedConnections: { w2: ['c12'], adversary: ['c3'] } });
    expect(wire(h)).toEqual([expect.stringMatching(/^w1 never took up a connection it had opened, which stayed open until coordinator closed it with 4429/), expect.stringMatching(/^at the end of the run w2 still held 1 open connection\(s\) it never took up \(c12\)/)]);
  });

  it('passes a run whose workers took up every connection they kept', () => {
    const h = new H();
    closeNote(h.at(4000), 'w1', { code: 4429, reason: 'no register within 5000 ms' });
    expect(wire(h)).toEqual([]);
  });
});
