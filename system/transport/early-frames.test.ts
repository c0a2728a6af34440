import { describe, expect, it } from 'vitest';
import { EarlyFrames } from './early-frames.js';

/** A handler that logs what it is told. */
function recorder(): { log: string[]; handler: { onMessage(f: string): void; onClose(c: number, r: string): void } } {
  const log: string[] = [];
  return { log, handler: { onMessage: (f) => log.push(`msg ${f}`), onClose: (c, r) => log.push(`close ${c} ${r}`) } };
}

describe('EarlyFrames: frames before attach (shared by ws-connection.ts and the simulated Endpoint)', () => {
  it('replays the frames that came before attach, in order, then the close that came meanwhile', () => {
    const inbound = new EarlyFrames('c1');
    inbound.frame('welcome');
    inbound.frame('second');
    inbound.close(1000, 'bye');
    const r = recorder();
    inbound.attach(r.handler);
    expect(r.log).toEqual(['msg welcome', 'msg second', 'close 1000 bye']);
  });

  it('passes frames after attach straight through and reports the first close only, once', () => {
    const inbound = new EarlyFrames('c1');
    const r = recorder();
    inbound.attach(r.handler);
    inbound.frame('a');
    inbound.close(1006, '');
    inbound.close(1000, 'late');
    expect(r.log).toEqual(['msg a', 'close 1006 ']);
    expect(inbound.attached).toBe(true);
  });

  it('refuses a second attach', () => {
    const inbound = new EarlyFrames('c1');
    inbound.attach(recorder().handler);
    expect(() => inbound.attach(recorder().handler)).toThrow(/connection c1 already has a handler/);
  });
});
