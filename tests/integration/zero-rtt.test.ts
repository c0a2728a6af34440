/**
 * The 0-RTT register over real sockets (protocol/hello.ts, docs/PROTOCOL.md
 * "0-RTT register"): a worker without a secret carries register + early sync
 * in its upgrade request and the coordinator answers welcome + registered
 * without a register frame on the wire; both halves of an old/new pairing
 * (a coordinator that ignores the header, a worker that sends none) fall back
 * to the register frame; with a secret there is no hello; a hello the
 * coordinator cannot take gets a plain welcome and the 2-RTT path.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Connection, ConnectOptions, ListenOptions, Transport } from '../../system/core/transport.js';
import { encode } from '../../system/protocol/codec.js';
import { encodeHello, HELLO_HEADER } from '../../system/protocol/hello.js';
import { wsTransport } from '../../system/transport/index.js';
import { Fixture, http, waitFor, waitForStatus } from './helpers.js';

let fx: Fixture;
afterEach(async () => {
  await fx.cleanup();
});

/** What crossed the production transport: the hellos connects carried and onConnection got, and the frame types the server read. */
class Tap {
  readonly sent: (string | undefined)[] = [];
  readonly received: (string | undefined)[] = [];
  readonly serverFrames: string[] = [];

  transport(): Transport {
    const ws = wsTransport();
    return {
      connect: (url: string, opts: ConnectOptions) => {
        this.sent.push(opts.hello);
        return ws.connect(url, opts);
      },
      listen: (opts: ListenOptions) =>
        ws.listen({
          ...opts,
          onConnection: (conn, info) => {
            this.received.push(info.hello);
            opts.onConnection(this.tapped(conn), info);
          },
        }),
    };
  }

  private tapped(conn: Connection): Connection {
    const attach = conn.attach.bind(conn);
    conn.attach = (h) =>
      attach({
        onMessage: (frame) => {
          this.serverFrames.push(String((JSON.parse(frame) as { type: unknown }).type));
          h.onMessage(frame);
        },
        onClose: (code, reason) => h.onClose(code, reason),
      });
    return conn;
  }
}

describe('0-RTT register over loopback', () => {
  it('new worker, new coordinator: register and early sync ride in the upgrade; no register frame on the wire', async () => {
    fx = new Fixture();
    const tap = new Tap();
    const c = await fx.coordinator({}, undefined, tap.transport());
    const w = fx.worker(c.url, 'w1', {}, tap.transport());
    await waitFor(() => w.stats().state === 'ready', 'registered');
    expect(tap.sent[0]).toBeTypeOf('string');
    expect(tap.received[0]).toBe(tap.sent[0]);
    expect(tap.serverFrames).not.toContain('register');
    expect(tap.serverFrames).not.toContain('sync'); // the early sync rode in the hello too
    const res = await http(c, 'POST', '/api/v1/executions', { kind: 'echo', params: { value: 'zero' } });
    expect((await waitForStatus(c, res.body.executionId as string, 'completed')).result).toBe('zero');
  });

  it('a coordinator that ignores the header (an older one): plain welcome, the worker registers with a frame', async () => {
    fx = new Fixture();
    const tap = new Tap();
    const c = await fx.coordinator({ zeroRtt: false }, undefined, tap.transport());
    const w = fx.worker(c.url, 'w1', {}, tap.transport());
    await waitFor(() => w.stats().state === 'ready', 'registered');
    expect(tap.received[0]).toBeTypeOf('string');
    expect(tap.serverFrames.slice(0, 2)).toEqual(['register', 'sync']);
    const res = await http(c, 'POST', '/api/v1/executions', { kind: 'echo', params: { value: 'old-c' } });
    expect((await waitForStatus(c, res.body.executionId as string, 'completed')).result).toBe('old-c');
  });

  it('a worker that sends no header (an older one) registers as before with a new coordinator', async () => {
    fx = new Fixture();
    const tap = new Tap();
    const c = await fx.coordinator({}, undefined, tap.transport());
    const w = fx.worker(c.url, 'w1', { zeroRtt: false }, tap.transport());
    await waitFor(() => w.stats().state === 'ready', 'registered');
    expect(tap.sent).toEqual([undefined]);
    expect(tap.serverFrames.slice(0, 2)).toEqual(['register', 'sync']);
  });

  it('taken without the early sync where the coordinator does not offer it: the worker syncs after registered', async () => {
    fx = new Fixture();
    const tap = new Tap();
    const c = await fx.coordinator({ earlySync: false }, undefined, tap.transport());
    const w = fx.worker(c.url, 'w1', {}, tap.transport());
    await waitFor(() => w.stats().state === 'ready', 'registered and synced');
    expect(tap.serverFrames).not.toContain('register');
    expect(tap.serverFrames[0]).toBe('sync');
  });

  it('with a shared secret: no hello (the MAC needs the welcome nonce); the 2-RTT handshake', async () => {
    fx = new Fixture();
    const tap = new Tap();
    const secret = 's'.repeat(32);
    const c = await fx.coordinator({ secret }, undefined, tap.transport());
    const w = fx.worker(c.url, 'w1', { secret }, tap.transport());
    await waitFor(() => w.stats().state === 'ready', 'registered');
    expect(tap.sent).toEqual([undefined]);
    expect(tap.serverFrames[0]).toBe('register');
  });
});

