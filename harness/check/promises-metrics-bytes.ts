/**
 * Part of 29, api-contract: `squall_message_bytes_total` counts the bytes of
 * the frames it counts, judged on the client's gauge reads (scenario
 * `clientReads` read `gauges`, harness/scenario/client-gauges.ts), against
 * the frames the simulated network carried to and from the coordinator's
 * host (`frames`: per message type and direction, how many and the fewest
 * and most bytes of one, harness/sim/frame-sizes.ts):
 *
 * - for each type and direction `squall_messages_total` counts n > 0 of, the
 *   bytes counted are between n times the smallest and n times the largest
 *   frame of that type the network carried that way: a counter incremented
 *   by the message count (blind set 14 #06: bytes equal to messages), by
 *   UTF-16 units of a wider frame, twice, or under the other direction's
 *   label falls outside;
 * - bytes are never counted for a type and direction no message was.
 *
 * A type the network never carried that way (a frame refused before it
 * decoded is counted `invalid`) is not judged by the first rule.
 */
import { judgeGaugeReads } from './promises-metrics-gauges.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';

/** The frames of one type and direction the network carried: how many, the fewest and the most bytes of one. */
export interface FrameBand {
  n: number;
  min: number;
  max: number;
}

/** What this rule reads of a gauge read: the two counters' samples (`type=T,direction=D`) and the network's bands (`T|D`). */
interface BytesRead {
  at: number;
  gauges: Record<string, Record<string, number>>;
  frames?: Record<string, FrameBand>;
}

/** Each gauge read's bytes counters judged (see the file comment). */
export function checkMessageBytes(view: HistoryView): Violation[] {
  return judgeGaugeReads(view, bytesViolations);
}

/** The violations of one read. */
function bytesViolations(read: BytesRead): string[] {
  if (read.frames === undefined) return [];
  const messages = read.gauges.squall_messages_total ?? {};
  const bytes = read.gauges.squall_message_bytes_total ?? {};
  const out: string[] = [];
  for (const key of new Set([...Object.keys(messages), ...Object.keys(bytes)])) {
    const [n, b] = [messages[key] ?? 0, bytes[key] ?? 0];
    if (n === 0) {
      if (b !== 0) out.push(`squall_message_bytes_total{${key}} is ${b} with no message counted in squall_messages_total{${key}}`);
      continue;
    }
    const m = /^type=([^,]*),direction=(in|out)$/.exec(key);
    const band = m === null ? undefined : read.frames[`${m[1]}|${m[2]}`];
    if (band === undefined || (b >= n * band.min && b <= n * band.max)) continue;
    out.push(`squall_message_bytes_total{${key}} is ${b} over ${n} message(s) (${(b / n).toFixed(1)} bytes each), but each ${m?.[1]} frame the network carried ${m?.[2] === 'in' ? 'to' : 'from'} the coordinator was ${band.min}..${band.max} bytes (${band.n} frames): the counter must add each frame's bytes`);
  }
  return out;
}
