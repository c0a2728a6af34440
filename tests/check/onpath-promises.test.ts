/**
 * Promise 8 against on-path adversaries and corrupted frames, on synthetic
 * histories (harness/check/promises-onpath.ts, promises-integrity.ts): each
 * rule reports the history that breaks it and passes the one where the
 * system refused, in the shapes the simulation records (adversary notes,
 * `net` notes of corrupted frames read by a live receiver).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

function auth(h: H): string[] {
  return checkHistory(h.rec.history(), ['auth'], baseContext).map((v) => v.message);
}

/** A corrupted frame read by `to` at the current time. */
function corrupt(h: H, from: string, to: string, conn = 'c7'): H {
  h.rec.recordInfo({ corrupted: conn, from, to, frame: 12 }, 'net');
  return h;
}

describe('8 auth: corrupted frames', () => {
  it('passes when the coordinator and the worker refuse a corrupted frame at once', () => {
    const h = new H().connect('w1', 'c7').at(100);
    corrupt(h, 'w1', 'coordinator').emit('coordinator', { type: 'protocol_error', connectionId: 'c7', code: 'malformed', message: 'crc', closeCode: 4400 });
    h.at(200);
    corrupt(h, 'coordinator', 'w1').emit('w1', { type: 'disconnected', workerId: 'w1', code: 4402, reason: 'message signature invalid' });
    expect(auth(h)).toEqual([]);
  });

  it('reports a corrupted frame the coordinator read and did not refuse', () => {
    const h = new H().connect('w1', 'c7').at(100);
    corrupt(h, 'w1', 'coordinator').at(101).emit('coordinator', { type: 'protocol_error', connectionId: 'c7', code: 'malformed', message: 'late', closeCode: 4400 });
    expect(auth(h)).toEqual([
      expect.stringMatching(/corrupted frame 12 of c7 \(w1>coordinator\) at t=100 was read and not rejected: no protocol_error on c7/),
      // The late refusal itself matches no corrupted frame read in its instant.
      expect.stringMatching(/the coordinator refused a frame on c7 as malformed at t=101 .* an honest frame refused as damaged/),
    ]);
  });

  it('reports an honest frame refused as damaged, by the coordinator or by a worker of its own accord', () => {
    const h = new H().connect('w1', 'c7').at(100);
    h.emit('coordinator', { type: 'protocol_error', connectionId: 'c7', code: 'bad_signature', message: 'message signature missing on "error"', closeCode: 4402 });
    h.at(200).emit('w1', { type: 'disconnected', workerId: 'w1', code: 4402, reason: 'message signature missing on "error": "sig" must be its last member' });
    expect(auth(h)).toEqual([
      expect.stringMatching(/the coordinator refused a frame on c7 as bad_signature at t=100 .* an honest frame refused as damaged/),
      expect.stringMatching(/w1 refused a frame from the coordinator with 4402 at t=200 .* an honest frame refused as damaged/),
    ]);
  });

  it('passes a worker closed by the coordinator\'s refusal (its reason is the coordinator\'s), and a non-integrity refusal', () => {
    const h = new H().connect('w1', 'c7').at(100);
    corrupt(h, 'w1', 'coordinator').emit('coordinator', { type: 'protocol_error', connectionId: 'c7', code: 'bad_signature', message: 'bad signature on "result"', closeCode: 4402 });
    h.at(101).emit('w1', { type: 'disconnected', workerId: 'w1', code: 4402, reason: 'bad signature on "result"' });
    h.at(300).emit('coordinator', { type: 'protocol_error', connectionId: 'c7', code: 'too_large', message: 'frame too large', closeCode: 4413 });
    expect(auth(h)).toEqual([]);
  });

  it('reports a corrupted frame a worker read without disconnecting with a rejection code', () => {
    const h = new H().connect('w1', 'c7').at(100);
    corrupt(h, 'coordinator', 'w1').emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: 'connection closed' });
    expect(auth(h)).toEqual([expect.stringMatching(/corrupted frame 12 of c7 \(coordinator>w1\) .* w1 did not disconnect with a rejection code/)]);
  });
});

