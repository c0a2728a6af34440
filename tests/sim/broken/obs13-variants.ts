/**
 * Broken variants of blind set 13's metrics, dashboard, timestamp and token
 * store misses (#04, #05, #06, #07, #10), injected through the simulation's
 * seams (SimWiring.wrapHttp around the coordinator's HTTP handler,
 * wrapTokens around its token store, engineFactory for the engine), never a
 * patch (tests/sim/broken-obs13.test.ts).
 */
import type { TokenRecord, TokenStore } from '../../../system/coordinator/index.js';
import type { HttpHandler, HttpStreamSink } from '../../../system/core/index.js';
import type { ResultReport, ResultVerdict } from '../../../system/engine/contract.js';
import { Engine } from '../../../system/engine/engine.js';

const ON_METRICS = (req: { method: string; path: string }): boolean => req.method === 'GET' && req.path === '/metrics';

/** #05: squall_reconnect_duration_seconds observed in milliseconds: its sum (and each bucket's observations) 1000x. */
export function reconnectInMs(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (!ON_METRICS(req) || res.status !== 200) return res;
    return { ...res, body: res.body.replace(/^(squall_reconnect_duration_seconds_sum) (\S+)$/m, (_l, name: string, v: string) => `${name} ${Number(v) * 1000}`) };
  };
}

/** #06: a connection counted that is never uncounted: squall_connections reads the most it ever was. */
export function connectionsNeverDecremented(handle: HttpHandler): HttpHandler {
  let most = 0;
  return async (req) => {
    const res = await handle(req);
    if (!ON_METRICS(req) || res.status !== 200) return res;
    return {
      ...res,
      body: res.body.replace(/^squall_connections (\S+)$/m, (_l, v: string) => {
        most = Math.max(most, Number(v));
        return `squall_connections ${most}`;
      }),
    };
  };
}

/** #07: a burst past the cap keeps the OLDEST events: each push re-cut to its first `cap` events, the rest counted dropped. */
export function dashboardKeepsOldest(cap: number): (handle: HttpHandler) => HttpHandler {
  return (handle) => async (req) => {
    const res = await handle(req);
    const stream = res.stream;
    if (req.path !== '/ui/events' || stream === undefined) return res;
    const start = (sink: HttpStreamSink): void =>
      stream.start({
        ...sink,
        write: (chunk) =>
          sink.write(
            chunk.replace(/^data: (.*)$/m, (_line, data: string) => {
              const d = JSON.parse(data) as { events?: unknown[]; dropped?: number };
              const events = d.events ?? [];
              if (events.length <= cap) return `data: ${data}`;
              return `data: ${JSON.stringify({ ...d, events: events.slice(0, cap), dropped: (d.dropped ?? 0) + events.length - cap })}`;
            }),
          ),
      });
    return { ...res, stream: { start } };
  };
}

/** #10: a start folded into its result is recorded (running) without stamping startedAt: the previous value stays. */
export class FoldedStartUnstampedEngine extends Engine {
  private kept: { id: string; startedAt: number | undefined } | undefined;

  override onResult(report: ResultReport): Promise<ResultVerdict> {
    this.kept = { id: report.executionId, startedAt: this.records.get(report.executionId)?.startedAt };
    try {
      return super.onResult(report);
    } finally {
      this.kept = undefined;
    }
  }

  protected override transition(...args: Parameters<Engine['transition']>): ReturnType<Engine['transition']> {
    const [rec, to, , mode] = args;
    if (to === 'running' && mode === 'interim' && this.kept?.id === rec.executionId) rec.startedAt = this.kept.startedAt;
    return super.transition(...args);
  }
}

/**
 * #04: the token store's cache marked fresh after its own writes without them: reads answer from what it
 * held before its first write. `seen` gets the store wrapped (the test asserts it is the file store).
 */
export function staleAfterOwnWrites(seen: (store: TokenStore) => void): (tokens: TokenStore) => TokenStore {
  return (tokens) => {
    seen(tokens);
    let cache: TokenRecord[] | undefined;
    const cached = (): TokenRecord[] => (cache ??= tokens.list());
    return {
      ...tokens,
      find: (id) => cached().find((t) => t.id === id),
      list: () => cached().map((t) => ({ ...t })),
      add: (record) => {
        cached();
        tokens.add(record);
      },
      revoke: (id, at) => {
        cached();
        return tokens.revoke(id, at);
      },
    };
  };
}
