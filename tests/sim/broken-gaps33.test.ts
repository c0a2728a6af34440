/**
 * Session 33's harness gaps, each injected through a seam and caught by a
 * promise, while the real system passes at the same seed:
 * - an answer no client can read (set 18 #07's content-length in UTF-16
 *   units, writeAnswer wrapped) met by the adversary's and the dashboard's
 *   own probes -> promise 29: the probes record what they got (probeCall,
 *   harness/scenario/sim-client.ts: status 0 and the client's error) and
 *   the run goes on to be judged; before, the first probe's HttpWireError
 *   crashed the run (adversarial-clients at seed 1), the only signal;
 * - set 17 #12, the adaptive ceiling's 60 s default not raised to a larger
 *   heartbeat timeout the operator gave (resolveCoordinatorConfig wrapped)
 *   -> promise 8: the deployment probes give `squall coordinator` slow
 *   heartbeats with no ceiling flag (deploy-probe-defaults.ts); before, only
 *   month-long-drain's coordinator refusing to start (a crash) showed it;
 * - the engine's lost leases never forgotten (a subclass whose set never
 *   deletes) -> promise 35: the maps keyed by lease token are resolved to
 *   their executions and held to the execution's life (promises-held.ts);
 *   before, the per-execution memory rule did not read them;
 * - a 409 idempotency conflict naming the field after the first differing
 *   one (wrapHttp) -> promise 29: the refusal's recorded message is held to
 *   the fields in which the key's two tasks differ (promises-conflict-field.ts);
 * - `squall worker`'s own builder dropping --backoff-max-ms, or
 *   --hand-back-grace-ms (workerConfig wrapped) -> promises 9 and 25 on
 *   operator-flags-link, whose fleet.args give both (operator-args.ts).
 */
import { describe, expect, it, vi } from 'vitest';
import type * as WorkerCli from '../../system/cli/worker.js';
import type * as CoordinatorConfig from '../../system/coordinator/config.js';
import type { HttpHandler } from '../../system/core/index.js';
import type * as WsServer from '../../system/transport/ws-server.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import type { LeaseToken } from '../../system/core/index.js';
import { Engine } from '../../system/engine/engine.js';
import { engineFactoryOf } from './broken/variants.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ utf16Length: false, fixedCeiling: false, dropsBackoffCap: false, dropsGrace: false }));

vi.mock('../../system/cli/worker.js', async (importOriginal) => {
  const real = await importOriginal<typeof WorkerCli>();
  return {
    ...real,
    // Broken: the command's builder drops a flag it parsed (the backoff cap, the hand-back grace): the documented default runs.
    workerConfig: (...a: Parameters<typeof real.workerConfig>) => {
      const c = real.workerConfig(...a);
      return {
        ...c,
        ...(plant.dropsBackoffCap && c.backoff !== undefined ? { backoff: { ...c.backoff, maxMs: 10_000 } } : {}),
        ...(plant.dropsGrace ? { handBackGraceMs: 2000 } : {}),
      };
    },
  };
});

vi.mock('../../system/coordinator/config.js', async (importOriginal) => {
  const real = await importOriginal<typeof CoordinatorConfig>();
  return {
    ...real,
    // Broken (set 17 #12): the ceiling's default stays 60 s whatever heartbeat timeout the operator gave.
    resolveCoordinatorConfig: (config: Parameters<typeof real.resolveCoordinatorConfig>[0] = {}) =>
      real.resolveCoordinatorConfig(plant.fixedCeiling ? { ...config, heartbeatTimeoutMaxMs: config.heartbeatTimeoutMaxMs ?? 60_000 } : config),
  };
});

// Broken (set 18 #07): content-length is the body's UTF-16 length.
vi.mock('../../system/transport/ws-server.js', async (importOriginal) => {
  const { utf16LengthServer } = await import('./broken/utf16-length.js');
  return utf16LengthServer(await importOriginal<typeof WsServer>(), () => plant.utf16Length);
});

/** A set that never deletes: memory kept per lease for ever. */
class NeverForgets extends Set<LeaseToken> {
  override delete(): boolean {
    return false;
  }
}

