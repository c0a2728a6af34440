/**
 * Session 35's harness gaps (gaps35c), each injected through a seam and
 * caught by a promise, while the real system passes at the same seed:
 * - a worker that sends its secret (or its connection's signing key) in a
 *   frame field (registerMessage wrapped: `auth` carries it beside the MAC;
 *   the coordinator ignores the unknown field and registers the worker) ->
 *   promise 8: every frame either side sends is scanned for the workers'
 *   secret and each connection's signing key (harness/scenario/secret-watch.ts,
 *   checkSecretsOnWire); before, only records, reads and stored checkpoints
 *   were, and the run passed;
 * - a coordinator whose 403 `insufficient_scope` message quotes the bearer
 *   token it refused (wrapHttp) -> promise 8: every HTTP answer's body is
 *   scanned for the client's tokens (adversarial-clients' scope adversary
 *   sends a read token to the submit routes); before, nothing read a
 *   refusal's message for a token;
 * - a repeated pause that rewrites the paused row (EngineControl wrapped:
 *   a store update, no history entry), and a pause whose entry the engine
 *   records but whose store write is dropped (wrapStore) -> promise 29:
 *   each control's store row and staged writes are noted beside its answer
 *   (harness/scenario/control-store.ts, promises-control-store.ts) on
 *   control-races, which pauses a paused execution twice; before, only
 *   statusHistory as the API showed it was judged, and both passed;
 * - lease tokens minted from the draw of the newest execution id
 *   (newLeaseToken wrapped: `ls_` + the id's 16 hex, each once) -> promise
 *   34: identifiers are compared across kinds by their random part
 *   (promises-ids.ts crossKind); before, only within each kind, and every
 *   lease token was still unique among lease tokens;
 * - the dashboard's µs branch counting tenths of a millisecond as µs
 *   (client.js fmtMs served modified) -> promise 29: dashboard-numbers now
 *   runs its links with a fractional one-way latency (network.latencyMs:
 *   0.35, schema-network.ts), so w1's round trip is 0.7 ms, shown in µs;
 *   before, every simulated round trip was whole ms or 0, and "0 µs" reads
 *   the same either way.
 */
import { describe, expect, it, vi } from 'vitest';
import type * as WorkerHandshake from '../../system/worker/handshake.js';
import { dropsPauses } from './broken/rewriting-control.js';
import type * as EngineControlModule from '../../system/engine/engine-control.js';
import type * as Ids from '../../system/core/ids.js';
import type { HttpHandler } from '../../system/core/index.js';
import { headOf } from '../../system/coordinator/http-head.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { simVerdict, withPlanted } from './broken/verdict.js';
import { servedAsset } from './broken/served-asset.js';

const plant = vi.hoisted(() => ({ leak: undefined as 'secret' | 'key' | undefined, rewritePaused: false, sharedDraw: false, drawn: [] as string[] }));

vi.mock('../../system/core/ids.js', async (importOriginal) => {
  const real = await importOriginal<typeof Ids>();
  return {
    ...real,
    // Broken: a lease token reuses the draw of the newest execution id not yet reused ("it is random already").
    newExecutionId: (r: Parameters<typeof real.newExecutionId>[0]) => {
      const id = real.newExecutionId(r);
      if (plant.sharedDraw) plant.drawn.push(id.slice(3));
      return id;
    },
    newLeaseToken: (r: Parameters<typeof real.newLeaseToken>[0]) => {
      const body = plant.sharedDraw ? plant.drawn.pop() : undefined;
      return body === undefined ? real.newLeaseToken(r) : real.asLeaseToken(`ls_${body}`);
    },
  };
});

vi.mock('../../system/engine/engine-control.js', async (importOriginal) => {
  const { rewritingControl } = await import('./broken/rewriting-control.js');
  return rewritingControl(await importOriginal<typeof EngineControlModule>(), plant);
});

vi.mock('../../system/worker/handshake.js', async (importOriginal) => {
  const real = await importOriginal<typeof WorkerHandshake>();
  return {
    ...real,
    // Broken: register carries the secret (or the signing key) beside its MAC, "for debugging".
    registerMessage: (i: WorkerHandshake.RegisterInput): ReturnType<typeof real.registerMessage> => {
      const out = real.registerMessage(i);
      const m = out.msg as { auth?: Record<string, unknown> };
      if (plant.leak === undefined || m.auth === undefined) return out;
      const extra = plant.leak === 'secret' ? { secret: i.secret } : { key: out.signKey };
      return { ...out, msg: { ...out.msg, auth: { ...m.auth, ...extra } } as unknown as typeof out.msg };
    },
  };
});

