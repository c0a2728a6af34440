/**
 * Part of 29, api-contract: the live feed's pace. The dashboard and
 * `squall executions watch` follow GET /ui/events, "coalesced, at most four
 * pushes a second" (README, "Dashboard" and the CLI's watch). Judged on
 * every stream the simulated browser (scenario `clientReads` read
 * `dashboard`, harness/scenario/client-dashboard.ts) and every simulated CLI
 * command (harness/scenario/client-cli.ts) received: after the snapshot a
 * stream gets at its attach, no five pushes fall within less than a second
 * (any 1 s holds at most four). The checker's own copy of the figure (not
 * the hub's window, system/coordinator/ui/event-hub.ts): blind set 18 #27
 * coalesced over 25 ms, up to 40 pushes a second on every stream.
 */
import { cliRunsOf } from './cli-runs.js';
import { feedsOf } from './promises-dashboard.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** README, "Dashboard": at most this many pushes a second per stream. */
const FEED_PUSHES_PER_SECOND = 4;

/** The first window of more than FEED_PUSHES_PER_SECOND coalesced pushes within less than a second, as [first, last] times. */
function tooFast(times: readonly number[]): [number, number] | undefined {
  const n = FEED_PUSHES_PER_SECOND;
  for (let i = 0; i + n < times.length; i++) {
    const first = times[i] as number;
    const last = times[i + n] as number;
    if (last - first < 1000) return [first, last];
  }
  return undefined;
}

/** Push times of each stream a CLI command followed, its snapshot left out (a stream per GET /ui/events it sent). */
function cliStreams(starts: readonly number[], pushes: readonly number[]): number[][] {
  const out: number[][] = [];
  starts.forEach((at, i) => {
    const until = starts[i + 1] ?? Infinity;
    out.push(pushes.filter((t) => t >= at && t < until).slice(1));
  });
  return out;
}

/** Every followed stream's pace (see the file comment). */
export function checkFeedPace(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const say = (where: string, w: [number, number]): string =>
    `${where}: ${FEED_PUSHES_PER_SECOND + 1} pushes from t=${w[0]} to t=${w[1]} (${w[1] - w[0]} ms), after its snapshot: the live feed is coalesced, at most ${FEED_PUSHES_PER_SECOND} pushes a second per stream`;
  for (const { rec, feed } of feedsOf(view)) {
    const w = tooFast(feed.pushes.slice(1).map((p) => p[0]));
    if (w !== undefined) out.push(violation(view.records, 'api-contract', say(`dashboard feed (GET /ui/events, opened t=${feed.openedAt})`, w), { index: rec.index }));
  }
  for (const { rec, run } of cliRunsOf(view)) {
    const starts = run.requests.filter((r) => r.stream === true).map((r) => r.at);
    for (const times of cliStreams(starts, run.pushes.map((p) => p[0]))) {
      const w = tooFast(times);
      if (w !== undefined) out.push(violation(view.records, 'api-contract', say(`squall ${run.args.join(' ')} (its event stream)`, w), { index: rec.index }));
    }
  }
  return out;
}
