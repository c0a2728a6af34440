/**
 * A user on the dashboard page while the run goes on (scenario `clientReads`
 * read `page`), in a simulated browser that runs the page's own scripts
 * (ui-page-runtime.ts):
 *
 * - at `at` the page loads; the API asks for a token, so it should ask the
 *   user for one; everyMs later the user types the read token into the
 *   sign-in form and submits it; where the token then sits (sessionStorage,
 *   localStorage) is noted;
 * - the page stays open, following the live feed, until the end-of-run
 *   reads (final-reads.ts): then the user looks at the feed (each line's
 *   text, next to the events the page's stream carried), types a taskId the
 *   client submitted with markup into the task-id filter and opens that
 *   execution, opens the graphs of a few executions with dependencies (each
 *   node's box and each arrow's ends as drawn), counts the elements the
 *   system's text made (`[data-injected]`, `img`), in the whole page and in
 *   each region that shows it (workers table, feed, kinds and breakers,
 *   overview), reads each worker id with markup (`fleet.markupWorker`) as
 *   text where it is shown, and signs out (where the
 *   token sits after). Every data request the page made is noted with the
 *   Authorization header it carried.
 *
 * - at every step of the read after the sign-in, and first thing at the end,
 *   the user reads the page's numbers and the executions table as they
 *   stand (ui-page-look.ts), the first look opening a detail.
 *
 * All of it is noted as `uiPage`; harness/check/promises-ui-page.ts judges
 * it by the README's "Dashboard" alone.
 */
import type { HistoryRecorder } from '../check/history.js';
import type { UiPageLook } from '../check/promises-ui-numbers.js';
import type { UiPageSession } from '../check/promises-ui-page.js';
import type { Simulation } from '../sim/index.js';
import { CANCEL_REASON } from './http-client.js';
import { columns, listed, lookAtNumbers } from './ui-page-look.js';
import { closePage, openPage, type OpenPage } from './ui-page-runtime.js';

/** The page the user holds open in a run, for the end-of-run reads. */
const openPages = new WeakMap<Simulation, PageUser>();

/** The user on the page of `sim`, if a `page` read opened one. */
export const pageUserOf = (sim: Simulation): PageUser | undefined => openPages.get(sim);

/** Lets the page's promise chains run (the page's fetches are answered without virtual time passing). */
async function settle(turns = 30): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

const FEED_NOTED = 301;

/** The page's regions that show the system's text: [where, selector] (index.html). */
const REGIONS: readonly [string, string][] = [
  ['the workers table', '#workers-table'],
  ['the live feed', '#event-list'],
  ["the engine's kinds and breakers", '#kinds, #breakers'],
  ['the overview', '#overview'],
];

export class PageUser {
  private page: OpenPage | undefined;
  private steps = 0;
  private readonly session: UiPageSession;

  constructor(
    private readonly recorder: HistoryRecorder,
    private readonly token: string,
    openedAt: number,
  ) {
    this.session = { openedAt, injected: [], texts: [], graphs: [] };
  }

  /** Step 1 opens the page; step 2 signs in; every later step looks at its numbers (ui-page-look.ts), the first opening a detail. */
  async step(sim: Simulation): Promise<void> {
    this.steps += 1;
    if (this.steps === 1) {
      if (sim.coordinator.instance === null) return; // nothing to open: no page, nothing judged
      openPages.set(sim, this);
      try {
        this.page = await openPage(sim);
      } catch (err) {
        // A script that does not even run (a syntax error, an asset cut short): the page is judged broken.
        this.session.error = String(err).slice(0, 300);
      }
      return;
    }
    if (this.steps === 2 && this.page !== undefined) await this.signIn(sim, this.page);
    else if (this.steps > 2 && this.page !== undefined) this.look(await lookAtNumbers(sim, this.page, this.token, this.steps === 3, () => settle()));
  }

  private look(l: UiPageLook): void {
    (this.session.looks ??= []).push(l);
  }

