/**
 * Broken CLIs for the CLI on long listings and a degraded fleet
 * (tests/sim/broken-cli17.test.ts, scenario cli-fleet), each planted
 * through the CliIo of the simulated CLI client (harness/sim/wiring.ts
 * CliWiring), as blind set 17 planted them in system/cli and their
 * neighbours in the class:
 *
 * - `executions list` sends the --cursor flag on every page instead of the
 *   cursor of the page it just read (#05): with --all it re-reads its first
 *   page forever;
 * - `squall workers`' summary counts every worker that is not lost as
 *   connected (#06);
 * - a command that, its answer read, waits for something that never comes
 *   (it never returns, without asking for anything more);
 * - `executions list` asks its later pages without --status and --task-id.
 *
 * A listing API that skips the execution after each cursor (none missing)
 * replaces the engine's ListingIndex by vi.mock in the test file.
 */
import type { CliHttp, CliHttpRequest, CliIo } from '../../../system/cli/index.js';
import type { CliWiring } from '../../../harness/sim/index.js';

const isListing = (r: CliHttpRequest): boolean => r.method === 'GET' && r.url.pathname === '/api/v1/executions';

/** The CliIo with its requests rewritten by `rewrite` (a fresh one per command). */
function rewriting(rewrite: (r: CliHttpRequest) => CliHttpRequest): CliWiring {
  return {
    io: (io: CliIo): CliIo => {
      const http = io.http as CliHttp;
      return { ...io, http: { request: (r) => http.request(rewrite(r)), stream: (r, sink) => http.stream(r, sink) } };
    },
  };
}

/** #05: every page of a listing asks the cursor its first page asked (the --cursor flag), not the previous page's nextCursor. */
export function cursorFlagOnEveryPage(): CliWiring {
  return {
    io: (io: CliIo): CliIo => {
      let first: string | null | undefined;
      return rewriting((r) => {
        if (!isListing(r)) return r;
        if (first === undefined) first = r.url.searchParams.get('cursor');
        const url = new URL(r.url);
        if (first === null) url.searchParams.delete('cursor');
        else url.searchParams.set('cursor', first);
        return { ...r, url };
      }).io?.(io) as CliIo;
    },
  };
}

/** #06: `N worker(s), M connected` with M the workers whose state is not lost. */
export const notLostCountedConnected: CliWiring = {
  io: (io: CliIo): CliIo => {
    const http = io.http as CliHttp;
    let states: string[] = [];
    return {
      ...io,
      http: {
        request: async (r) => {
          const a = await http.request(r);
          if (r.url.pathname === '/api/v1/workers' && a.status === 200) states = (JSON.parse(a.body) as { workers: { state: string }[] }).workers.map((w) => w.state);
          return a;
        },
        stream: (r, sink) => http.stream(r, sink),
      },
      out: (t) => io.out(t.replace(/^(\d+) worker\(s\), \d+ connected$/m, (_, n: string) => `${n} worker(s), ${states.filter((s) => s !== 'lost').length} connected`)),
    };
  },
};

/** `squall workers` that, its answer read, awaits something that never comes: it never returns. */
export const workersNeverReturn: CliWiring = {
  io: (io: CliIo): CliIo => {
    const http = io.http as CliHttp;
    return {
      ...io,
      http: {
        request: (r) => (r.url.pathname === '/api/v1/workers' ? http.request(r).then(() => new Promise(() => {})) : http.request(r)),
        stream: (r, sink) => http.stream(r, sink),
      },
    };
  },
};

/** `executions list` that asks the pages after the first without --status and --task-id. */
export const filtersOnFirstPageOnly: CliWiring = rewriting((r) => {
  if (!isListing(r) || !r.url.searchParams.has('cursor')) return r;
  const url = new URL(r.url);
  url.searchParams.delete('status');
  url.searchParams.delete('taskId');
  return { ...r, url };
});
