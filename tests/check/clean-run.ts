/**
 * The clean reference history the promise tests start from (every promise
 * holds in it), and a one-promise check over a history.
 */
import type { CheckContext } from '../../harness/check/context.js';
import type { PromiseName } from '../../harness/check/promises.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

export const blackholeW2 = { id: 'f1', action: 'timeout', target: 'w2', workers: ['w2'], coordinator: false, params: { timeoutMs: 0, stream: 'both' } };

/** w2 keeps retrying with growing full-jitter backoff from `from` until `until`, then connects. */
function retryUntil(h: H, w: string, from: number, until: number): H {
  let t = from;
  let attempt = 1;
  while (t < until) {
    const cap = Math.min(2000, 100 * 2 ** (attempt - 1));
    const delay = Math.round(cap * (0.3 + 0.4 * ((attempt * 7) % 5) / 4));
    h.at(t).emit(w, { type: 'backoff', workerId: w, attempt, delayMs: delay, strategy: 'full-jitter', capMs: cap, floorMs: 0 });
    t += delay;
    h.at(t).emit(w, { type: 'connecting', workerId: w, attempt });
    t += 10;
    attempt++;
  }
  return h.at(t).connect(w, `c-${w}-back`, attempt);
}

/** A run where every promise holds: dependencies, a retry, a reassignment with checkpoints, a detected blackhole. */
export function clean(): H {
  const h = new H();
  h.phase('faults').connect('w1').connect('w2');
  h.at(5).emit('coordinator', { type: 'auth_failed', workerId: 'w9', connectionId: 'rogue', reason: 'bad proof' });
  h.at(10).submit('a').submit('b', { deps: ['a'] });
  h.submit('c', { maxAttempts: 3, retry: { strategy: 'fixed', maxRetries: 2, delayMs: 500, maxDelayMs: 500 } }).submit('d');
  h.at(20).run('a', 'w1', 1, 'a1');
  h.at(30).status('b', 'pending', 'scheduled', 0).run('b', 'w2', 1, 'b1');
  h.at(40).claim('c', 'w1', 1, 'c1').start('c', 'w1', 1, 'c1').at(100).finish('c', 'w1', 1, 'c1', 'failed', 'retrying');
  h.at(200).claim('d', 'w2', 1, 'd1').start('d', 'w2', 1, 'd1').at(400).checkpoint('d', 1, 1);
  h.at(700).claim('c', 'w1', 2, 'c2', undefined, 'retrying').start('c', 'w1', 2, 'c2').finish('c', 'w1', 2, 'c2');
  h.at(800).checkpoint('d', 2, 1);
  h.at(1000).fault('start', blackholeW2);
  h.at(2500).expire('d', 'w2', 1, 'd1');
  h.at(2600).claim('d', 'w1', 2, 'd2', 2).start('d', 'w1', 2, 'd2', 2).at(2700).checkpoint('d', 3, 2).at(2900).finish('d', 'w1', 2, 'd2');
  h.at(3000).emit('coordinator', { type: 'heartbeat_timeout', side: 'coordinator', workerId: 'w2', connectionId: 'c-w2-0', silentForMs: 2001 });
  h.emit('coordinator', { type: 'worker_disconnected', workerId: 'w2', connectionId: 'c-w2-0', code: 4408, reason: 'heartbeat timeout' });
  h.at(3100).emit('w2', { type: 'heartbeat_timeout', side: 'worker', workerId: 'w2', connectionId: 'c-w2-0', silentForMs: 2001 });
  h.emit('w2', { type: 'disconnected', workerId: 'w2', code: 4408, reason: 'heartbeat timeout' });
  retryUntil(h, 'w2', 3100, 5000);
  h.fault('stop', blackholeW2);
  h.at(6000).phase('heal').at(8000).phase('end');
  return h;
}

export function check(h: H, promise: PromiseName, ctx: CheckContext = baseContext) {
  return checkHistory(h.history(), [promise], ctx);
}

