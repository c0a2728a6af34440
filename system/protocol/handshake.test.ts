/**
 * The welcome transcript (handshake.ts) must bind every parameter the
 * welcome announces: an on-path adversary that edits one (signMessages,
 * compression, a heartbeat number) must change both handshake MACs, or the
 * edit goes unnoticed. The fields are taken from the Welcome schema, so a
 * field added to the welcome and forgotten in the transcript fails here.
 * Shown able to fail: a transcript that omits the compression flag (a defect
 * a developer could commit) is caught, naming the field.
 */
import { describe, expect, it } from 'vitest';
import { coordinatorProof, registrationMac, welcomeTranscript } from './handshake.js';
import { Welcome, type Register } from './messages.js';

/** Envelope and integrity members (not parameters), and earlySync and helloAccepted, documented as outside the transcript (messages.ts). */
const NOT_PARAMETERS = new Set(['type', 'ack', 'sig', 'crc', 'earlySync', 'helloAccepted']);

const WELCOME: Welcome = {
  v: 2,
  type: 'welcome',
  serverVersion: '1.0.0',
  protocolVersions: [2],
  nonce: 'n'.repeat(32),
  authRequired: true,
  signMessages: true,
  heartbeatMs: 1000,
  heartbeatTimeoutMs: 3000,
  maxFrameBytes: 1024,
  compression: true,
};

/** The welcome with one field edited as an adversary would: a flag flipped, a number moved, a string or list changed. */
function edited(w: Welcome, field: string): Welcome {
  const value: unknown = (w as Record<string, unknown>)[field];
  let next: unknown;
  if (typeof value === 'boolean') next = !value;
  else if (typeof value === 'number') next = value + 1;
  else if (typeof value === 'string') next = `${value}x`;
  else if (Array.isArray(value)) next = [...(value as unknown[]), 1];
  else throw new Error(`welcome field "${field}" has a value of an unexpected type (${typeof value}); teach edited() to change it`);
  return { ...w, [field]: next };
}

/** Welcome parameters (from the schema) whose edit leaves the transcript unchanged. */
function unboundFields(transcript: (w: Welcome) => string): string[] {
  const fields = Object.keys(Welcome.shape).filter((f) => !NOT_PARAMETERS.has(f));
  const base = transcript(WELCOME);
  return fields.filter((f) => transcript(edited(WELCOME, f)) === base);
}

describe('welcome transcript', () => {
  it('covers every parameter of the welcome schema', () => {
    expect(Object.keys(Welcome.shape).filter((f) => !NOT_PARAMETERS.has(f))).toContain('compression');
    expect(unboundFields(welcomeTranscript)).toEqual([]);
  });

  it('an edit of any welcome parameter changes both handshake MACs', () => {
    const reg = { protocolVersion: 2, workerId: 'w1', clientNonce: 'c'.repeat(32), capabilities: { kinds: ['echo'], concurrency: 1 } } as Register;
    const r = { workerId: 'w1', sessionId: 'ss_1', resumed: true, lastSeq: 3, leaseMs: 1000 };
    const mac = registrationMac('k', WELCOME, reg);
    const proof = coordinatorProof('k', WELCOME, reg.clientNonce, r);
    for (const f of Object.keys(Welcome.shape).filter((x) => !NOT_PARAMETERS.has(x))) {
      expect(registrationMac('k', edited(WELCOME, f), reg), `registration MAC unchanged by an edited ${f}`).not.toBe(mac);
      expect(coordinatorProof('k', edited(WELCOME, f), reg.clientNonce, r), `coordinator proof unchanged by an edited ${f}`).not.toBe(proof);
    }
  });

  it('catches a transcript that omits the compression flag (broken variant)', () => {
    const withoutCompression = (w: Welcome): string => welcomeTranscript({ ...w, compression: true });
    expect(unboundFields(withoutCompression)).toEqual(['compression']);
  });
});
