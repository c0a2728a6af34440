/**
 * A transport adversary for the CLI's event-stream reader (system/cli/
 * sse.ts): each write of the coordinator's /ui/events stream reaches the
 * CLI re-encoded, by turns, in another form the text/event-stream format
 * (WHATWG HTML, "event stream interpretation") gives the same events: as
 * sent; CRLF line ends with the JSON data pretty-printed over several
 * `data:` lines, a comment inside the event and its `id` after the data;
 * CR line ends with `field:value` (no space). cli-http-chunks.ts then hands
 * each write over in pieces cut inside every CRLF (between CR and LF),
 * between every two lines and inside multi-byte characters. A reader that
 * splits lines or events wrongly loses or mangles events; promise 31
 * (promises-cli-stream.ts) sees it in what `watch` does and prints.
 */

import type { PushedEvent } from '../check/cli-runs.js';

/** The encoding of each write, by turns (0: as sent, 1: CRLF and multi-line data, 2: CR and `field:value`): CRLF the most often, its cut the likeliest to be read wrong. */
const TURNS = [1, 2, 1, 0] as const;

/** One event block (its lines, LF-separated, no blank line) re-encoded for `turn`. */
function block(lines: readonly string[], turn: number): string {
  if (turn === 0) return `${lines.join('\n')}\n\n`;
  const field = (l: string): [string, string] => {
    const colon = l.indexOf(':');
    return colon <= 0 ? ['', l] : [l.slice(0, colon), l.slice(colon + 1).replace(/^ /, '')];
  };
  const fields = lines.map(field);
  if (turn === 1) {
    const id = fields.filter(([f]) => f === 'id');
    const out: string[] = [];
    for (const [f, v] of fields) {
      if (f === 'id') continue;
      if (f === 'data') out.push(': re-encoded: data over several lines', ...pretty(v).map((l) => `data: ${l}`));
      else out.push(f === '' ? v : `${f}: ${v}`);
    }
    return `${[...out, ...id.map(([f, v]) => `${f}: ${v}`)].join('\r\n')}\r\n\r\n`;
  }
  return `${fields.map(([f, v]) => (f === '' ? v : `${f}:${v}`)).join('\r')}\r\r`;
}

/** A data value's lines: JSON pretty-printed (the same value once its lines join with LF), else the value as one line. */
function pretty(v: string): string[] {
  try {
    return JSON.stringify(JSON.parse(v), null, 1).split('\n');
  } catch {
    return [v];
  }
}

/** The coordinator's write (LF line ends, events separated by a blank line) in the encoding of turn `n`. */
export function reencoded(text: string, n: number): string {
  const turn = TURNS[n % TURNS.length] as number;
  if (turn === 0 || !text.endsWith('\n\n')) return text;
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((b) => block(b.split('\n'), turn))
    .join('');
}

/** Byte offsets to cut a stream's text at: inside each CRLF and after each line end. */
export function lineCuts(bytes: Buffer): number[] {
  const cuts: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x0d || b === 0x0a) cuts.push(i + 1);
  }
  return cuts;
}

/** The events of an `update` push as the coordinator wrote it (the fields `executions watch` prints), or undefined for a write that is not one. */
export function pushedEvents(chunk: string): PushedEvent[] | undefined {
  const data = /^event: update\ndata: (.*)$/m.exec(chunk)?.[1];
  if (data === undefined) return undefined;
  try {
    const d = JSON.parse(data) as { events?: Record<string, unknown>[] };
    const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
    return (d.events ?? []).map((e) => {
      const [workerId, executionId, detail] = [str(e.workerId), str(e.executionId), str(e.detail)];
      return { type: String(e.type), at: Number(e.at), ...(workerId === undefined ? {} : { workerId }), ...(executionId === undefined ? {} : { executionId }), ...(detail === undefined ? {} : { detail }) };
    });
  } catch {
    return undefined;
  }
}
