/**
 * Session 35 (gaps35b): `squall executions watch` is judged on its event
 * stream itself (promises-cli-stream.ts), not only on what polling shows:
 * the coordinator's stream reaches the CLI re-encoded by turns (CRLF and
 * multi-line data, CR, `field:value`) and cut inside every CRLF, between
 * lines and inside characters (harness/scenario/cli-sse-weather.ts). Broken
 * variants, injected by vi.mock of system/cli/sse-parse.ts: a reader that
 * takes a CR ending a chunk and the LF opening the next for two line ends
 * (an empty line: half an event dispatched), and the reader squall had
 * before (events split at a blank LF line only: every CRLF event lost).
 * Both fall back to polling and print the right history, so only the
 * stream rule sees them; the real reader passes at the same seed.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as SseParseModule from '../../system/cli/sse-parse.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ crSplit: false, lfBlocks: false }));

vi.mock('../../system/cli/sse-parse.js', async (importOriginal) => {
  const real = await importOriginal<typeof SseParseModule>();
  class SseReader extends real.SseReader {
    private buf = '';
    constructor(private readonly emit: (e: SseParseModule.SseEvent) => void) {
      super(emit);
    }
    override push(chunk: string): void {
      // Broken: a chunk-final CR read as a whole line end, so the LF opening the next chunk is an empty line.
      if (plant.crSplit) return super.push(chunk.endsWith('\r') ? `${chunk.slice(0, -1)}\n` : chunk);
      if (!plant.lfBlocks) return super.push(chunk);
      // Broken: the earlier reader, events split at "\n\n" and lines at "\n" only.
      this.buf += chunk;
      let end: number;
      while ((end = this.buf.indexOf('\n\n')) >= 0) {
        const lines = this.buf.slice(0, end).split('\n');
        this.buf = this.buf.slice(end + 2);
        const type = lines.find((l) => l.startsWith('event:'))?.slice(6).trim() ?? 'message';
        const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart());
        if (data.length > 0) this.emit({ type, data: data.join('\n'), lastEventId: '' });
      }
    }
  }
  return { ...real, SseReader };
});

const scenario = (name: string) => loadScenario(new URL(`../../scenarios/${name}.yaml`, import.meta.url).pathname);

describe('31 cli: watch follows its event stream, read exactly in every form of the format', () => {
  it('cli-client passes with the real reader; readers that lose events on CRLF fail promise 31 (stream rule), not by their output', { timeout: 90_000 }, async () => {
    const s = await scenario('cli-client');
    expect((await simVerdict(s)).text).toBe('');
    for (const flag of ['crSplit', 'lfBlocks'] as const) {
      const broken = await withPlanted(flagOn(plant, flag), () => simVerdict(s));
      expect(broken.promises, flag).toEqual(['cli']);
      expect(broken.text, flag).toMatch(/the event stream pushed an update naming ex_\S+ at t=\d+, and it did not read ex_\S+ until/);
      expect(broken.text, flag).toMatch(/squall executions watch \(t=\d+\): printed \d+ event\(s\) where the event stream pushed \d+/);
    }
  });
});