  private storage(page: OpenPage): { session: boolean; local: boolean } {
    const holds = (s: OpenPage['window']['localStorage']): boolean => Array.from({ length: s.length }, (_, i) => s.getItem(s.key(i) ?? '')).some((v) => v !== null && v.includes(this.token));
    return { session: holds(page.window.sessionStorage), local: holds(page.window.localStorage) };
  }

  private loginShown(page: OpenPage): boolean {
    return (page.window.document.getElementById('login') as { hidden?: boolean } | null)?.hidden === false;
  }

  private async signIn(sim: Simulation, page: OpenPage): Promise<void> {
    const doc = page.window.document;
    const asked = this.loginShown(page);
    const input = doc.getElementById('token') as unknown as { value: string } | null;
    if (input !== null) input.value = this.token;
    page.tap.requests.length = 0;
    doc.getElementById('login-form')?.dispatchEvent(new page.window.Event('submit', { cancelable: true }));
    await settle();
    this.session.signIn = { at: sim.simulatedMs, asked, ...this.storage(page) };
  }

  /** The markup the page must show as text and count no element of: every `data-injected` or `img` element (under `root`, default the whole page). */
  private injected(page: OpenPage, where: string, root?: string): void {
    const doc = page.window.document;
    const found = root === undefined ? [...doc.querySelectorAll('[data-injected], img, body script')] : [...doc.querySelectorAll(root)].flatMap((r) => [...r.querySelectorAll('[data-injected], img, script')]);
    this.session.injected.push([where, found.length, [...new Set(found.map((e) => e.tagName.toLowerCase()))].join(',')]);
  }

  /**
   * Each region that shows the system's text, looked at on its own (README "Dashboard"): the workers
   * table (worker ids, kinds, sessions), the live feed (event types, worker and execution ids, details),
   * the engine's kinds and breakers, the overview; and each worker id with markup (fleet.markupWorker)
   * read as text in the workers table and, when the feed carried an event of it, in the feed.
   */
  private lookAtRegions(page: OpenPage): void {
    for (const [where, root] of REGIONS) this.injected(page, where, root);
    const carried = new Set(page.tap.carried.map(([, id]) => id));
    for (const [id] of page.tap.workers) {
      if (!/[<&]/.test(id)) continue;
      this.shows(page, 'the workers table', '#workers-table', id);
      if (carried.has(id)) this.shows(page, 'the live feed', '#event-list', id);
    }
  }

  private shows(page: OpenPage, where: string, selector: string, text: string): void {
    const el = page.window.document.querySelector(selector);
    this.session.texts.push([where, text, el !== null && (el.textContent ?? '').includes(text)]);
  }

  /** The end-of-run look (see the file comment): notes `uiPage` and closes the tab. */
  async finish(sim: Simulation, markup: { id: string; taskId: string; cancelled: boolean } | undefined, graphIds: readonly string[]): Promise<void> {
    const page = this.page;
    openPages.delete(sim);
    if (page === undefined) return void (this.session.error === undefined ? undefined : this.recorder.recordInfo({ uiPage: this.session }));
    await settle();
    this.session.live = { conn: page.window.document.getElementById('conn')?.textContent ?? '', open: sim.coordinator.instance !== null && page.tap.open.has(sim.coordinator.instance) };
    // Its numbers and the executions table as they stand, before the user touches a filter (ui-page-look.ts).
    this.look(await lookAtNumbers(sim, page, this.token, false, () => settle()));
    this.session.feed = { carried: page.tap.carried.length, tail: page.tap.carried.slice(-FEED_NOTED), shown: [...page.window.document.querySelectorAll('#event-list > li')].map((li) => li.textContent ?? '') };
    this.injected(page, 'the page');
    this.lookAtRegions(page);
    if (markup !== undefined) await this.lookAtMarkup(page, markup);
    for (const id of graphIds) await this.openGraph(page, id);
    await this.lookAtTables(sim, page);
    const signedIn = page.tap.requests.slice();
    page.window.document.getElementById('signout')?.dispatchEvent(new page.window.Event('click'));
    await settle();
    this.session.signOut = { ...this.storage(page), asked: this.loginShown(page) };
    this.session.requests = signedIn.filter(([path]) => /^\/(api|ui\/events|ui\/graph)/.test(path)).map(([path, auth, status]) => [path, auth === `Bearer ${this.token}` ? 'token' : auth === '' ? 'none' : 'other', status]);
    this.session.warnings = page.tap.warnings.slice(0, 5);
    await closePage(page);
    this.recorder.recordInfo({ uiPage: this.session });
  }