/** Upgrades with this header value; the first frames the raw client reads. */
async function upgradeWith(url: string, hello: string): Promise<{ frames: Record<string, unknown>[]; ws: WebSocket }> {
  const ws = new WebSocket(`${url}/ws`, { headers: { [HELLO_HEADER]: hello } });
  fx.onCleanup(() => ws.terminate());
  ws.on('error', () => {});
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Record<string, unknown>));
  await waitFor(() => frames.length > 0, 'welcome');
  await new Promise((r) => setTimeout(r, 100));
  return { frames, ws };
}

const register = (over: Record<string, unknown> = {}): string =>
  encode({ v: 2, type: 'register', protocolVersion: 2, workerId: 'raw', clientNonce: 'c'.repeat(32), capabilities: { kinds: ['echo'], concurrency: 1 }, ...over } as never);

describe('the coordinator reading a hello', () => {
  it('takes a valid one: welcome (helloAccepted) and registered in the same answer', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    const { frames } = await upgradeWith(c.url, encodeHello([register()]) as string);
    expect(frames.map((f) => f.type).slice(0, 2)).toEqual(['welcome', 'registered']);
    expect(frames[0]?.helloAccepted).toBe(true);
  });

  it.each([
    ['garbage', 'not base64 at all!'],
    ['a corrupted register (CRC)', encodeHello([register().replace('"raw"', '"rax"')]) as string],
    ['a frame that is not a register', encodeHello([encode({ v: 2, type: 'sync', tasks: [] } as never)]) as string],
    ['a register carrying a MAC (no 0-RTT with a secret)', encodeHello([register({ auth: { mac: 'ab'.repeat(32) } })]) as string],
    ['too long', 'A'.repeat(5000)],
  ])('ignores %s: a plain welcome, then waits for a register frame', async (_what, hello) => {
    fx = new Fixture();
    const c = await fx.coordinator();
    const { frames, ws } = await upgradeWith(c.url, hello);
    expect(frames).toHaveLength(1);
    expect(frames[0]?.type).toBe('welcome');
    expect(frames[0]?.helloAccepted).toBeUndefined();
    ws.send(register());
    await waitFor(() => frames.some((f) => f.type === 'registered'), 'registered by the frame');
  });

  it('refuses a taken register the frame path would refuse (an unsupported protocolVersion) with its close code', async () => {
    fx = new Fixture();
    const c = await fx.coordinator();
    const ws = new WebSocket(`${c.url}/ws`, { headers: { [HELLO_HEADER]: encodeHello([register({ protocolVersion: 99 })]) as string } });
    fx.onCleanup(() => ws.terminate());
    ws.on('error', () => {});
    const code = await new Promise<number>((resolve) => ws.on('close', (cd) => resolve(cd)));
    expect(code).toBe(4426);
  });
});