describe('8 auth: on-path adversaries', () => {
  const inject = (h: H, attack: string): H => {
    h.rec.recordInfo({ attack, victim: 'w1', connection: 'c7', withinMs: 500 }, 'adversary');
    return h;
  };

  it('passes an injection refused on the victim connection, or one whose connection ended first', () => {
    const h = inject(new H().connect('w1', 'c7').at(100), 'injected-ack').at(101);
    h.emit('coordinator', { type: 'protocol_error', connectionId: 'c7', code: 'bad_signature', message: 'missing', closeCode: 4402 });
    inject(h.at(1000), 'injected-crc').at(1200).emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: 'c7', code: 1006, reason: '' });
    expect(auth(h)).toEqual([]);
  });

  it('reports an injected unsigned frame that was not refused before the next attack', () => {
    const h = inject(new H().connect('w1', 'c7').at(100), 'injected-ack').at(600);
    h.emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: 'c7', code: 1006, reason: '' });
    expect(auth(h)).toEqual([expect.stringMatching(/unsigned frame \(injected-ack\) injected into w1's signing session c7 at t=100 was not refused/)]);
  });

  it('reports a registration after an edited welcome, and passes a refused one', () => {
    const edit = (h: H): H => {
      h.rec.recordInfo({ attack: 'edited-welcome', victim: 'w1', field: 'compression', from: true, to: false }, 'adversary');
      return h;
    };
    const refused = edit(new H().at(100)).at(102).emit('coordinator', { type: 'auth_failed', workerId: 'w1', connectionId: 'c8', reason: 'MAC' }).at(300).connect('w1', 'c9');
    expect(auth(refused)).toEqual([]);
    const accepted = edit(new H().at(100)).at(102).connect('w1', 'c8');
    expect(auth(accepted)).toEqual([expect.stringMatching(/w1 registered \((connected|worker_registered)\) at t=102 after a welcome edited in flight \(compression: true -> false\)/)]);
    // Registered by the coordinator, then stopped by a later check (the signature): the MAC still let the edit through.
    const stoppedLater = edit(new H().at(100))
      .at(102)
      .emit('coordinator', { type: 'worker_registered', workerId: 'w1', sessionId: 'ss_1', resumed: false, connectionId: 'c8' })
      .at(103)
      .emit('w1', { type: 'disconnected', workerId: 'w1', code: 4401, reason: 'bad signature' });
    expect(auth(stoppedLater)).toEqual([expect.stringMatching(/w1 registered \(worker_registered\) at t=102 after a welcome edited/)]);
  });

  it('reports a registration of a register edited in flight (set 12 #26), and passes a refused one', () => {
    const edit = (h: H): H => {
      h.rec.recordInfo({ attack: 'edited-register', victim: 'w1', field: 'resume.lastSeq', from: 5, to: 6 }, 'adversary');
      return h;
    };
    const refused = edit(new H().at(100)).at(102).emit('coordinator', { type: 'auth_failed', workerId: 'w1', connectionId: 'c8', reason: 'MAC' }).at(300).connect('w1', 'c9');
    expect(auth(refused)).toEqual([]);
    const accepted = edit(new H().at(100)).at(102).connect('w1', 'c8');
    expect(auth(accepted)).toEqual([expect.stringMatching(/w1 registered \((connected|worker_registered)\) at t=102 after its register was edited in flight \(resume\.lastSeq: 5 -> 6\)/)]);
  });

  it('reports a worker that believed an impostor coordinator and ran its assign, and passes one that closed 4403', () => {
    const impostor = (h: H): H => {
      h.rec.recordInfo({ attack: 'impostor-coordinator', victim: 'w1', connection: 'c8', executionId: 'impostor-1' }, 'adversary');
      return h;
    };
    const refused = impostor(new H().at(100)).at(101).emit('w1', { type: 'disconnected', workerId: 'w1', code: 4403, reason: 'coordinator authentication failed' });
    expect(auth(refused.at(300).connect('w1', 'c9'))).toEqual([]);
    const fooled = impostor(new H().at(100)).at(101).emit('w1', { type: 'connected', workerId: 'w1', sessionId: 's-w1', resumed: true, afterMs: 1 });
    fooled.emit('w1', { type: 'task_started', workerId: 'w1', executionId: 'impostor-1', attempt: 1, leaseToken: 'impostor-1-lease' });
    expect(auth(fooled)).toEqual([
      expect.stringMatching(/w1 took an impostor coordinator's registered .* as genuine: connected at t=101/),
      expect.stringMatching(/w1 acted on an assign from an impostor coordinator \(impostor-1\): task_started/),
    ]);
  });
});
