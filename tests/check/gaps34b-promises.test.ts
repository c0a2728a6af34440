/**
 * Synthetic histories for session 34's harness gaps (gaps34b):
 * - 11 delivery: the welcome offers the early sync exactly when the
 *   coordinator is configured to, and a worker sends the seq-less sync only
 *   after a welcome that offered it (promises-early-sync.ts), read from the
 *   handshake notes the simulated network leaves (record-nonces.ts, fed the
 *   frames as the system encodes them);
 * - 29 api-contract: a worker id with markup (fleet.markupWorker) in the
 *   dashboard's workers table and live feed, each region looked at on its
 *   own (ui-page.ts lookAtRegions): elements made of it, or the id not read
 *   as text, are reported naming the region.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { UiPageSession } from '../../harness/check/promises-ui-page.js';
import { MARKUP_WORKER_ID } from '../../harness/scenario/schema-security.js';
import { recordHandshake } from '../../harness/scenario/record-nonces.js';
import { encode } from '../../system/protocol/codec.js';
import type { AnyMessage } from '../../system/protocol/messages.js';
import { H, baseContext } from './builder.js';

const NONCE = 'ab'.repeat(16);

/** A welcome as the coordinator encodes it, offering the early sync or not. */
function welcome(earlySync: boolean): string {
  return encode({
    v: 2, type: 'welcome', serverVersion: '0.0.0', protocolVersions: [2], nonce: NONCE, authRequired: false, signMessages: false,
    heartbeatMs: 500, heartbeatTimeoutMs: 2000, maxFrameBytes: 1_048_576, compression: true, ...(earlySync ? { earlySync: true } : {}),
  } as AnyMessage);
}
const register = encode({ v: 2, type: 'register', protocolVersion: 2, workerId: 'w1', clientNonce: 'cd'.repeat(16), kinds: ['sleep'], concurrency: 1 } as unknown as AnyMessage);
const earlySync = encode({ v: 2, type: 'sync', tasks: [] } as unknown as AnyMessage);
const reliableSync = encode({ v: 2, type: 'sync', seq: 1, tasks: [] } as unknown as AnyMessage);

/** One handshake of w1: the welcome (offering or not), register, then the sync frames given. */
function handshake(offered: boolean, ...syncs: string[]): H {
  const h = new H().at(100);
  recordHandshake(h.rec, 'coordinator', welcome(offered), 'w1');
  h.at(101);
  recordHandshake(h.rec, 'w1', register, 'coordinator');
  for (const s of syncs) recordHandshake(h.rec, 'w1', s, 'coordinator');
  return h;
}
const messages = (h: H, earlySyncOn: boolean | undefined): string[] =>
  checkHistory(h.history(), ['delivery'], { ...baseContext, ...(earlySyncOn === undefined ? {} : { earlySync: earlySyncOn }) }).map((v) => v.message);

describe('11 delivery: the early sync is offered as configured and used only when offered', () => {
  it('passes an offer taken when on, and no offer and a reliable sync when off', () => {
    expect(messages(handshake(true, earlySync), true)).toEqual([]);
    expect(messages(handshake(false, reliableSync), false)).toEqual([]);
    // A worker may decline an offer (something to re-send first).
    expect(messages(handshake(true, reliableSync), true)).toEqual([]);
  });

  it('reports a welcome offering it with --no-early-sync, and one not offering it by default', () => {
    expect(messages(handshake(true, earlySync), false)).toEqual([
      expect.stringMatching(/^coordinator's welcome to w1 at t=100 offered the early sync, but the coordinator was configured not to \(--no-early-sync\)$/),
    ]);
    expect(messages(handshake(false, reliableSync), true)).toEqual([expect.stringMatching(/did not offer the early sync, but the coordinator was configured to offer it/)]);
  });

  it('reports a worker sending the early sync after a welcome that did not offer it, or before any welcome', () => {
    expect(messages(handshake(false, earlySync), undefined)).toEqual([
      expect.stringMatching(/^w1 sent a seq-less sync \(the early sync\) to coordinator at t=101 after coordinator's welcome at t=100 did not offer it/),
    ]);
    const h = new H().at(5);
    recordHandshake(h.rec, 'w2', earlySync, 'coordinator');
    expect(messages(h, true)).toEqual([expect.stringMatching(/^w2 sent a seq-less sync .* before any welcome reached it/)]);
  });

  it('records a 0-RTT register\'s early sync as an early sync carried in the upgrade, not judged before the welcome it precedes by design', () => {
    const h = new H().at(5);
    recordHandshake(h.rec, 'w2', register, 'coordinator', true);
    recordHandshake(h.rec, 'w2', earlySync, 'coordinator', true);
    expect(h.history().map((r) => r.value)).toEqual([expect.objectContaining({ field: 'clientNonce', inUpgrade: true }), { earlySync: 'sent', host: 'w2', to: 'coordinator', inUpgrade: true }]);
    expect(messages(h, true)).toEqual([]);
  });

  it('records nothing of an adversary\'s frames', () => {
    const h = new H();
    recordHandshake(h.rec, 'adversary', welcome(true), 'w1');
    expect(h.history()).toEqual([]);
  });
});

describe('29 api-contract: a worker id with markup shows as text in each region that shows it', () => {
  /** A page where the markup worker's id showed as given (ok) or made elements in the workers table (broken). */
  function page(broken: boolean): UiPageSession {
    const regions: [string, number, string][] = ['the workers table', 'the live feed', "the engine's kinds and breakers", 'the overview'].map((w) => [w, broken && w === 'the workers table' ? 2 : 0, broken && w === 'the workers table' ? 'img,b' : '']);
    return {
      openedAt: 100,
      signIn: { at: 150, asked: true, session: true, local: false },
      requests: [['/ui/events', 'token', 200]],
      injected: [['the page', broken ? 2 : 0, broken ? 'img,b' : ''], ...regions],
      texts: [['the workers table', MARKUP_WORKER_ID, !broken], ['the live feed', MARKUP_WORKER_ID, true]],
      graphs: [],
      workers: { pushed: [[MARKUP_WORKER_ID, 'connected', 0]], shown: [[broken ? 'worker & <1' : MARKUP_WORKER_ID, 'connected', '0']] },
    };
  }
  const check = (s: UiPageSession): string[] => {
    const h = new H().at(5_000);
    h.rec.recordInfo({ uiPage: s });
    return checkHistory(h.phase('end').history(), ['api-contract'], baseContext).map((v) => v.message);
  };

  it('passes the id shown as text everywhere', () => {
    expect(check(page(false))).toEqual([]);
  });

  it('reports the elements in the page and in the workers table, the id not read as text, and the row that does not match the push', () => {
    expect(check(page(true))).toEqual([
      expect.stringMatching(/shows 2 element\(s\) \(img,b\) made from the system's text in the page:/),
      expect.stringMatching(/shows 2 element\(s\) \(img,b\) made from the system's text in the workers table:/),
      expect.stringMatching(/does not show "<img src=x onerror=alert\(1\) data-injected><b data-injected>worker<\/b> &amp; &lt;1" as text in the workers table$/),
      expect.stringMatching(/shows 1 worker row\(s\) where its last push listed 1: <img .* \(connected, 0 reconnects\) as nothing/),
    ]);
  });
});
