/**
 * Promise 31 (cli), the watch follows its event stream
 * (harness/check/promises-cli-stream.ts), on synthetic histories: a push
 * naming the execution is followed by a read at once (or at the answer of
 * the read in flight); a watch that never opens the stream, or closes a
 * healthy one and keeps polling, fails; `watch` (every event) prints every
 * pushed event in order. The transport's re-encodings and cuts
 * (cli-sse-weather.ts) give the same events to the CLI's reader. The
 * simulation shows it caught (tests/sim/broken-stream35.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { CliRequest, CliRun, PushedEvent } from '../../harness/check/cli-runs.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { streamPieces } from '../../harness/scenario/cli-http-chunks.js';
import { pushedEvents, reencoded } from '../../harness/scenario/cli-sse-weather.js';
import { type SseEvent, SseReader } from '../../system/cli/sse-parse.js';
import { H, baseContext } from './builder.js';

const ID = 'ex_1';
const messages = (run: CliRun): string[] => {
  const h = new H();
  h.at(run.endedAt ?? run.startedAt).rec.recordInfo({ cliRun: run }, 'cli');
  return checkHistory(h.history(), ['cli'], baseContext).map((v) => v.message);
};
const stream = (over: Partial<CliRequest> = {}): CliRequest => ({ method: 'GET', path: '/ui/events', at: 100, answeredAt: 101, status: 200, stream: true, endedBy: 'cli', endedAt: 1202, ...over });
const read = (at: number, status: string): CliRequest => ({ method: 'GET', path: `/api/v1/executions/${ID}`, at, answeredAt: at + 2, status: 200, seen: [[ID, status]], history: [] });
const watch = (requests: CliRequest[], pushes: [number, string[]][]): CliRun => ({ args: ['executions', 'watch', ID, '--poll-ms', '300'], token: 'read', startedAt: 100, endedAt: 1202, exitCode: 0, out: '', requests, pushes });

describe('31 cli: watch <id> re-reads at each push naming it, on the stream it keeps', () => {
  it('passes reads at each push (and right after the read in flight); reports a push followed only by the next poll', () => {
    const good = [stream(), read(100, 'scheduled'), read(400, 'running'), read(402, 'running'), read(701, 'running'), read(1003, 'running'), read(1200, 'completed')];
    expect(messages(watch(good, [[401, [ID]], [701, [ID, 'ex_2']], [1200, [ID]], [1100, ['ex_2']]]))).toEqual([]);
    const late = [stream(), read(100, 'scheduled'), read(400, 'running'), read(700, 'running'), read(1000, 'running'), read(1200, 'completed')];
    expect(messages(watch(late, [[550, [ID]], [1200, [ID]]]))).toEqual([expect.stringMatching(/the event stream pushed an update naming ex_1 at t=550, and it did not read ex_1 until t=700: each push naming it is followed by a read at once \(by t=555\)/)]);
  });

  it('passes a push that came while the read that saw the end was in flight, or after the command ended', () => {
    const reads = [stream(), read(100, 'scheduled'), read(400, 'running'), read(700, 'running'), read(1000, 'running'), read(1200, 'completed')];
    expect(messages(watch(reads, [[1201, [ID]], [1300, [ID]], [1100, ['ex_2']], [1000, [ID]]]))).toEqual([]);
  });

  it('reports a watch that never opened the stream, and one that closed a healthy stream and polled on', () => {
    expect(messages(watch([read(100, 'scheduled'), read(400, 'completed')], []))).toEqual([expect.stringMatching(/read ex_1 2 time\(s\) and never asked for the event stream \(GET \/ui\/events\)/)]);
    const closed = [stream({ endedAt: 150 }), read(100, 'scheduled'), read(400, 'running'), read(700, 'completed')];
    expect(messages({ ...watch(closed, []), endedAt: 702 })).toEqual([expect.stringMatching(/closed the event stream at t=150 though the coordinator kept it up, and read ex_1 again at t=400/)]);
    expect(messages({ ...watch(closed.map((r) => (r.stream === true ? { ...r, endedBy: 'coordinator' as const } : r)), []), endedAt: 702 })).toEqual([]);
  });
});

describe('31 cli: watch (every event) prints every pushed event, in order', () => {
  const e1: PushedEvent = { type: 'claimed', at: 1_893_456_000_002, workerId: 'w1', executionId: ID };
  const e2: PushedEvent = { type: 'status_changed', at: 1_893_456_000_004, executionId: ID, detail: 'running' };
  const line = (e: PushedEvent): string => `${JSON.stringify({ ...e, at: new Date(e.at).toISOString() })}\n`;
  const all = (out: string): CliRun => ({ args: ['executions', 'watch'], token: 'read', startedAt: 100, out, requests: [stream({ endedAt: undefined, endedBy: undefined })], pushes: [[350, [ID, ID]]], streamed: [[350, [e1, e2]]] });

  it('passes them all; reports one lost', () => {
    expect(messages(all(line(e1) + line(e2)))).toEqual([]);
    expect(messages(all(line(e2)))).toEqual([expect.stringMatching(/printed 1 event\(s\) where the event stream pushed 2: event #1 printed \["status_changed",.*pushed \["claimed",/)]);
  });
});

describe('the stream re-encoded and cut (cli-sse-weather.ts) gives the CLI reader the same events', () => {
  const write = `id: 3\nevent: update\ndata: ${JSON.stringify({ events: [{ type: 'claimed', at: 1, executionId: 'ex_ö✓' }], note: 'a\nb 🚀' })}\n\n`;
  const events = (text: string): SseEvent[] => {
    const got: SseEvent[] = [];
    const r = new SseReader((e) => got.push(e));
    const decoder = new TextDecoder();
    for (const p of streamPieces(text)) r.push(decoder.decode(p, { stream: true }));
    return got;
  };

  it('every turn reads as the coordinator wrote it, with CRLF cut between CR and LF', () => {
    const want = events(write);
    expect(want).toEqual([{ type: 'update', data: expect.stringContaining('ex_ö✓') as unknown, lastEventId: '3' }]);
    for (let n = 0; n < 4; n++) {
      const text = reencoded(write, n);
      expect(events(text).map((e) => JSON.parse(e.data) as unknown)).toEqual(want.map((e) => JSON.parse(e.data) as unknown));
    }
    expect(reencoded(write, 0)).toMatch(/\r\n/);
    expect(reencoded(write, 1)).toMatch(/^id:3\revent:update\rdata:/);
    expect(streamPieces(reencoded(write, 0)).some((p, i, all) => p.at(-1) === 0x0d && all[i + 1]?.[0] === 0x0a)).toBe(true);
    expect(pushedEvents(write)).toEqual([{ type: 'claimed', at: 1, executionId: 'ex_ö✓' }]);
  });
});
