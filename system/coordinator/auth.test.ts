/**
 * Both halves of the handshake's authentication, end to end in memory: the
 * coordinator's check of a worker's register (auth.ts) against what a worker
 * builds (worker/handshake.ts), and the worker's check of the coordinator's
 * proof. Written for survivors of the mutation run (docs/MUTATION.md round
 * 3): `proveToWorker` returning nothing passed every test in the mutation
 * command, so a coordinator that never proved itself would have gone unnoticed.
 */
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type Register, type Registered, type Welcome } from '../protocol/messages.js';
import { checkCoordinatorProof, registerMessage } from '../worker/handshake.js';
import { authenticate, proveToWorker } from './auth.js';

const SECRET = 's'.repeat(32);
const clientNonce = 'c'.repeat(32);

function welcome(signMessages: boolean): Welcome {
  return {
    v: PROTOCOL_VERSION,
    type: 'welcome',
    serverVersion: 'test',
    protocolVersions: [PROTOCOL_VERSION],
    nonce: 'n'.repeat(32),
    authRequired: true,
    signMessages,
    heartbeatMs: 1000,
    heartbeatTimeoutMs: 3000,
    maxFrameBytes: 1 << 20,
    compression: false,
  };
}

function register(w: Welcome, secret: string | undefined): Register {
  const { msg } = registerMessage({ secret, welcome: w, workerId: 'w1', clientNonce, kinds: ['echo'], concurrency: 2, resume: undefined });
  if (msg.type !== 'register') throw new Error('expected a register');
  return { v: PROTOCOL_VERSION, ...msg };
}

const binding = { workerId: 'w1', sessionId: 'ss_1', resumed: false, lastSeq: 0, leaseMs: 30_000 };
const registered = (proof: string | undefined): Registered => ({ v: PROTOCOL_VERSION, type: 'registered', ...binding, ...(proof === undefined ? {} : { proof }) });

describe('worker authentication (coordinator side)', () => {
  it('accepts anything without a secret, and signs nothing', () => {
    expect(authenticate(undefined, welcome(true), register(welcome(true), undefined))).toEqual({ ok: true, signKey: undefined });
  });

  it('refuses a register without a MAC, or with one made from another secret, saying why', () => {
    const w = welcome(false);
    expect(authenticate(SECRET, w, register(w, undefined))).toEqual({ ok: false, reason: expect.stringContaining('needs auth.mac') });
    expect(authenticate(SECRET, w, register(w, 'x'.repeat(32)))).toEqual({ ok: false, reason: expect.stringContaining('MAC does not match') });
  });

  it('refuses a MAC made for another welcome (a replayed register)', () => {
    const other = { ...welcome(false), nonce: 'm'.repeat(32) };
    expect(authenticate(SECRET, welcome(false), register(other, SECRET))).toMatchObject({ ok: false });
  });

  it('accepts the right MAC, with the signing key the worker derived when messages are signed', () => {
    const signed = welcome(true);
    const worker = registerMessage({ secret: SECRET, welcome: signed, workerId: 'w1', clientNonce, kinds: ['echo'], concurrency: 2, resume: undefined });
    expect(worker.signKey).toMatch(/^[0-9a-f]{64}$/);
    expect(authenticate(SECRET, signed, register(signed, SECRET))).toEqual({ ok: true, signKey: worker.signKey });
    expect(authenticate(SECRET, welcome(false), register(welcome(false), SECRET))).toEqual({ ok: true, signKey: undefined });
  });
});

describe('coordinator proof (worker side)', () => {
  it('a coordinator with the secret proves it, and the worker accepts the proof', () => {
    const w = welcome(true);
    const proof = proveToWorker(SECRET, w, clientNonce, binding);
    expect(proof).toMatch(/^[0-9a-f]{64}$/);
    expect(checkCoordinatorProof(SECRET, w, clientNonce, registered(proof))).toBeUndefined();
  });

  it('without a secret there is no proof; a worker with a secret refuses a missing or wrong one', () => {
    const w = welcome(true);
    expect(proveToWorker(undefined, w, clientNonce, binding)).toBeUndefined();
    expect(checkCoordinatorProof(SECRET, w, clientNonce, registered(undefined))).toContain('no proof');
    const impostor = proveToWorker('x'.repeat(32), w, clientNonce, binding);
    expect(checkCoordinatorProof(SECRET, w, clientNonce, registered(impostor))).toContain('does not match');
    const otherSession = proveToWorker(SECRET, w, clientNonce, { ...binding, sessionId: 'ss_2' });
    expect(checkCoordinatorProof(SECRET, w, clientNonce, registered(otherSession))).toContain('does not match');
  });
});
