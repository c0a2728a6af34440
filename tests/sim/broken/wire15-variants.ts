/**
 * Blind set 15's wire defects as seams (tests/sim/broken-wire15.test.ts),
 * each planted for one run and undone after it.
 */
import { FATAL_CLOSE_CODES, CloseCode } from '../../../system/protocol/index.js';
import { wireCloseCode } from '../../../system/transport/index.js';
import { Endpoint } from '../../../harness/sim/connection.js';
import { attemptSeam } from '../../../harness/sim/handshake.js';

/** Set 15 #19: the transport treats 4000-4999 as unsendable and sends 1011 instead (through the simulated endpoint's wire-policy seam). */
export async function withApplicationCodesAsInternal<T>(body: () => Promise<T>): Promise<T> {
  const original = Endpoint.closeCode;
  Endpoint.closeCode = (code) => (code >= 4000 && code <= 4999 ? 1011 : wireCloseCode(code));
  try {
    return await body();
  } finally {
    Endpoint.closeCode = original;
  }
}

/** Set 15 #23: 4409 Replaced is not a fatal close code (the worker reconnects and replaces its replacement back). */
export async function withReplacedNotFatal<T>(body: () => Promise<T>): Promise<T> {
  const codes = FATAL_CLOSE_CODES as Set<number>;
  codes.delete(CloseCode.Replaced);
  try {
    return await body();
  } finally {
    codes.add(CloseCode.Replaced);
  }
}

/** Set 14 #30: a failed connect does not end its socket (through the simulated handshake's seam on the production bookkeeping). */
export async function withFailedConnectsLeftOpen<T>(body: () => Promise<T>): Promise<T> {
  const original = attemptSeam.watch;
  attemptSeam.watch = (opts, carrier, errors, done) => original(opts, { ...carrier, end: () => {} }, errors, done);
  try {
    return await body();
  } finally {
    attemptSeam.watch = original;
  }
}
