/**
 * Session 36's harness gaps (gaps37), each injected through a seam and
 * caught by a promise, while the real system passes at the same seed:
 * - on the SQLite store (control-races with `store: sqlite`), a repeated
 *   pause that rewrites the paused row (EngineControl wrapped: a store
 *   update, no history entry) and a pause whose store write is dropped
 *   (wrapStore) -> promise 29: each control's committed row is now read on
 *   SQLite too (SimSqliteStore.committedRecord, through the production
 *   store's executor and row decoding); before, the rule read only the
 *   MemoryStore, so on SQLite both passed;
 * - commit-window-crash with a coordinator whose start, in each life after
 *   the first until it refuses once, recovers for 9 s of virtual time and
 *   then refuses its config (engineFactory): the trigger restart's refusal
 *   lands after heal (faultsMs 8000), and the supervisor's next start
 *   succeeds -> promise 8, the trigger named (run-sim.ts throws the
 *   refusal when the drive ends); before, it was a nemesis note and the
 *   run passed;
 * - the revoke_token fault's revoke answered 404 (wrapHttp) on
 *   adversarial-clients -> promise 29 with the status (sim-client.ts notes
 *   `revokeStep`, promises-api-created.ts); before, the fault threw, was
 *   refused, and the schedule stopped as a harness failure;
 * - send-backlog (a worker's downstream capped under 400 kB assigns, its
 *   send queue past the 2 MB watch and the 4 MB mark: marks
 *   coordinator.send-backlog-watched and coordinator.assign-backlogged)
 *   with a connection that silently drops the reliable frames it is handed
 *   while its queue is past the watch line ("load shedding",
 *   CoordinatorConnection.send wrapped) -> caught by the protocol and
 *   no-lost-work promises; before this scenario, no run reached the watch
 *   (only send-backlog.test.ts did), so the same defect passed every run;
 * - a HEAD answered from a cache of the route's last successful GET, keyed
 *   by path and not by credentials (wrapHttp) -> promise 29: the head probe
 *   now runs with every token role (admin, submit, read, forged, none) and
 *   a read or missing token's HEAD is answered 200 where its GET is refused
 *   401/403; before, it ran with the admin token only, whose GET the cache
 *   matched, and the run passed.
 */
import { describe, expect, it, vi } from 'vitest';
import { dropsPauses } from './broken/rewriting-control.js';
import type * as EngineControlModule from '../../system/engine/engine-control.js';
import type * as ConnectionHandlerModule from '../../system/coordinator/connection-handler.js';
import { engineFactory } from '../../system/coordinator/index.js';
import { InvalidArgumentError } from '../../system/core/errors.js';
import type { HttpHandler, HttpResponse } from '../../system/core/index.js';
import { headOf } from '../../system/coordinator/http-head.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import type { Scenario } from '../../harness/scenario/schema.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';
import { runChecked } from '../../harness/scenario/run.js';
import { formatViolation } from '../../harness/check/violation.js';

const plant = vi.hoisted(() => ({ rewritePaused: false, shedPastWatch: false }));

vi.mock('../../system/coordinator/connection-handler.js', async (importOriginal) => {
  const real = await importOriginal<typeof ConnectionHandlerModule>();
  class SheddingConnection extends real.CoordinatorConnection {
    // Broken: past the send backlog's watch line (2 MB queued), reliable frames are dropped to "shed load" and reported sent.
    override send(msg: Parameters<ConnectionHandlerModule.CoordinatorConnection['send']>[0]): boolean {
      if (plant.shedPastWatch && this.bufferedAmount > 2 * 1024 * 1024 && 'seq' in msg) return true;
      return super.send(msg);
    }
  }
  return { ...real, CoordinatorConnection: SheddingConnection };
});

vi.mock('../../system/engine/engine-control.js', async (importOriginal) => {
  const { rewritingControl } = await import('./broken/rewriting-control.js');
  return rewritingControl(await importOriginal<typeof EngineControlModule>(), plant);
});

/** Broken: a coordinator checking part of its config only after recovering, which takes 9 s in a life after the first, until it has refused once. */
function slowRefusal(): SimWiring {
  const real = engineFactory();
  let lives = 0;
  let refused = false;
  return {
    engineFactory: async (d, c) => {
      if (++lives >= 2 && !refused) {
        await new Promise<void>((resolve) => d.clock.setTimeout(resolve, 9_000));
        refused = true;
        throw new InvalidArgumentError(`leaseMs (${c.leaseMs}) must exceed heartbeatTimeoutMs`, 'leaseMs');
      }
      return real(d, c);
    },
  };
}

/** Broken: the first revoke that succeeds (the revoke_token fault's, at ~4 s) answers 404 not_found, as for a token it does not hold. */
function revoke404(): (handle: HttpHandler) => HttpHandler {
  let revoked = 0;
  return (handle) => async (req) => {
    const res = await handle(req);
    if (req.method !== 'POST' || !/^\/api\/v1\/tokens\/[^/]+\/revoke$/.test(req.path) || res.status !== 200 || revoked++ > 0) return res;
    return { ...res, status: 404, body: JSON.stringify({ error: { code: 'not_found', message: 'no such token' } }) };
  };
}

