import { describe, expect, it } from 'vitest';
import { encode } from '../protocol/codec.js';
import { encodeHello } from '../protocol/hello.js';
import { COORDINATOR_DEFAULTS } from './config.js';
import { acceptedHello } from './hello.js';
import { welcomeFor } from './welcome.js';

const register = (over: Record<string, unknown> = {}): string =>
  encode({ v: 2, type: 'register', protocolVersion: 2, workerId: 'w1', clientNonce: 'c'.repeat(32), capabilities: { kinds: ['echo'], concurrency: 1 }, ...over } as never);
const sync = (over: Record<string, unknown> = {}): string => encode({ v: 2, type: 'sync', tasks: [], ...over } as never);
const hello = (...frames: string[]): string => encodeHello(frames) as string;

describe('which hello the coordinator takes', () => {
  it('register and the early sync, without a secret', () => {
    expect(acceptedHello(COORDINATOR_DEFAULTS, hello(register(), sync()))).toEqual([register(), sync()]);
  });

  it('none with a secret, with zeroRtt off, or without a header', () => {
    expect(acceptedHello({ ...COORDINATOR_DEFAULTS, secret: 's'.repeat(32) }, hello(register()))).toBeUndefined();
    expect(acceptedHello({ ...COORDINATOR_DEFAULTS, zeroRtt: false }, hello(register()))).toBeUndefined();
    expect(acceptedHello(COORDINATOR_DEFAULTS, undefined)).toBeUndefined();
  });

  it('none whose first frame is not a register that decodes, or that carries a MAC', () => {
    expect(acceptedHello(COORDINATOR_DEFAULTS, hello(sync()))).toBeUndefined();
    expect(acceptedHello(COORDINATOR_DEFAULTS, hello(register().replace('"w1"', '"w2"')))).toBeUndefined(); // CRC no longer matches
    expect(acceptedHello(COORDINATOR_DEFAULTS, hello(register({ auth: { mac: 'ab'.repeat(32) } })))).toBeUndefined();
  });

  it('the register alone where the sync would not be taken as a frame (not offered, has a seq, not a sync)', () => {
    expect(acceptedHello({ ...COORDINATOR_DEFAULTS, earlySync: false }, hello(register(), sync()))).toEqual([register()]);
    expect(acceptedHello(COORDINATOR_DEFAULTS, hello(register(), sync({ seq: 1 })))).toEqual([register()]);
    expect(acceptedHello(COORDINATOR_DEFAULTS, hello(register(), register()))).toEqual([register()]);
  });

  it('says so in the welcome only when taken', () => {
    expect(welcomeFor(COORDINATOR_DEFAULTS, 'n'.repeat(32), true).helloAccepted).toBe(true);
    expect('helloAccepted' in welcomeFor(COORDINATOR_DEFAULTS, 'n'.repeat(32), false)).toBe(false);
  });
});
