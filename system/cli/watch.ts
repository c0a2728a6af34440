/**
 * `squall executions watch`: follows the coordinator's event stream (server-
 * sent events, coalesced to at most four pushes a second) and re-reads an
 * execution only when the stream mentions it, with a slow poll (--poll-ms)
 * as a safety net; if the stream is unavailable it just polls at that pace.
 * One line per status change; exits 0 when the execution completed, 1 when
 * it failed, was cancelled or timed out, 130 on Ctrl-C.
 */
import { ErrorCode } from '../core/errors.js';
import { apiJson, type ApiTarget } from './api-client.js';
import { type CliIo, sleep } from './cli-io.js';
import { type ClientFlags, wantsJson } from './client-options.js';
import { historyLine, TERMINAL, type ExecutionView } from './execution-view.js';
import { CliError, EXIT } from './exit-codes.js';
import { iso, isoTimes } from './format.js';
import { followFeed } from './sse.js';

/** Flags of watch and pause --wait. */
export interface WatchFlags {
  pollMs?: number;
  wait?: boolean;
  /** Print nothing (pause --wait prints the outcome itself). */
  quiet?: boolean;
  /** Also stop at these statuses (pause --wait: paused). */
  until?: ReadonlySet<string>;
}

interface FeedUpdate {
  events?: { type: string; at: number; workerId?: string; executionId?: string; detail?: string }[];
}

/** Resolves waiters early when the event stream mentions what we watch. */
class Nudge {
  private current = new AbortController();
  constructor(private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>) {}
  fire(): void {
    this.current.abort();
  }
  async wait(ms: number, stop: AbortSignal): Promise<void> {
    const mine = this.current;
    await this.sleep(ms, AbortSignal.any([mine.signal, stop]));
    if (mine.signal.aborted) this.current = new AbortController();
  }
}

/** Follows one execution until it ends (or reaches flags.until). */
export async function watchExecution(t: ApiTarget, id: string, flags: ClientFlags & WatchFlags, io: CliIo): Promise<void> {
  const stop = io.interrupted();
  const feedStop = new AbortController();
  const nudge = new Nudge((ms, signal) => (io.sleep === undefined ? sleep(ms, signal) : io.sleep(ms, signal)));
  const mentions = (d: unknown): boolean => ((d as FeedUpdate).events ?? []).some((e) => e.executionId === id);
  // A refused or missing stream is not fatal: the poll below still sees every change.
  const feed = followFeed(t, (d) => (mentions(d) ? nudge.fire() : undefined), AbortSignal.any([feedStop.signal, stop])).catch(() => undefined);
  const json = wantsJson(flags, io.isTTY);
  let shown = 0;
  try {
    for (;;) {
      const x = (await apiJson(t, 'GET', `/api/v1/executions/${encodeURIComponent(id)}`, `reading ${id}`)).json as ExecutionView;
      for (const h of flags.quiet === true ? [] : x.statusHistory.slice(shown)) {
        io.out(`${json ? JSON.stringify(isoTimes({ executionId: id, ...h })) : historyLine(h, io.now())}\n`);
      }
      shown = x.statusHistory.length;
      if (flags.until?.has(x.status) === true) return;
      if (TERMINAL.has(x.status)) {
        if (flags.quiet !== true && !json) io.out(`${id} ${x.status}${x.error === null ? '' : `: ${x.error.code}: ${x.error.message}`}\n`);
        if (x.status !== 'completed' && flags.until === undefined) io.setExitCode(EXIT.workFailed);
        return;
      }
      if (stop.aborted) return io.setExitCode(130);
      await nudge.wait(flags.pollMs ?? 2000, stop);
    }
  } finally {
    feedStop.abort();
    await feed;
  }
}

/** Prints every event of the feed as a line until Ctrl-C; the stream ending means the coordinator went away. */
export async function watchAll(t: ApiTarget, flags: ClientFlags, io: CliIo): Promise<void> {
  const stop = io.interrupted();
  const json = wantsJson(flags, io.isTTY);
  await followFeed(
    t,
    (d) => {
      for (const e of (d as FeedUpdate).events ?? []) {
        const line = json ? JSON.stringify(isoTimes(e)) : [iso(e.at), e.type.padEnd(18), e.workerId ?? '-', e.executionId ?? '-', e.detail ?? ''].join('  ').trimEnd();
        io.out(`${line}\n`);
      }
    },
    stop,
  );
  if (stop.aborted) return io.setExitCode(130);
  throw new CliError(ErrorCode.Unavailable, `the coordinator at ${t.base} closed the event stream (stopped or restarted)`, EXIT.unreachable);
}
