/**
 * The HTTP layer on the simulated client's path (issue 10; promise 29,
 * harness/check/promises-api.ts): disk-full refuses submissions with
 * store_unavailable through coordinator.handleHttp, so a wrong status for
 * that code (set-4 defect 22: 500 instead of 503) is reported, and the real
 * mapping passes. And adversarial-clients revokes the client's token for a
 * second: a token store that forgets revocations (set-4 defect 21) is reported.
 * Its HTTP scope adversary (attack http-scopes) tries every route the README
 * documents with lower-scope tokens: a coordinator whose GET /api/v1/tokens
 * needs only read (set-5 defect 20) is reported. And global-cap sets a
 * per-client quota its batches press against: a quota that counts a batch as
 * one execution (set-5 defect 22) is reported. And at the end of every run
 * the client pages through the listing 7 at a time and reads the stats
 * (harness/check/promises-reads.ts): a cursor encoded from the first record
 * of the next page (the class of set-8 01) and a store reload that counts retried
 * executions twice (the class of set-8 02), or recovery that counts ended executions'
 * kinds twice, are reported on flaky-disk, which passes. And engine-features
 * scrapes /metrics twice at one instant (clientReads): message counters
 * that count again at every scrape (blind set 11 #13) are reported. And
 * coordinator-crash-restart's graceful restart reads /readyz while the
 * coordinator shuts down: a readiness that ignores the closed listener
 * (blind set 11 #17) is reported (promise 19).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { batchAsOne, emptyBodyAnyType, forgetsRevocation, leakyQuota, originPortIgnored, readyWithListenerClosed, statusOf, tokensReadable, unreservedQuota } from './broken/api-variants.js';
import {
  CancelledDecidedEngine,
  CompletedKeepsErrorEngine,
  CursorFromNextPageEngine,
  RecoveredKindsTwiceEngine,
  ReloadRetriedTwiceEngine,
  StringSortedPercentilesEngine,
  UnfoldedRetryHistoryEngine,
  withTalliesNeverCleared,
} from './broken/read-variants.js';
import { engineFactoryOf } from './broken/variants.js';
import { simVerdict } from './broken/verdict.js';

const FILE = join(import.meta.dirname, '..', '..', 'scenarios', 'disk-full.yaml');
const ADVERSARIAL = join(import.meta.dirname, '..', '..', 'scenarios', 'adversarial-clients.yaml');
const GLOBAL_CAP = join(import.meta.dirname, '..', '..', 'scenarios', 'global-cap.yaml');
const FLAKY_DISK = join(import.meta.dirname, '..', '..', 'scenarios', 'flaky-disk.yaml');
const ENGINE_FEATURES = join(import.meta.dirname, '..', '..', 'scenarios', 'engine-features.yaml');

describe('api-contract: the simulated client goes through the HTTP handler', () => {
  it('store_unavailable answered 500 instead of 503 is reported; the real mapping passes', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario(FILE);
    const real = await simVerdict(scenario);
    expect(real.text).toBe('');
    const broken = await simVerdict(scenario, { coordinatorPolicies: statusOf('store_unavailable', 500) });
    expect(broken.promises).toContain('api-contract');
    expect(broken.text).toMatch(/refused with HTTP 500 store_unavailable: the contract says 503/);
  });

  it('a quota that keeps the slots of submissions the full disk refused is reported (disk-full, quota 40)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario(FILE);
    const broken = await simVerdict(scenario, { coordinatorPolicies: leakyQuota });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/refused 429 rate_limited at t=\d+ though the client held at most \d+ unfinished or pending executions .* within its quota of 40/);
  });

  it('a revoked token that still authenticates is reported (adversarial-clients: revoke_token); the real store passes', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario(ADVERSARIAL);
    const real = await simVerdict(scenario);
    expect(real.text).toBe('');
    const broken = await simVerdict(scenario, { wrapTokens: forgetsRevocation });
    expect(broken.promises).toContain('api-contract');
    expect(broken.text).toMatch(/with the client's token, revoked at t=\d+, was acknowledged: a revoked token must be refused/);
  });

  it('a same-origin check that ignores the port is reported (adversarial-clients: http-scopes probes the Origin too)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario(ADVERSARIAL);
    const broken = await simVerdict(scenario, { coordinatorPolicies: originPortIgnored });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/Origin http:\/\/coordinator:7001 \(Host coordinator:7000\) was answered 200: an Origin on another port is another origin: it must be refused 403 origin_not_allowed/);
  });

  it('a gate that lets an empty body through whatever its declared type is reported (adversarial-clients: http-scopes probes bodies too)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario(ADVERSARIAL);
    const broken = await simVerdict(scenario, { coordinatorPolicies: emptyBodyAnyType });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/POST \/api\/v1\/executions\/\{id\}\/cancel with Content-Type text\/plain and an empty body was answered 404 not_found: a body declared other than JSON must be refused 415/);
  });

  it('a token route that takes a read token is reported (adversarial-clients: http-scopes; the real run passes in the revoke case above)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario(ADVERSARIAL);
    const broken = await simVerdict(scenario, { coordinatorPolicies: tokensReadable });
    expect(broken.promises).toContain('api-contract');
    expect(broken.text).toMatch(/GET \/api\/v1\/tokens with a read token was answered 200: the README gives the route scope admin, so it must be refused 403 insufficient_scope/);
  });

  it('a client quota that counts a batch as one, or lets submissions arriving together all see the old count, is reported (global-cap: maxPendingPerClient); the real quota passes', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario(GLOBAL_CAP);
    const real = await simVerdict(scenario);
    expect(real.text).toBe('');
    const broken = await simVerdict(scenario, { coordinatorPolicies: batchAsOne });
    expect(broken.promises).toContain('api-contract');
    expect(broken.text).toMatch(/a submission of 6 executions \(a batch or graph counts each\) acknowledged at t=\d+ left the client with 26 unfinished executions, past its quota of 24/);
    const racing = await simVerdict(scenario, { coordinatorPolicies: unreservedQuota });
    expect(racing.promises).toEqual(['api-contract']);
    expect(racing.text).toMatch(/left the client with (2[5-9]|30) unfinished executions, past its quota of 24/);
  });

  it('a listing cursor that skips a record at every page boundary, and stats that count retried (or kinds) twice after a store reload, are reported (flaky-disk); the real engine passes', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario(FLAKY_DISK);
    const real = await simVerdict(scenario);
    expect(real.text).toBe('');
    const skipping = await simVerdict(scenario, { engineFactory: engineFactoryOf(CursorFromNextPageEngine) });
    expect(skipping.promises).toEqual(['api-contract']);
    expect(skipping.text).toMatch(/paged listing \(GET \/api\/v1\/executions, 7 per page\): acknowledged ex_\w+ \(completed at the final read\) is missing/);
    const twice = await simVerdict(scenario, { engineFactory: engineFactoryOf(ReloadRetriedTwiceEngine) });
    expect(twice.promises).toEqual(['api-contract']);
    expect(twice.text).toMatch(/GET \/api\/v1\/stats says retried \d+, but \d+ listed executions entered retrying/);
    const kinds = await simVerdict(scenario, { engineFactory: engineFactoryOf(RecoveredKindsTwiceEngine) });
    expect(kinds.promises).toEqual(['api-contract']);
    expect(kinds.text).toMatch(/GET \/api\/v1\/stats counts \d+ completed \w+ executions \(byKind\), but the listing has \d+ and none was pruned/);
  });

  it('percentiles sorted as strings, a successRate that counts cancelled work, a history that shows a retry without its failure, and a completed execution still carrying an earlier attempt\'s error are reported (engine-features)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario(ENGINE_FEATURES);
    const cases = [
      [StringSortedPercentilesEngine, /gives durationsMs\.p(50|95) \d+, but the \d+ listed completions \(completedAt - startedAt\) give \d+/],
      [CancelledDecidedEngine, /gives \w+ successRate [\d.]+, but its own counts \(\d+ completed, \d+ failed\) make [\d.]+/],
      [UnfoldedRetryHistoryEngine, /statusHistory is not one chain: entry \d+ \(retrying\) says previous failed, but the entry before it is running/],
      [CompletedKeepsErrorEngine, /listed ex_\w+ is completed but still carries error \{"code":"task_failed"/],
    ] as const;
    for (const [engine, says] of cases) {
      const broken = await simVerdict(scenario, { engineFactory: engineFactoryOf(engine) });
      expect(broken.promises, broken.text).toEqual(['api-contract']);
      expect(broken.text).toMatch(says);
    }
  });

  it('message counters whose tallies are added again at every scrape are reported (engine-features scrapes /metrics twice at one instant)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario(ENGINE_FEATURES);
    const broken = await withTalliesNeverCleared(() => simVerdict(scenario));
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/GET \/metrics at t=\d+: squall_messages_total\{\w+:\w+\} read \d+, then \d+ at the same instant: a scrape must not count anything/);
  });

  it('a /readyz that stays ready while the listener is closed is reported (coordinator-crash-restart: its graceful restart reads /readyz as it shuts down); the real one passes', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'coordinator-crash-restart.yaml'));
    const real = await simVerdict(scenario);
    expect(real.text).toBe('');
    const broken = await simVerdict(scenario, { wrapHttp: readyWithListenerClosed });
    expect(broken.promises).toEqual(['store-health']);
    expect(broken.text).toMatch(/\/readyz answered 200 \(ready\) while the coordinator was shutting down, its listener closed/);
  });
});
