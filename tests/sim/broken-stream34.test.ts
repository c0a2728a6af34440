/**
 * Session 34 (gaps34c): the CLI's event stream (`squall executions watch`
 * following /ui/events, system/cli/sse.ts) is read in simulation by the
 * CLI's own stream reader (cliHttpOver's `stream`), each write of the
 * coordinator's stream handed over in pieces cut inside multi-byte
 * characters and inside lines (harness/scenario/cli-http-chunks.ts,
 * chunkedStreamSend); promise 31 reports a stream handed up changed
 * (CliRequest.garbled, promises-cli-wire.ts). Broken variant, injected by
 * vi.mock of cli-http.ts: a stream reader that decodes each chunk on its
 * own (no decoder across chunks), caught where the real reader passes.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as CliHttpModule from '../../system/cli/cli-http.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ perChunkStream: false }));

vi.mock('../../system/cli/cli-http.js', async (importOriginal) => {
  const real = await importOriginal<typeof CliHttpModule>();
  // Broken: the stream's chunks decoded one by one, a character cut across two becomes U+FFFD.
  const cliHttpOver: typeof real.cliHttpOver = (send) => {
    const good = real.cliHttpOver(send);
    if (!plant.perChunkStream) return good;
    return {
      ...good,
      stream: (r, sink) =>
        new Promise((resolve, reject) => {
          const req = send(r.url)(r.url, { method: r.method, headers: r.headers }, (res) => {
            if (!sink.open(res.statusCode ?? 0)) return void (res.resume(), resolve());
            res.on('data', (c: Buffer) => sink.chunk(c.toString('utf8')));
            res.on('end', () => resolve());
          });
          req.on('error', (err) => (r.signal?.aborted === true ? resolve() : reject(err)));
          req.end();
        }),
    };
  };
  return { ...real, cliHttpOver };
});

const scenario = (name: string) => loadScenario(new URL(`../../scenarios/${name}.yaml`, import.meta.url).pathname);

describe('31 cli: the event stream read by the CLI own reader, in pieces cut inside characters and lines', () => {
  it('cli-edges (non-ASCII worker ids in the feed) passes with the real reader; a stream reader decoding each chunk on its own fails promise 31', { timeout: 60_000 }, async () => {
    const s = await scenario('cli-edges');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withPlanted(flagOn(plant, 'perChunkStream'), () => simVerdict(s));
    expect(broken.promises).toEqual(['cli']);
    expect(broken.text).toMatch(/was handed the answer to GET \/ui\/events at t=\d+ changed from character \d+ on \(".*\uFFFD.*" where the coordinator sent ".*wörker✓-\d.*"\)/);
  });
});
