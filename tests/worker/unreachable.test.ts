/**
 * A worker whose coordinator cannot be reached says so (each failed attempt
 * with the next delay, at most 5 lines per 30 s, then how many it did not
 * log) and stops at once when asked: nothing runs, nothing awaits an ack, so
 * there is nothing to drain. Manual clock, a transport that always refuses.
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../system/coordinator/testing.js';
import { realCpu } from '../../system/core/cpu.js';
import type { Logger } from '../../system/core/logger.js';
import { seededRandom } from '../../system/core/random.js';
import type { Transport } from '../../system/core/transport.js';
import { builtinTaskKinds } from '../../system/tasks/registry.js';
import { Worker } from '../../system/worker/worker.js';

function capture(): { logger: Logger; warns: string[] } {
  const warns: string[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (o: unknown, m?: string) => void warns.push(typeof o === 'string' ? o : (m ?? '')),
    error: () => {},
    child: () => logger,
  } as unknown as Logger;
  return { logger, warns };
}

const refusing: Transport = {
  listen: () => Promise.reject(new Error('not used')),
  connect: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7798'), { code: 'ECONNREFUSED' })),
};

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('a worker that cannot reach its coordinator', () => {
  it('logs each failed attempt with the next delay, rate-limited, and stops at once', async () => {
    const clock = manualClock();
    const { logger, warns } = capture();
    const w = new Worker(
      { transport: refusing, clock, random: seededRandom(1), logger, events: { emit: () => {} }, cpu: realCpu, taskKinds: builtinTaskKinds() },
      { id: 'w1', coordinatorUrl: 'ws://127.0.0.1:7798', backoff: { strategy: 'none', initialMs: 100, maxMs: 100, multiplier: 1 } },
    );
    w.start();
    for (let i = 0; i < 8; i++) {
      await settle();
      clock.advance(100);
    }
    await settle();
    expect(warns.length).toBe(5);
    expect(warns[0]).toMatch(/^cannot connect to ws:\/\/127\.0\.0\.1:7798.*ECONNREFUSED.*; retrying in 100 ms$/);
    clock.advance(30_000);
    for (let i = 0; i < 3; i++) await settle();
    await settle();
    expect(warns.at(-1)).toMatch(/retrying in 100 ms \(\d+ more failed attempt\(s\) not logged\)$/);
    let stopped = false;
    void w.stop({ drain: true, timeoutMs: 30_000 }).then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(true); // no 30 s drain wait: the clock did not move
  });
});
