/**
 * Broken CLIs for the CLI's edges (tests/sim/broken-cli-edges.test.ts),
 * each planted through a seam of the simulated CLI client
 * (harness/sim/wiring.ts CliWiring), as blind set 14 planted them in
 * system/cli:
 *
 * - `submit --wait` exits 1 only when every waited-for execution failed
 *   (#03, `every` for `some`): the exit code is dropped when the printed
 *   executions include a completed one;
 * - the body's content-length counted in UTF-16 units (#04): the header is
 *   rewritten to the JSON text's string length.
 *
 * The third (#05, a token file not trimmed) replaces system/cli's
 * resolveToken by vi.mock in the test file.
 */
import { EXIT } from '../../../system/cli/index.js';
import type { CliHttp, CliIo } from '../../../system/cli/index.js';
import type { CliWiring } from '../../../harness/sim/index.js';

/** Whether a --wait print (one execution or a list) shows a completed execution. */
function someCompleted(printed: string): boolean {
  try {
    const v = JSON.parse(printed) as unknown;
    return Array.isArray(v) && v.some((x) => (x as { status?: unknown }).status === 'completed');
  } catch {
    return false;
  }
}

/** `submit --wait` that exits 1 only if no waited-for execution completed. */
export const waitExitsOnlyIfAllFailed: CliWiring = {
  io: (io: CliIo): CliIo => {
    let printed = '';
    return {
      ...io,
      out: (t) => ((printed += t), io.out(t)),
      setExitCode: (c) => (c === EXIT.workFailed && someCompleted(printed) ? undefined : io.setExitCode(c)),
    };
  },
};

/** content-length = the body's length in UTF-16 code units, not its UTF-8 bytes. */
export const utf16ContentLength: CliWiring = {
  io: (io: CliIo): CliIo => {
    const http = io.http as CliHttp;
    return {
      ...io,
      http: {
        request: (r) => http.request(r.body === undefined ? r : { ...r, headers: { ...r.headers, 'content-length': String(r.body.toString('utf8').length) } }),
        stream: (r, sink) => http.stream(r, sink),
      },
    };
  },
};
