/**
 * Blind set 21's wire defects as broken variants (tests/sim/broken-wire21.test.ts).
 * #02 through the simulated handshake's seam for the production connect
 * bookkeeping (harness/sim/handshake.ts attemptSeam); #28 is a vi.mock of
 * system/protocol/fast-decode-handshake.ts in the test file.
 */
import { attemptSeam } from '../../../harness/sim/handshake.js';

/**
 * Broken (set 21 #02): a settled connect attempt does not remove its abort listener from the caller's
 * signal: the attempt is given a view of the signal whose removeEventListener does nothing.
 */
export async function withAbortListenersKept<T>(body: () => Promise<T>): Promise<T> {
  const original = attemptSeam.watch;
  attemptSeam.watch = (opts, carrier, errors, done) => {
    const s = opts.signal;
    if (s === undefined) return original(opts, carrier, errors, done);
    const sticky = {
      get aborted() {
        return s.aborted;
      },
      get reason(): unknown {
        return s.reason;
      },
      addEventListener: (type: string, listener: () => void, o?: { once?: boolean }) => s.addEventListener(type, listener, o),
      removeEventListener: () => {},
    } as unknown as AbortSignal;
    return original({ ...opts, signal: sticky }, carrier, errors, done);
  };
  try {
    return await body();
  } finally {
    attemptSeam.watch = original;
  }
}