/** A coordinator whose 403 refusals quote the token they refused (a HEAD's head is its quoting GET's, as the system's own HEAD is). */
const quotesToken = (handle: HttpHandler): HttpHandler => async (req) => {
  if (req.method === 'HEAD') {
    const res = await handle(req);
    return res.status === 403 ? headOf(await quotesToken(handle)({ ...req, method: 'GET' })) : res;
  }
  const res = await handle(req);
  if (res.status !== 403) return res;
  const auth = Object.entries(req.headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1] ?? '';
  const body = JSON.parse(res.body) as { error: { message: string } };
  body.error.message += ` (token presented: ${auth.replace(/^bearer /i, '')})`;
  return { ...res, body: JSON.stringify(body) };
};

describe('session 35 (gaps35c): harness gaps', () => {
  it('a worker sending its secret or signing key in a frame is judged by promise 8', { timeout: 60_000 }, async () => {
    const s = await loadScenario('scenarios/secret-redaction.yaml');
    expect((await simVerdict(s)).text).toBe('');
    const secret = await withPlanted(() => ((plant.leak = 'secret'), () => void (plant.leak = undefined)), () => simVerdict(s));
    expect(secret.promises).toEqual(['auth']);
    expect(secret.text).toMatch(/the workers' secret showed on the wire at t=\d+: a frame w\d sent to coordinator: …[0-9a-f]+","secret":"\[the workers' secret\]"\},"crc"/);
    const key = await withPlanted(() => ((plant.leak = 'key'), () => void (plant.leak = undefined)), () => simVerdict(s));
    expect(key.promises).toEqual(['auth']);
    expect(key.text).toMatch(/the signing key of w\d's connection \(from nonces [0-9a-f]{8}…\/[0-9a-f]{8}…\) showed on the wire at t=\d+: a frame w\d sent to coordinator/);
  });

  it('a 403 quoting the bearer token it refused is judged by promise 8', { timeout: 60_000 }, async () => {
    const s = await loadScenario('scenarios/adversarial-clients.yaml');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await simVerdict(s, { wrapHttp: quotesToken });
    expect(broken.promises).toEqual(['auth']);
    expect(broken.text).toMatch(/bearer token sqt_[0-9a-f]{16}… \(sim-probe-read\) showed in an HTTP answer at t=\d+: the 403 answer to POST \/api\/v1\//);
  });

  it('a repeated pause rewriting the row, or a pause the store never got, is judged by promise 29', { timeout: 60_000 }, async () => {
    const s = await loadScenario('scenarios/control-races.yaml');
    expect((await simVerdict(s)).text).toBe('');
    const rewrite = await withPlanted(() => ((plant.rewritePaused = true), () => void (plant.rewritePaused = false)), () => simVerdict(s));
    expect(rewrite.promises).toEqual(['api-contract']);
    expect(rewrite.text).toMatch(/pause of ex_[0-9a-f]{16} \(answered 200\) staged 1 store write\(s\) of the execution, but its row's statusHistory did not grow \(paused with statusHistory \[scheduled, paused\]\): a control that changes nothing/);
    const dropped = await simVerdict(s, { wrapStore: dropsPauses });
    expect(dropped.promises).toContain('api-contract');
    expect(dropped.text).toMatch(/pause of ex_[0-9a-f]{16} \(answered 200\): the API answered paused with statusHistory \[scheduled, paused\], but the store's committed row is scheduled with statusHistory \[scheduled\] as the API shows it, with nothing left to commit/);
  });

  it('a lease token sharing an execution id\'s draw is judged by promise 34', { timeout: 60_000 }, async () => {
    const s = await loadScenario('scenarios/lone-worker.yaml');
    expect((await simVerdict(s)).text).toBe('');
    const shared = await withPlanted(() => ((plant.sharedDraw = true), () => ((plant.sharedDraw = false), (plant.drawn.length = 0))), () => simVerdict(s));
    expect(shared.promises).toEqual(['identifiers']);
    expect(shared.text).toMatch(/a claim of (ex_[0-9a-f]{16}) at t=\d+ has leaseToken ls_([0-9a-f]{16}), whose random part shares all 16 hex \(\2\) with executionId ex_\2 of a submitted execution at t=\d+: identifiers of every kind are drawn anew/);
  });

  it('the dashboard mis-scaling µs is judged by promise 29 on real sub-millisecond round trips', { timeout: 120_000 }, async () => {
    const s = await loadScenario('scenarios/dashboard-numbers.yaml');
    expect(s.network?.latencyMs).toBe(0.35);
    expect((await simVerdict(s)).text).toBe('');
    const seen = { applied: false };
    const broken = await withPlanted(servedAsset('client.js', 'Math.round(v * 1000)} µs', 'Math.round(v * 100)} µs', seen), () => simVerdict(s));
    expect(seen.applied).toBe(true);
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/70 µs/);
    // Without the fractional latency every round trip reads "0 µs" either way: the defect passed.
    const whole = await withPlanted(servedAsset('client.js', 'Math.round(v * 1000)} µs', 'Math.round(v * 100)} µs', { applied: false }), () => simVerdict({ ...s, network: undefined }));
    expect(whole.passed).toBe(true);
  });
});
