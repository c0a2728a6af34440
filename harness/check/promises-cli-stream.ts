/**
 * Part of 31: `squall executions watch` follows the coordinator's event
 * stream (README: it "follows the coordinator's event stream ... and
 * re-reads only what it mentions, with a slow poll as a safety net"; the
 * poll is the net, not the way). When the coordinator offers the stream
 * (GET /ui/events answered 200) and keeps it up, the watch gets every event
 * through it, in order, each read as sent, whatever form of the format it
 * came in and however the transport cut it (harness/scenario/
 * cli-sse-weather.ts: CRLF, CR, multi-line data, cuts inside CRLF and
 * between lines). A watch that falls back to polling on a healthy stream
 * (a reader that loses or mangles events) looks right by its output alone,
 * so it is judged here:
 *
 * - it opens the stream: a watch that read the execution but never asked
 *   for /ui/events is polling;
 * - it keeps it: the CLI does not close a stream the coordinator keeps up
 *   and then read the execution again (closing it is for the end);
 * - `watch <id>`: each push naming the execution is followed by a read of
 *   it at once (within NUDGE_MS of the push, or of the answer to the read
 *   in flight when it came), unless that read saw it ended or the command
 *   ended first;
 * - `watch` (every event, JSON lines): it prints exactly the pushed events,
 *   in order: type, time, worker, execution and detail of each.
 */
import { type CliRequest, type CliRun, cliCommand, cliRunsOf, ENDED, readsOf, statusRead } from './cli-runs.js';
import type { HistoryView } from './view.js';
import { violation, type Violation } from './violation.js';

/** How long after a push (or the in-flight read's answer) the re-read may go out: nothing but scheduling between, on the same clock. */
const NUDGE_MS = 5;

/** 31. The watch follows its event stream (see the file comment). */
export function checkCliStreams(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const { rec, run } of cliRunsOf(view)) {
    const cmd = cliCommand(run.args);
    if (cmd.name !== 'executions watch' || run.capped !== undefined) continue;
    const found = cmd.id === undefined ? [printedEvents(run)] : [opened(run, cmd.id), kept(run, cmd.id), nudged(run, cmd.id)];
    for (const m of found) if (m !== undefined) out.push(violation(view.records, 'cli', `squall ${run.args.join(' ')} (t=${run.startedAt}): ${m}`, { index: rec.index, ...(cmd.id === undefined ? {} : { executionId: cmd.id }) }));
  }
  return out;
}

const streamOf = (run: CliRun): CliRequest | undefined => run.requests.find((r) => r.stream === true);

function opened(run: CliRun, id: string): string | undefined {
  const reads = readsOf(run, id);
  if (streamOf(run) !== undefined || reads.length === 0) return undefined;
  return `read ${id} ${reads.length} time(s) and never asked for the event stream (GET /ui/events): it follows the stream and polls only as a safety net`;
}

function kept(run: CliRun, id: string): string | undefined {
  const s = streamOf(run);
  if (s?.status !== 200 || s.endedBy !== 'cli' || s.endedAt === undefined) return undefined;
  const after = readsOf(run, id).find((r) => r.at > (s.endedAt as number));
  if (after === undefined) return undefined;
  return `closed the event stream at t=${s.endedAt} though the coordinator kept it up, and read ${id} again at t=${after.at}: it falls back to polling only when the stream is refused or gone`;
}

function nudged(run: CliRun, id: string): string | undefined {
  if (streamOf(run)?.status !== 200) return undefined;
  const reads = readsOf(run, id);
  for (const [t, ids] of run.pushes) {
    if (!ids.includes(id)) continue;
    const inFlight = reads.filter((r) => r.at < t && (r.answeredAt === undefined || r.answeredAt > t)).at(-1);
    if (inFlight !== undefined && inFlight.answeredAt === undefined) continue;
    const seen = inFlight === undefined ? undefined : statusRead(inFlight);
    if (seen !== undefined && ENDED.has(seen)) continue;
    if (reads.some((r) => r.at < t && r.answeredAt !== undefined && r.answeredAt <= t && ENDED.has(statusRead(r) ?? ''))) continue;
    const bound = Math.max(t, inFlight?.answeredAt ?? t) + NUDGE_MS;
    if (reads.some((r) => r.at >= t && r.at <= bound)) continue;
    const next = reads.find((r) => r.at > bound);
    if (next === undefined && (run.endedAt === undefined || run.endedAt <= bound)) continue;
    return `the event stream pushed an update naming ${id} at t=${t}, and it did not read ${id} until ${next === undefined ? `it ended at t=${run.endedAt}` : `t=${next.at}`}: each push naming it is followed by a read at once (by t=${bound}), the poll is only a safety net (a stream reader that loses events falls back to polling)`;
  }
  return undefined;
}

/** A printed JSON line as [type, at, worker, execution, detail] (at: epoch ms). */
type Line = [string, number, string | null, string | null, string | null];

function printedEvents(run: CliRun): string | undefined {
  if (run.streamed === undefined || run.tty === true || (run as { outCut?: boolean }).outCut === true) return undefined;
  const want: Line[] = run.streamed.flatMap(([, events]) => events.map((e): Line => [e.type, e.at, e.workerId ?? null, e.executionId ?? null, e.detail ?? null]));
  const got: Line[] = [];
  for (const line of run.out.split('\n').filter((l) => l.trim() !== '')) {
    try {
      const e = JSON.parse(line) as Record<string, unknown>;
      const s = (x: unknown): string | null => (typeof x === 'string' ? x : null);
      got.push([String(e.type), Date.parse(String(e.at)), s(e.workerId), s(e.executionId), s(e.detail)]);
    } catch {
      return undefined; // Not JSON: promises-cli-wire.ts judges JSON output.
    }
  }
  const i = want.findIndex((w, k) => JSON.stringify(w) !== JSON.stringify(got[k]));
  if (i < 0 && got.length === want.length) return undefined;
  const at = i < 0 ? want.length : i;
  const show = (l: Line | undefined): string => (l === undefined ? 'nothing' : JSON.stringify(l));
  return `printed ${got.length} event(s) where the event stream pushed ${want.length}: event #${at + 1} printed ${show(got[at])}, pushed ${show(want[at])} ([type, at, worker, execution, detail]): every pushed event once, in order, as sent`;
}
