/**
 * A client reading the API while the run goes on (scenario `clientReads`,
 * schema-engine.ts), in simulation: the end-of-run reads (api-reads.ts) see
 * one instant, so a listing whose cursor misbehaves only when the record it
 * names was pruned, or counters that drift between scrapes, never show
 * there.
 *
 * - `listing`: one page of GET /api/v1/executions (`limit` per page) per
 *   request, following nextCursor, over and over: each pass is noted
 *   (`listingPass`) with what it listed (id, createdAt), when it began and
 *   ended, and which executions the client knew before the pass began that
 *   the coordinator no longer knows when it ended (pruned meanwhile); a pass
 *   the coordinator's restart or a refused page cut short says so. Every
 *   other pass sends the filters it leaves open as empty parameters
 *   (`status=&taskId=`, as absent), so both forms are paged.
 *   harness/check/promises-reads-walk.ts judges each pass (promise 29).
 * - `metrics`: GET /metrics twice at one instant, the message counters of
 *   both noted (`metricsScrape`) with the coordinator's incarnation;
 *   harness/check/promises-metrics.ts judges them.
 */
import type { Coordinator } from '../../system/coordinator/index.js';
import type { HistoryRecorder } from '../check/history.js';
import type { ListedItem, ListingPass } from '../check/promises-reads-walk.js';
import type { Simulation } from '../sim/index.js';
import type { ClientRead } from './schema-engine.js';
import { DashboardReader } from './client-dashboard.js';
import { readGauges } from './client-gauges.js';
import { TokenAdmin } from './client-tokens.js';
import { probeCall, type SimClient } from './sim-client.js';
import { PageUser } from './ui-page.js';

interface Pass {
  coordinator: Coordinator;
  startedAt: number;
  cursor: string | null;
  items: ListedItem[];
  /** This pass sends the open filters as empty parameters (every other pass). */
  openFilters: boolean;
}

type PageBody = { executions?: { executionId?: unknown; createdAt?: unknown }[]; nextCursor?: unknown } | null;

/** The client reads of one simulation run: acknowledged executions in, timed steps out. */
export class ClientReads {
  /** Each acknowledged execution and when the client got the acknowledgement. */
  private readonly known = new Map<string, number>();

  constructor(
    private readonly reads: readonly ClientRead[],
    private readonly recorder: HistoryRecorder,
  ) {}

  accepted(ids: readonly string[], now: number): void {
    for (const id of ids) if (!this.known.has(id)) this.known.set(id, now);
  }

  /** Timed steps for the runner's schedule. */
  steps(sim: Simulation, client: SimClient): { at: number; run: () => Promise<void> }[] {
    return this.reads.flatMap((r) => {
      const step = r.read === 'listing' ? this.walker(sim, client, r) : this.reader(sim, client, r);
      const last = r.read === 'listing' ? this.walkEnd(r) : undefined;
      return Array.from({ length: r.count + (last === undefined ? 0 : 1) }, (_, i) => ({ at: r.at + i * r.everyMs, run: i === r.count && last !== undefined ? last : step }));
    });
  }

  /** The step of a read that is not a listing: one scrape, one token administration step, one gauge read, one dashboard read. */
  private reader(sim: Simulation, client: SimClient, r: ClientRead): () => Promise<void> {
    if (r.read === 'tokens') {
      const admin = new TokenAdmin(this.recorder);
      return () => admin.step(sim, client);
    }
    if (r.read === 'gauges') return () => readGauges(sim, client, this.recorder);
    if (r.read === 'page') {
      const user = new PageUser(this.recorder, client.probe.read, r.at);
      return () => user.step(sim);
    }
    if (r.read === 'dashboard') {
      const feed = new DashboardReader(this.recorder, r.count);
      return () => feed.step(sim, client);
    }
    return () => this.scrape(sim, client);
  }

  private readonly passes = new Map<ClientRead, Pass | undefined>();
  private passCount = 0;

