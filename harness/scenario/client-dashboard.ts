/**
 * A dashboard open while the run goes on (scenario `clientReads` read
 * `dashboard`), in simulation: its first step opens GET /ui/events (the
 * dashboard's server-sent event stream) with the client's read token
 * through the coordinator's HTTP handler and starts the stream on a sink of
 * its own, as the live transport would on a socket; each push (`event:
 * update`) is kept with the simulated time it came, how many events it
 * carried, the `dropped` count it reported, how many history records there
 * were when it came and its last (newest) event, and every event it carried
 * (`carried`); the feed also notes how many history records there were when
 * the stream attached (`attached`). The last step (count ×
 * everyMs later) closes the stream and notes it (`dashboardFeed`); a
 * stream the coordinator ended (restart) is noted when it ends.
 * harness/check/promises-dashboard.ts judges each feed.
 */
import type { Coordinator } from '../../system/coordinator/index.js';
import type { HttpStreamSink } from '../../system/core/index.js';
import type { HistoryRecorder } from '../check/history.js';
import type { DashboardFeed, PushedEvent } from '../check/promises-dashboard.js';
import type { Simulation } from '../sim/index.js';
import type { SimClient } from './sim-client.js';

/** An event as a push carries it (system/coordinator/ui/event-hub.ts FeedEvent). */
interface FeedEventBody {
  type?: unknown;
  at?: unknown;
  executionId?: unknown;
  workerId?: unknown;
}

/** An event as the checker compares it: type, time, execution or worker id. */
const pushedEvent = (e: FeedEventBody): PushedEvent => [String(e.type), Number(e.at), String(e.executionId ?? e.workerId ?? '')];

interface Open {
  coordinator: Coordinator;
  feed: DashboardFeed;
  end: () => void;
}

/** One dashboard's stream over the run's reads: opened at the first step, closed at the last. */
export class DashboardReader {
  private open: Open | undefined;
  private steps = 0;

  constructor(
    private readonly recorder: HistoryRecorder,
    private readonly total: number,
  ) {}

  /** Opens the stream (first step, or after the coordinator ended it); closes it at the last step. */
  async step(sim: Simulation, client: SimClient): Promise<void> {
    this.steps += 1;
    const c = sim.coordinator.instance;
    if (this.open !== undefined && (this.steps >= this.total || this.open.coordinator !== c)) this.open.end();
    if (this.steps >= this.total || c === null || this.open !== undefined) return;
    const res = await c.handleHttp({ method: 'GET', path: '/ui/events', query: new URLSearchParams(), headers: { host: 'coordinator', authorization: `Bearer ${client.probe.read}` }, body: '', remoteAddress: 'dashboard' });
    const feed: DashboardFeed = { openedAt: sim.simulatedMs, status: res.status, pushes: [] };
    if (res.stream === undefined) return void this.recorder.recordInfo({ dashboardFeed: feed });
    this.open = this.stream(sim, c, feed, res.stream);
  }

  /** Starts the stream on a sink that parses each push. */
  private stream(sim: Simulation, coordinator: Coordinator, feed: DashboardFeed, stream: { start(sink: HttpStreamSink): void }): Open {
    const closers: (() => void)[] = [];
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      feed.closedAt = sim.simulatedMs;
      this.recorder.recordInfo({ dashboardFeed: feed });
      this.open = undefined;
      for (const fn of closers.splice(0)) fn();
    };
    feed.attached = this.recorder.length;
    feed.carried = [];
    stream.start({
      write: (chunk) => {
        if (ended) return false;
        const data = /^event: update\ndata: (.*)$/m.exec(chunk)?.[1];
        if (data !== undefined) {
          const d = JSON.parse(data) as { events?: FeedEventBody[]; dropped?: unknown };
          const last = Array.isArray(d.events) ? d.events.at(-1) : undefined;
          const newest: PushedEvent | undefined = last === undefined ? undefined : pushedEvent(last);
          const push: DashboardFeed['pushes'][number] = [sim.simulatedMs, Array.isArray(d.events) ? d.events.length : -1, typeof d.dropped === 'number' ? d.dropped : -1, this.recorder.length];
          if (newest !== undefined) push.push(newest);
          feed.pushes.push(push);
          feed.carried?.push(Array.isArray(d.events) ? d.events.map(pushedEvent) : []);
        }
        return true;
      },
      end,
      onClose: (fn) => void closers.push(fn),
    });
    return { coordinator, feed, end };
  }
}