/** Broken: the lost leases' tokens are never forgotten, their loss committed or not. */
class KeepsLostLeases extends Engine {
  protected override readonly lostLeases = new NeverForgets();
}

/** The system's order of the spec's fields (system/engine/submit.ts specDifference). */
const FIELD_ORDER = ['kind', 'params', 'priority', 'retry', 'timeoutMs', 'scheduledAt', 'metadata', 'taskId', 'dependencies'];

/** Broken: a 409 conflict names the field after the one that differs. */
function wrongConflictField(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (res.status !== 409) return res;
    const body = JSON.parse(res.body) as { error?: { code?: string; message?: string } };
    if (body.error?.code !== 'conflict' || body.error.message === undefined) return res;
    body.error.message = body.error.message.replace(/with a different (\w+)/, (_m, f: string) => `with a different ${FIELD_ORDER[(FIELD_ORDER.indexOf(f) + 1) % FIELD_ORDER.length] ?? f}`);
    return { ...res, body: JSON.stringify(body) };
  };
}

describe('session 33: harness gaps', () => {
  it('an answer the adversary\'s probes cannot read is judged by promise 29, not a crash of the run', { timeout: 120_000 }, async () => {
    const s = await loadScenario('scenarios/adversarial-clients.yaml');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withPlanted(flagOn(plant, 'utf16Length'), () => simVerdict(s));
    expect(broken.promises).toContain('api-contract');
    // The probes' own records: the dashboard browser's page read got no answer (status 0, the parser's code).
    expect(broken.text).toMatch(/GET \/ui\/\S* \(dashboard, t=\d+\) got no answer the browser could read \(HPE_INVALID_CONSTANT\)/);
    expect(broken.text).toMatch(/HTTPParserError: Response does not match the HTTP\/1\.1 protocol/);
  });

  it('slow heartbeats refused over a ceiling the operator never gave are judged by promise 8 (set 17 #12)', { timeout: 120_000 }, async () => {
    const s = await loadScenario('scenarios/adversarial-clients.yaml');
    const broken = await withPlanted(flagOn(plant, 'fixedCeiling'), () => simVerdict(s));
    expect(broken.promises).toContain('auth');
    expect(broken.text).toMatch(/coordinator-flags "squall coordinator --heartbeat-ms 30000 --heartbeat-timeout-ms 90000": "refused: heartbeatTimeoutMaxMs \(60000\) must be >= heartbeatTimeoutMs \(90000\)"/);
  });

  it('lost leases kept after their execution ended are judged by promise 35 (hygiene)', { timeout: 120_000 }, async () => {
    const s = await loadScenario('scenarios/worker-crash.yaml');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await simVerdict(s, { engineFactory: engineFactoryOf(KeepsLostLeases) });
    expect(broken.promises).toContain('hygiene');
    expect(broken.text).toMatch(/engine\.lostLeases \(\d+ entries\) still holds lease \S+ of ex_\w+, an execution that ended completed/);
  });

  it('a 409 conflict naming a field in which the two tasks agree is judged by promise 29', { timeout: 120_000 }, async () => {
    const s = await loadScenario('scenarios/data-shapes.yaml');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await simVerdict(s, { wrapHttp: wrongConflictField });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/the 409 conflict at t=\d+ for idempotency key "[^"]+" names priority, in which the two agree .*\(here: params\)/);
  });

  it('the worker command dropping --backoff-max-ms or --hand-back-grace-ms is judged by promises 9 and 25 (operator-flags-link)', { timeout: 120_000 }, async () => {
    const s = await loadScenario('scenarios/operator-flags-link.yaml');
    expect((await simVerdict(s)).text).toBe('');
    const cap = await withPlanted(flagOn(plant, 'dropsBackoffCap'), () => simVerdict(s));
    expect(cap.promises).toContain('backoff');
    const grace = await withPlanted(flagOn(plant, 'dropsGrace'), () => simVerdict(s));
    // And the flag probe (promises-flag-spellings.ts) sees the grace missing from the config the command built: promise 31.
    expect([...grace.promises].sort()).toEqual(['cli', 'drain']);
    expect(grace.text).toMatch(/min\(timeoutMs, handBackGraceMs 300\) = 300 ms/);
  });
});