  /** One page per call; a pass ends at its last page, or cut short. */
  private walker(sim: Simulation, client: SimClient, r: ClientRead): () => Promise<void> {
    return async () => {
      const c = sim.coordinator.instance;
      let pass = this.passes.get(r);
      if (pass !== undefined && pass.coordinator !== c) pass = this.close(r, pass, sim, false, 'the coordinator restarted or went down');
      if (c === null) return;
      pass ??= { coordinator: c, startedAt: sim.simulatedMs, cursor: null, items: [], openFilters: (this.passCount = (this.passCount + 1) % 2) === 0 };
      this.passes.set(r, pass);
      const q = `limit=${r.limit}${pass.openFilters ? '&status=&taskId=' : ''}${pass.cursor === null ? '' : `&cursor=${encodeURIComponent(pass.cursor)}`}`;
      const res = await probeCall(c)({ method: 'GET', path: `/api/v1/executions?${q}`, headers: { authorization: `Bearer ${client.probe.read}` } });
      if (res.status !== 200) return void this.close(r, pass, sim, false, `a page (?${q}) was answered HTTP ${res.status}`, res.status);
      const b = res.body as PageBody;
      const listedAt = sim.simulatedMs;
      for (const e of b?.executions ?? []) pass.items.push([String(e.executionId), typeof e.createdAt === 'number' ? e.createdAt : NaN, listedAt]);
      if (typeof b?.nextCursor === 'string') pass.cursor = b.nextCursor;
      else this.close(r, pass, sim, true);
    };
  }

  /** The step after the last request: a pass still open is noted unended. */
  private walkEnd(r: ClientRead): () => Promise<void> {
    return () => {
      const pass = this.passes.get(r);
      if (pass !== undefined) this.note(r, pass, pass.startedAt, false, 'the reads ended first', []);
      this.passes.set(r, undefined);
      return Promise.resolve();
    };
  }

  private close(r: ClientRead, pass: Pass, sim: Simulation, ended: boolean, broken?: string, refused?: number): undefined {
    const c = sim.coordinator.instance;
    const gone = ended && c === pass.coordinator ? [...this.known].filter(([id, at]) => at < pass.startedAt && c.engine.getExecution(id) === undefined).map(([id]) => id) : [];
    this.note(r, pass, sim.simulatedMs, ended, broken, gone, refused);
    this.passes.set(r, undefined);
    return undefined;
  }

  private note(r: ClientRead, pass: Pass, endedAt: number, ended: boolean, broken: string | undefined, gone: string[], refused?: number): void {
    const value: ListingPass = { limit: r.limit, startedAt: pass.startedAt, endedAt, items: pass.items, ended, gone, ...(broken === undefined ? {} : { broken }), ...(refused === undefined ? {} : { refused }) };
    this.recorder.recordInfo({ listingPass: value });
  }

  /** Coordinator incarnations seen by scrapes, numbered from 1 (counters start again at a restart). */
  private readonly incarnations = new Map<Coordinator, number>();

  /**
   * GET /metrics twice at one instant (nothing happens in between, so the
   * two must agree): the squall_messages_total samples, by `direction:type`.
   */
  private async scrape(sim: Simulation, client: SimClient): Promise<void> {
    const c = sim.coordinator.instance;
    if (c === null) return;
    if (!this.incarnations.has(c)) this.incarnations.set(c, this.incarnations.size + 1);
    const first = await messageCounters(c, client);
    const second = await messageCounters(c, client);
    if (typeof first === 'number' || typeof second === 'number') return void this.recorder.recordInfo({ metricsScrape: { error: typeof first === 'number' ? first : second } });
    this.recorder.recordInfo({ metricsScrape: { incarnation: this.incarnations.get(c), first, second } });
  }
}

/** The squall_messages_total samples of one GET /metrics, by `direction:type`; the HTTP status if refused. */
async function messageCounters(c: Coordinator, client: SimClient): Promise<Record<string, number> | number> {
  const res = await probeCall(c)({ method: 'GET', path: '/metrics', headers: { authorization: `Bearer ${client.probe.read}` } });
  if (res.status !== 200 || typeof res.body !== 'string') return res.status;
  const messages: Record<string, number> = {};
  for (const m of res.body.matchAll(/^squall_messages_total\{([^}]*)\} (\S+)$/gm)) {
    const labels = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    messages[`${labels.direction}:${labels.type}`] = Number(m[2]);
  }
  return messages;
}