  private async lookAtMarkup(page: OpenPage, m: { id: string; taskId: string; cancelled: boolean }): Promise<void> {
    const doc = page.window.document;
    const filter = doc.getElementById('f-task') as unknown as { value: string } | null;
    if (filter === null) return;
    filter.value = m.taskId;
    doc.getElementById('f-task')?.dispatchEvent(new page.window.Event('input'));
    await settle();
    this.shows(page, `the executions filtered by task id`, '#exec-table', m.taskId);
    this.injected(page, 'the executions filtered by a task id with markup');
    doc.querySelector(`tr[data-exec="${m.id}"]`)?.dispatchEvent(new page.window.Event('click'));
    await settle();
    this.shows(page, `the detail of ${m.id}`, '#detail', m.taskId);
    if (m.cancelled) this.shows(page, `the status history of ${m.id}`, '#detail', CANCEL_REASON);
    this.injected(page, `the detail of ${m.id}`);
    filter.value = '';
    doc.getElementById('f-task')?.dispatchEvent(new page.window.Event('input'));
    await settle();
  }

  /** The workers table next to the last push, the executions table (unfiltered, then by status) next to the listing. */
  private async lookAtTables(sim: Simulation, page: OpenPage): Promise<void> {
    this.session.workers = { pushed: page.tap.workers, shown: columns(page, '#workers-table', ['worker', 'state', 'reconnects']) };
    const select = page.window.document.getElementById('f-status') as unknown as { value: string; dispatchEvent(e: unknown): boolean } | null;
    this.session.executions = [];
    for (const status of ['', 'completed']) {
      if (select === null) break;
      select.value = status;
      select.dispatchEvent(new page.window.Event('change'));
      await settle();
      const shown = columns(page, '#exec-table', ['execution', 'status']).map(([id, st]): [string, string] => [id ?? '', st ?? '']);
      this.session.executions.push({ status, shown, listed: (await listed(sim, this.token, status)).map(([id, st]): [string, string] => [id, st]) });
    }
  }

  /** Opens an execution's detail by its row and notes its graph as drawn. */
  private async openGraph(page: OpenPage, id: string): Promise<void> {
    const doc = page.window.document;
    const row = doc.querySelector(`tr[data-exec="${id}"]`);
    if (row === null) return;
    row.dispatchEvent(new page.window.Event('click'));
    await settle();
    const edges = page.tap.graphs.get(id);
    if (edges === undefined) return;
    const num = (v: string | null): number => Number(v ?? NaN);
    const nodes = [...doc.querySelectorAll('#detail svg g.node[data-id]')].map((g): [string, number, number, number, number] => {
      const t = /translate\(([-\d.]+),\s*([-\d.]+)\)/.exec(g.getAttribute('transform') ?? '');
      const rect = g.querySelector('rect');
      return [g.getAttribute('data-id') ?? '', num(t?.[1] ?? null), num(t?.[2] ?? null), num(rect?.getAttribute('width') ?? null), num(rect?.getAttribute('height') ?? null)];
    });
    const arrows = [...doc.querySelectorAll('#detail svg path.edge')].map((p): [number, number, number, number, boolean] => {
      const n = (p.getAttribute('d') ?? '').match(/-?\d+(?:\.\d+)?/g)?.map(Number) ?? [];
      return [n[0] ?? NaN, n[1] ?? NaN, n.at(-2) ?? NaN, n.at(-1) ?? NaN, (p.getAttribute('marker-end') ?? '') !== ''];
    });
    this.session.graphs.push({ id, edges, nodes, arrows });
    this.injected(page, `the graph of ${id}`);
  }
}
