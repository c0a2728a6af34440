/**
 * A welcome announces the coordinator's configuration (harness/check/promises-welcome.ts):
 * each parameter judged under its promise, from the handshake notes the
 * simulated network leaves (harness/scenario/record-nonces.ts).
 */
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../harness/check/context.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { recordHandshake } from '../../harness/scenario/record-nonces.js';
import { encode } from '../../system/protocol/codec.js';
import type { AnyMessage } from '../../system/protocol/messages.js';
import { H, baseContext } from './builder.js';

const CONFIGURED = { authRequired: true, signMessages: true, heartbeatMs: 500, heartbeatTimeoutMs: 2000, maxFrameBytes: 65_536, compression: true };

/** One welcome from the coordinator to w1, as the coordinator encodes it, with `changed` in place of the configured values. */
function history(changed: Partial<typeof CONFIGURED> = {}): H {
  const h = new H().at(100);
  const frame = encode({ v: 2, type: 'welcome', serverVersion: '0.0.0', protocolVersions: [2], nonce: 'ab'.repeat(16), ...CONFIGURED, ...changed } as AnyMessage);
  recordHandshake(h.rec, 'coordinator', frame, 'w1');
  return h;
}

const ctx: CheckContext = { ...baseContext, welcome: CONFIGURED };
const judged = (h: H, c: CheckContext = ctx): string[] =>
  checkHistory(h.history(), ['auth', 'liveness', 'wire'], c).map((v) => `${v.promise.name}: ${v.message}`);

describe('a welcome announces the configuration the coordinator runs with (auth, liveness, wire)', () => {
  it('passes a welcome announcing every parameter as configured', () => {
    expect(judged(history())).toEqual([]);
  });

  it('reports each parameter announced otherwise under the promise it is about', () => {
    expect(judged(history({ compression: false }))).toEqual([
      "wire: coordinator's welcome to w1 at t=100 announced compression false (configured: true): a welcome announces the configuration the coordinator runs with",
    ]);
    expect(judged(history({ signMessages: false, heartbeatTimeoutMs: 500 }))).toEqual([
      "auth: coordinator's welcome to w1 at t=100 announced signMessages false (configured: true): a welcome announces the configuration the coordinator runs with",
      "liveness: coordinator's welcome to w1 at t=100 announced heartbeatTimeoutMs 500 (configured: 2000): a welcome announces the configuration the coordinator runs with",
    ]);
    expect(judged(history({ maxFrameBytes: 1_048_576, authRequired: false })).map((m) => m.split(':')[0])).toEqual(['auth', 'wire']);
  });

  it('judges only the fields the context gives (none: nothing)', () => {
    expect(judged(history({ compression: false, heartbeatMs: 1 }), { ...baseContext, welcome: { heartbeatTimeoutMs: 2000 } })).toEqual([]);
    expect(judged(history({ compression: false }), { ...baseContext })).toEqual([]);
  });
});
