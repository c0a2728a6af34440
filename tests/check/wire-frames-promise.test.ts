/**
 * Synthetic histories for promise 38's frame, hint and trust rules
 * (harness/check/promises-wire-frames.ts): a binary frame refused with 1003
 * and never read (blind set 17 #15: read as text), no reconnect before a
 * 4503 hint's window (set 17 #21: 2500 read as 250), no connect that
 * accepts an unverified certificate (set 17 #23: a CA given turned
 * verification off). Each caught in simulation: tests/sim/broken-wire17.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const ctx = { ...baseContext, workerIds: ['w1', 'w2'], backoff: { ...baseContext.backoff, maxMs: 8000 } };
const wire = (h: H): string[] => checkHistory(h.history(), ['wire'], ctx).map((v) => v.message);

function binary(h: H, to: string, got: { open?: boolean; closedWith: number | null; handed?: boolean }): H {
  h.rec.recordInfo({ binaryFrame: 'c4', from: 'adversary', to, incarnation: 1, open: got.open ?? true, closedWith: got.closedWith, handed: got.handed ?? false }, 'net');
  return h;
}

function refused(h: H, to: string, hint: number): H {
  h.rec.recordInfo({ closeDelivered: 'c8', from: 'adversary', to, incarnation: 1, askedCode: 4503, askedReason: `retry-after=${hint}`, code: 4503, reason: `retry-after=${hint}` }, 'net');
  return h;
}

const connecting = (h: H, w: string): H => h.emit(w, { type: 'connecting', workerId: w, attempt: 1, handshakeTimeoutMs: 5000 });

function tls(h: H, over: Record<string, unknown> = {}): H {
  h.rec.recordInfo({ connectTls: 'wss://coordinator:7000/ws', client: 'w1', incarnation: 1, caGiven: true, caKept: true, rejectUnauthorized: null, identityCheckReplaced: false, ...over }, 'net');
  return h;
}

describe('38 wire: binary frames are refused with 1003, never read', () => {
  it('passes a refusal with 1003 on either side, and a frame reaching a connection already closing', () => {
    const h = binary(new H().at(10), 'coordinator', { closedWith: 1003 });
    binary(h.at(20), 'w1', { closedWith: 1003 });
    binary(h.at(30), 'w1', { open: false, closedWith: null });
    expect(wire(h)).toEqual([]);
  });

  it('reports a frame read as text, a connection left open and one closed with another code', () => {
    const h = binary(new H().at(10), 'coordinator', { closedWith: 4401, handed: true });
    binary(h.at(20), 'w1', { closedWith: null });
    binary(h.at(30), 'w2', { closedWith: 4400 });
    expect(wire(h)).toEqual([
      expect.stringMatching(/^coordinator received a binary frame from adversary on c4 at t=10 and handed it to its logic as text/),
      expect.stringMatching(/^w1 received a binary frame from adversary on c4 at t=20 and did not close the connection: a binary frame is refused with close 1003/),
      expect.stringMatching(/^w2 received a binary frame from adversary on c4 at t=30 and closed with 4400: a binary frame is refused with close 1003/),
    ]);
  });
});

describe('38 wire: a 4503 hint is waited out before the next connect', () => {
  it('passes reconnects inside the window: small, 4 digits, and past the cap (maxMs 8000: the floor is 5333 ms)', () => {
    const h = refused(new H().at(100), 'w1', 75);
    connecting(h.at(175), 'w1');
    refused(h.at(200), 'w1', 2500);
    connecting(h.at(2700), 'w1');
    refused(h.at(3000), 'w1', 12_000);
    connecting(h.at(8334), 'w1');
    expect(wire(h)).toEqual([]);
  });

  it('reports a reconnect before the hint (2500 read as 250) and before the capped floor (12000 read as 120)', () => {
    const h = refused(new H().at(200), 'w1', 2500);
    connecting(h.at(460), 'w1');
    refused(h.at(3000), 'w2', 12_000);
    connecting(h.at(3130), 'w2');
    expect(wire(h)).toEqual([
      expect.stringMatching(/^w1 was refused with 4503 retry-after=2500 at t=200 but tried to connect again 260 ms later \(t=460\): a refused worker waits at least 2500 ms/),
      expect.stringMatching(/^w2 was refused with 4503 retry-after=12000 at t=3000 but tried to connect again 130 ms later \(t=3130\): a refused worker waits at least 5333\.3 ms/),
    ]);
  });
});

describe('38 wire: a connect keeps verifying the certificate', () => {
  it('passes a connect given a CA that trusts exactly it, with verification on', () => {
    expect(wire(tls(new H().at(0)))).toEqual([]);
    expect(wire(tls(new H().at(0), { rejectUnauthorized: true }))).toEqual([]);
  });

  it('passes workers given a CA that pass it on at every connect (a twin too); reports one that connects without it, once', () => {
    const tlsCtx = { ...ctx, workersTlsCa: true };
    const h = connecting(new H().at(0), 'w1');
    tls(h);
    connecting(h.at(10), 'w2');
    tls(h, { client: 'w2.twin' });
    expect(checkHistory(h.history(), ['wire'], tlsCtx)).toEqual([]);
    connecting(h.at(20), 'w1');
    tls(h, { caGiven: false, caKept: true, rejectUnauthorized: null });
    connecting(h.at(30), 'w1');
    expect(checkHistory(h.history(), ['wire'], tlsCtx).map((v) => v.message)).toEqual([expect.stringMatching(/^w1 was given a CA \(--tls-ca\) but connected at t=20 without it/)]);
  });

  it('reports verification turned off, the host-name check replaced, and the CA given not kept', () => {
    const h = tls(new H().at(0), { rejectUnauthorized: false });
    tls(h.at(10), { identityCheckReplaced: true });
    tls(h.at(20), { caKept: false });
    tls(h.at(30), { caGiven: false, caKept: false });
    expect(wire(h)).toEqual([
      expect.stringMatching(/^w1's connect to wss:\/\/coordinator:7000\/ws at t=0 \(given a CA, --tls-ca\) sets rejectUnauthorized: false, accepting any certificate/),
      expect.stringMatching(/at t=10 \(given a CA, --tls-ca\) replaces the certificate's host-name check/),
      expect.stringMatching(/at t=20 \(given a CA, --tls-ca\) does not trust exactly the CA it was given/),
      expect.stringMatching(/at t=30 trusts a CA it was not given/),
    ]);
  });

  it('passes SNI by host name and none for an address, and reports the choice inverted or left unset (set 18 #24)', () => {
    const good = tls(new H().at(0), { serverName: 'coordinator' });
    tls(good.at(5), { connectTls: 'wss://10.0.0.7:7000/ws', serverName: '' });
    tls(good.at(6), { connectTls: 'wss://[fd00::7]:7000/ws', serverName: '' });
    expect(wire(good)).toEqual([]);
    const h = tls(new H().at(0), { serverName: '' });
    tls(h.at(10), { connectTls: 'wss://10.0.0.7:7000/ws', serverName: '10.0.0.7' });
    tls(h.at(20), { serverName: null });
    expect(wire(h)).toEqual([
      expect.stringMatching(/^w1's connect to wss:\/\/coordinator:7000\/ws at t=0 \(given a CA, --tls-ca\) sends no SNI where the host name coordinator must be sent/),
      expect.stringMatching(/^w1's connect to wss:\/\/10\.0\.0\.7:7000\/ws at t=10 .* sends SNI 10\.0\.0\.7 where an IP address must be sent none/),
      expect.stringMatching(/at t=20 .* leaves the server name to tls.connect where the host name coordinator must be sent/),
    ]);
  });
});