/** Broken: HEAD answered from the last 2xx GET of the same path, whoever asks (a cache keyed by path, not by credentials). */
function cachedHead(): (handle: HttpHandler) => HttpHandler {
  const cache = new Map<string, HttpResponse>();
  return (handle) => async (req) => {
    const hit = req.method === 'HEAD' ? cache.get(req.path) : undefined;
    if (hit !== undefined) return headOf(hit);
    const res = await handle(req);
    if (req.method === 'GET' && res.status < 300 && res.stream === undefined) cache.set(req.path, res);
    return res;
  };
}

const onSqlite = (s: Scenario): Scenario => ({ ...s, coordinator: { ...s.coordinator, store: 'sqlite' } });

describe('session 36 (gaps37): harness gaps', () => {
  it('on SQLite, a repeated pause rewriting the row, or a pause the store never got, is judged by promise 29', { timeout: 120_000 }, async () => {
    const s = onSqlite(await loadScenario('scenarios/control-races.yaml'));
    expect((await simVerdict(s)).text).toBe('');
    const rewrite = await withPlanted(flagOn(plant, 'rewritePaused'), () => simVerdict(s));
    expect(rewrite.promises).toEqual(['api-contract']);
    expect(rewrite.text).toMatch(/pause of ex_[0-9a-f]{16} \(answered 200\) staged 1 store write\(s\) of the execution, but its row's statusHistory did not grow \(paused with statusHistory \[scheduled, paused\]\)/);
    const dropped = await simVerdict(s, { wrapStore: dropsPauses });
    expect(dropped.promises).toContain('api-contract');
    expect(dropped.text).toMatch(/pause of ex_[0-9a-f]{16} \(answered 200\): the API answered paused with statusHistory \[scheduled, paused\], but the store's committed row is scheduled with statusHistory \[scheduled\] as the API shows it, with nothing left to commit/);
  });

  it('a coordinator restart a trigger started, refused after heal, fails promise 8 naming the trigger', { timeout: 120_000 }, async () => {
    // Without its timed restart (f1 at 6550 ms), whose start the fault awaits: only the triggers restart the coordinator.
    const s0 = await loadScenario('scenarios/commit-window-crash.yaml');
    const s = { ...s0, faults: [] };
    expect((await simVerdict(s)).text).toBe('');
    const late = await simVerdict(s, slowRefusal());
    expect(late.promises).toEqual(['auth']);
    expect(late.text).toMatch(/^promise 8 \(Auth\) violated: the coordinator refused the config scenario commit-window-crash gave it at its restart \(undoing trigger t1: kill on claim #8\) \(field leaseMs\): leaseMs \(\d+\) must exceed heartbeatTimeoutMs/);
  });

  it('the revoke_token fault\'s revoke answered 404 is judged by promise 29, not a refused fault', { timeout: 120_000 }, async () => {
    const s = await loadScenario('scenarios/adversarial-clients.yaml');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await simVerdict(s, { wrapHttp: revoke404() });
    expect(broken.promises).toEqual(['api-contract']);
    const lines = broken.text.split('\n').filter((l) => l.startsWith('promise'));
    expect(lines).toEqual([expect.stringMatching(/POST \/api\/v1\/tokens\/[0-9a-f]{16}\/revoke \(the revoke_token fault: an admin revokes the client's token\) was answered 404 not_found at t=\d+: a token the API created and nobody revoked is revoked with 200/)]);
  });

  it('send-backlog reaches the 2 MB watch and the 4 MB mark; a connection shedding frames past the watch is caught', { timeout: 120_000 }, async () => {
    const s = await loadScenario('scenarios/send-backlog.yaml');
    const real = await runChecked(s, { seed: 1 });
    expect(real.violations.map((v) => formatViolation(v))).toEqual([]);
    expect(real.outcome.marks['coordinator.send-backlog-watched']).toBeGreaterThan(0);
    expect(real.outcome.marks['coordinator.assign-backlogged']).toBeGreaterThan(0);
    const shed = await withPlanted(flagOn(plant, 'shedPastWatch'), () => simVerdict(s));
    expect(shed.promises).toEqual(expect.arrayContaining(['no-lost-work', 'delivery']));
    expect(shed.text).toMatch(/promise 1 \(No lost work\) violated \[execution ex_[0-9a-f]{16}\]: acknowledged at t=\d+ but never reached a terminal state \(last status preparing/);
  });

  it('a HEAD answered from a path-keyed cache of the last GET is caught by the head probe\'s other token roles (promise 29)', { timeout: 120_000 }, async () => {
    const s = await loadScenario('scenarios/adversarial-clients.yaml');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await simVerdict(s, { wrapHttp: cachedHead() });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/HEAD \/api\/v1\/tokens with a read token \(the README documents GET, so HEAD too, through the same gate\) was answered 200, the GET around it 403/);
    expect(broken.text).toMatch(/HEAD \/api\/v1\/stats with no token \(the README documents GET, so HEAD too, through the same gate\) was answered 200, the GET around it 401/);
    expect(broken.text).not.toMatch(/with an admin token/);
  });
});
