/**
 * The dashboard's user reading its numbers (ui-page.ts: every `page` read's
 * step after the sign-in, and first thing at the end of the run): the
 * workers table's round trips and "last seen", the kinds table, the
 * overview's tiles, the executions table's rows and "created", and the open
 * detail's status, each as shown under the page's own headers, next to the
 * last push the page got (its `now`, workers and stats) and the API's
 * listing at the same instant. At its first look the user opens the detail
 * of an execution still under way, so later looks see whether the page kept
 * it fresh. harness/check/promises-ui-numbers.ts judges them.
 */
import type { PushedNumbers, UiPageLook } from '../check/promises-ui-numbers.js';
import type { Simulation } from '../sim/index.js';
import { probeCall } from './sim-client.js';
import type { OpenPage } from './ui-page-runtime.js';

const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'timeout']);

/** The cells of a rendered table under `root`, by the header names `names` (the page's own labels). */
export function columns(page: OpenPage, root: string, names: readonly string[]): string[][] {
  const table = page.window.document.querySelector(`${root} table`);
  if (table === null) return [];
  const heads = [...table.querySelectorAll('thead th')].map((th) => (th.textContent ?? '').trim());
  const at = names.map((n) => heads.indexOf(n));
  return [...table.querySelectorAll('tbody tr')].map((tr) => {
    const cells = [...tr.querySelectorAll(':scope > td')].map((td) => (td.textContent ?? '').trim());
    return at.map((i) => (i < 0 ? '' : (cells[i] ?? '')));
  });
}

/** The executions as the API lists them at this instant (one page of 1000): [id, status, createdAt]. */
export async function listed(sim: Simulation, token: string, status: string): Promise<[string, string, number][]> {
  const c = sim.coordinator.instance;
  if (c === null) return [];
  const r = await probeCall(c)({ method: 'GET', path: `/api/v1/executions?limit=1000${status === '' ? '' : `&status=${status}`}`, headers: { authorization: `Bearer ${token}` } });
  const b = r.body as { executions?: { executionId?: unknown; status?: unknown; createdAt?: unknown }[] } | null;
  return (b?.executions ?? []).map((e) => [String(e.executionId), String(e.status), Number(e.createdAt)]);
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** The numbers of the page's last push. */
function pushedOf(last: Record<string, unknown> | undefined): PushedNumbers | undefined {
  if (last === undefined || typeof last.now !== 'number') return undefined;
  const stats = (last.stats ?? {}) as Record<string, unknown>;
  const workers = (Array.isArray(last.workers) ? last.workers : []) as Record<string, unknown>[];
  const durations = (stats.durationsMs ?? {}) as Record<string, unknown>;
  const byKind = Object.entries((stats.byKind ?? {}) as Record<string, Record<string, unknown>>);
  return {
    now: last.now,
    workers: workers.map((w) => [String(w.id), String(w.state), numOrNull(w.rttMs), numOrNull(w.lastSeenAt), num(w.running), num(w.concurrency)]),
    total: num(stats.total), queueLength: num(stats.queueLength), byStatus: (stats.byStatus ?? {}) as Record<string, number>,
    retried: num(stats.retried), timedOut: num(stats.timedOut), p50: numOrNull(durations.p50), p95: numOrNull(durations.p95),
    byKind: byKind.map(([k, v]) => [k, num(v.completed), num(v.failed), num(v.cancelled)]),
    breakers: Object.values((stats.breakers ?? {}) as Record<string, string>).map(String),
  };
}

/** The open detail: [execution, status shown, attempts shown], if one is open. */
function detailOf(page: OpenPage): [string, string, string] | undefined {
  const d = page.window.document.getElementById('detail') as unknown as { hidden: boolean; querySelector(s: string): { textContent: string | null } | null; querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } | null;
  if (d === null || d.hidden) return undefined;
  const dts = [...Array.from(d.querySelectorAll('dl > dt'))].map((x) => (x.textContent ?? '').trim());
  const dds = [...Array.from(d.querySelectorAll('dl > dd'))].map((x) => (x.textContent ?? '').trim());
  return [(d.querySelector('h3')?.textContent ?? '').trim(), dds[dts.indexOf('status')] ?? '', dds[dts.indexOf('attempts')] ?? ''];
}

/** The execution as GET /api/v1/executions/{id} gives it at this instant: attempts and status history [at, status]. */
async function apiDetail(sim: Simulation, token: string, id: string): Promise<{ attempts: number; history: [number, string][] } | undefined> {
  const c = sim.coordinator.instance;
  if (c === null) return undefined;
  const r = await probeCall(c)({ method: 'GET', path: `/api/v1/executions/${encodeURIComponent(id)}`, headers: { authorization: `Bearer ${token}` } });
  const b = r.body as { attempts?: unknown; statusHistory?: { at?: unknown; status?: unknown }[] } | null;
  if (r.status !== 200 || b === null) return undefined;
  return { attempts: num(b.attempts), history: (b.statusHistory ?? []).map((h) => [num(h.at), String(h.status)]) };
}

/** One look (see the file comment); `open` opens the detail of an execution still under way first. */
export async function lookAtNumbers(sim: Simulation, page: OpenPage, token: string, open: boolean, settle: () => Promise<void>): Promise<UiPageLook> {
  const doc = page.window.document;
  if (open) {
    const rows = columns(page, '#exec-table', ['execution', 'status']);
    const pick = rows.find(([, st]) => !TERMINAL.has(st ?? '')) ?? rows[0];
    if (pick !== undefined) doc.querySelector(`tr[data-exec="${pick[0]}"]`)?.dispatchEvent(new page.window.Event('click'));
    await settle();
  }
  const tiles = [...doc.querySelectorAll('#overview .tile')].map((t): [string, string] => [(t.querySelector('.k')?.textContent ?? '').trim(), (t.querySelector('.v')?.textContent ?? '').trim()]);
  const detail = detailOf(page);
  const api = detail === undefined ? undefined : await apiDetail(sim, token, detail[0]);
  const history = detail === undefined ? [] : columns(page, '#detail', ['at', 'to']);
  return {
    at: sim.now(), execPushAt: page.tap.execPushAt, nowAtFetch: page.tap.nowAtFetch, pushed: pushedOf(page.tap.last),
    ...(page.tap.liveAt === undefined ? {} : { live: [page.tap.liveAt, page.tap.lives] as [number, number] }),
    workers: columns(page, '#workers-table', ['worker', 'round trip', 'last seen', 'held tasks']),
    kinds: columns(page, '#kinds', ['kind', 'completed', 'failed', 'cancelled', 'success']),
    executions: columns(page, '#exec-table', ['execution', 'status', 'created']),
    tiles, ...(detail === undefined ? {} : { detail: [detail[0], detail[1]] }), listed: await listed(sim, token, ''),
    ...(detail === undefined || api === undefined ? {} : { history: { attempts: detail[2], rows: history, api } }),
  };
}
