/**
 * bandwidth {rate} (KB/s, 1 KB = 1000 bytes): chunks leave no faster than the
 * rate; a chunk bigger than 100 ms worth of data goes out in 100 ms slices, as
 * Toxiproxy does. rate <= 0 passes data through unthrottled.
 */
import { SerialQueue, type ToxicDefinition } from './types.js';

export const bandwidthToxic: ToxicDefinition = {
  type: 'bandwidth',
  attributes: [['rate', 'int']],
  run(ctx, a) {
    const rate = a['rate'] ?? 0;
    /** Milliseconds owed for data already accepted (Toxiproxy's `sleep`). */
    let owed = 0;
    const queue = new SerialQueue(
      (chunk, done) => {
        if (rate <= 0) {
          ctx.push(chunk);
          done();
          return;
        }
        owed += chunk.data.length / rate;
        const slice = rate * 100;
        let rest = chunk;
        const sendSlices = (): void => {
          if (rest.data.length > slice) {
            ctx.setTimer(() => {
              ctx.push({ data: rest.data.subarray(0, slice), ts: rest.ts });
              rest = { data: rest.data.subarray(slice), ts: rest.ts };
              queue.setHead(rest);
              owed -= 100;
              sendSlices();
            }, 100);
            return;
          }
          const start = ctx.now();
          ctx.setTimer(() => {
            owed -= ctx.now() - start;
            ctx.push(rest);
            done();
          }, Math.max(0, owed));
        };
        sendSlices();
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
