/**
 * latency {latency, jitter} (ms): each chunk leaves at (time it entered +
 * latency ± jitter), in order; the chunk's timestamp advances so chained
 * latency toxics add up (Toxiproxy 2.x). Jitter is uniform in [-jitter, jitter).
 */
import { SerialQueue, type ToxicDefinition } from './types.js';

export const latencyToxic: ToxicDefinition = {
  type: 'latency',
  attributes: [
    ['latency', 'int'],
    ['jitter', 'int'],
  ],
  run(ctx, a) {
    const latency = a['latency'] ?? 0;
    const jitter = a['jitter'] ?? 0;
    const delay = (): number => (jitter > 0 ? latency + ctx.random.int(0, 2 * jitter - 1) - jitter : latency);
    const queue = new SerialQueue(
      (chunk, done) => {
        const due = chunk.ts + delay();
        const send = (): void => {
          ctx.push({ data: chunk.data, ts: due });
          done();
        };
        const wait = due - ctx.now();
        if (wait <= 0) send();
        else ctx.setTimer(send, wait);
      },
      () => ctx.close(),
    );
    return {
      write: (chunk) => queue.add(chunk),
      end: () => queue.add('end'),
      interrupt: () => queue.drain(),
    };
  },
};
