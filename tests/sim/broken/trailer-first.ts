/**
 * Blind set 19 #20's reading of a frame, for the vi.mock of the codec in
 * tests/sim/broken-wire19.test.ts. Imports nothing: the mock factory loads
 * it while the codec is being mocked.
 */

/**
 * #20 as the codec would read `frame`: a trailer is taken at the first `,"crc":"` (`,"sig":"`) of the frame,
 * so when an earlier one exists the real trailer is not found (renamed here, which decode reports the same way:
 * a frame without its integrity check).
 */
export function firstTrailerOnly(frame: string): string {
  let out = frame;
  for (const name of ['crc', 'sig']) {
    const head = `,"${name}":"`;
    const last = out.lastIndexOf(head);
    if (last > out.indexOf(head)) out = `${out.slice(0, last)},"${name}_":"${out.slice(last + head.length)}`;
  }
  return out;
}
