import { afterEach, describe, expect, it } from 'vitest';
import { sessionSigningKey } from '../../system/protocol/handshake.js';
import { closeAll, Raw, start, until, type Msg } from './raw-worker.js';

// The coordinator's connection edge: the welcome, refused frames, registration and its proof, signatures.
afterEach(closeAll);

describe('coordinator connection edge', () => {
  it('welcomes with a fresh nonce and the server parameters', async () => {
    const { c } = await start({ secret: 's3cret', maxFrameBytes: 4096 });
    const a = await Raw.open(c);
    const b = await Raw.open(c);
    const w = a.of('welcome')[0] as Msg;
    expect(w).toMatchObject({ v: 2, authRequired: true, signMessages: false, heartbeatMs: 100, heartbeatTimeoutMs: 1000, maxFrameBytes: 4096, protocolVersions: [2], compression: true });
    expect(a.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(a.nonce).not.toBe(b.nonce);
  });

  it.each([
    ['garbage', 4400, 'malformed', (r: Raw) => r.sendRaw('{{{ not json')],
    ['unknown type', 4404, 'unknown_type', (r: Raw) => r.send({ type: 'explode' })],
    ['wrong version', 4426, 'unsupported_version', (r: Raw) => r.sendRaw(JSON.stringify({ v: 99, type: 'register' }))],
    ['oversized', 4413, 'too_large', (r: Raw) => r.send({ type: 'ping', id: 1, t: 1, pad: 'x'.repeat(5000) })],
    ['message before register', 4405, 'unexpected_message', (r: Raw) => r.send({ type: 'ping', id: 1, t: 1 })],
    ['schema violation', 4400, 'malformed', (r: Raw) => r.send({ type: 'register', protocolVersion: 2, clientNonce: 'c'.repeat(32), workerId: '', capabilities: { kinds: [], concurrency: 1 } })],
  ])('%s gets an error message and close %i, while another worker keeps working', async (_name, code, errCode, poke) => {
    const { c, engine } = await start({ maxFrameBytes: 4096 });
    const good = await Raw.open(c);
    await good.registered('good');
    const bad = await Raw.open(c);
    poke(bad);
    expect(await bad.closedWith()).toBe(code);
    expect(bad.of('error')[0]?.code).toBe(errCode);
    engine.add('ex_after');
    await until(() => good.of('assign').length === 1, 'assignment to the good worker');
    expect(good.closed).toBeUndefined();
    expect(c.workers().find((w) => w.id === 'good')?.state).toBe('connected');
  });

  it('a binary frame is refused by the transport with close 1003 (text frames only), while another worker keeps working', async () => {
    const { c, engine } = await start();
    const good = await Raw.open(c);
    await good.registered('good');
    const bad = await Raw.open(c);
    bad.ws.send(Buffer.from([0xff, 0x00, 0x13]), { binary: true });
    expect(await bad.closedWith()).toBe(1003);
    engine.add('ex_after');
    await until(() => good.of('assign').length === 1, 'assignment to the good worker');
    expect(good.closed).toBeUndefined();
  });

  it('rejects a second register on the same connection with 4405', async () => {
    const { c } = await start();
    const r = await Raw.open(c);
    await r.registered('w1');
    r.register('w1');
    expect(await r.closedWith()).toBe(4405);
  });

  it('closes with 4429 when no register arrives in time (even if that is longer than the heartbeat timeout)', async () => {
    const { c } = await start({ registerTimeoutMs: 300, heartbeatMs: 20, heartbeatTimeoutMs: 100 });
    const r = await Raw.open(c);
    expect(await r.closedWith()).toBe(4429);
  });

  it('requires the HMAC proof when a secret is set, and the nonce cannot be replayed', async () => {
    const { c, events } = await start({ secret: 'right' });
    const wrong = await Raw.open(c);
    wrong.register('w1', wrong.mac('wrong', 'w1'));
    expect(await wrong.closedWith()).toBe(4401);
    const missing = await Raw.open(c);
    missing.register('w1');
    expect(await missing.closedWith()).toBe(4401);
    const first = await Raw.open(c);
    const captured = first.mac('right', 'w1').auth.mac;
    const replay = await Raw.open(c);
    replay.register('w1', { auth: { mac: captured } });
    expect(await replay.closedWith()).toBe(4401);
    expect(events.filter((e) => e.type === 'auth_failed')).toHaveLength(3);
    expect(c.workers()).toHaveLength(0);
    await first.registered('w1', { auth: { mac: captured } });
    expect(c.workers()[0]?.state).toBe('connected');
  });

  it('verifies message signatures after registration and signs its own', async () => {
    const { c, engine } = await start({ secret: 'k', signMessages: true });
    const r = await Raw.open(c);
    await r.registered('w1', r.mac('k', 'w1'));
    expect(typeof r.of('registered')[0]?.sig).toBe('string');
    r.signKey = sessionSigningKey('k', r.nonce, r.clientNonce);
    engine.add('ex_1');
    await until(() => r.of('assign').length === 1, 'signed assign');
    r.reliable({ type: 'started', executionId: 'ex_1', attempt: 1, leaseToken: r.of('assign')[0]?.leaseToken });
    await until(() => engine.count('onStarted') === 1, 'signed started accepted');
    r.signKey = undefined;
    r.reliable({ type: 'drain' });
    expect(await r.closedWith()).toBe(4402);
  });
});

describe('a connection closed for a bad signature', () => {
  it('stops counting as connected at once, before its close arrives, so no pass claims for it', async () => {
    const { c, events } = await start({ secret: 'k', signMessages: true });
    const r = await Raw.open(c);
    await r.registered('w1', r.mac('k', 'w1'));
    // What the registry says right after the frame was refused (a microtask: before any close event can arrive).
    let stateAfterRefusal: string | undefined;
    const sink = events.push.bind(events);
    events.push = (...es) => {
      if (es.some((e) => e.type === 'protocol_error')) queueMicrotask(() => (stateAfterRefusal = c.workers()[0]?.state));
      return sink(...es);
    };
    r.reliable({ type: 'drain' }); // unsigned on a signing session
    expect(await r.closedWith()).toBe(4402);
    expect(stateAfterRefusal).toBe('disconnected');
    expect(events.filter((e) => e.type === 'worker_disconnected')).toEqual([expect.objectContaining({ workerId: 'w1', code: 4402 })]);
  });
});
