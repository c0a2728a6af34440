/**
 * Promises about storage faults (issue 9): 11 no phantom, 12 honest health.
 *
 * 11. No phantom: an execution the coordinator reports submitted or
 *     dispatched (or a worker started) was acknowledged to a client, or belongs to a submission
 *     whose outcome the client could not know (the coordinator died before
 *     answering: an `info` completion). A submission the client was told
 *     failed (a definite `fail`, e.g. 503 store_unavailable) must leave
 *     nothing that runs. Counted, since a failed submission carries no id:
 *     unacknowledged executions seen may not exceed what the ambiguous
 *     submissions could have created.
 * 12. Store health: every submission refused with store_unavailable was
 *     refused while /readyz said not ready (the harness reads /readyz right
 *     after such a refusal and records it), and at the end of the run
 *     /readyz is ready again (the coordinator did not stay stuck); and
 *     while the coordinator shuts down (a graceful restart: its listener
 *     closed) /readyz says not ready (blind set 11 #17). And no
 *     claim is decided while the store fails or its state is still being
 *     reloaded: from store_failed to store_recovered (the engine announces
 *     recovery once the reload is done), by the coordinator's own clock, in
 *     the same process (a start that failed ends its process: the next start
 *     loads from the store afresh).
 */
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import { writeFailedEvents } from './promises-acked.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** How many executions an ambiguous (info) submission could have created: a graph's node count, else 1. */
function possibleIds(invoke: Record<string, unknown> | undefined): number {
  const deps = invoke?.dependsOn;
  return deps !== null && typeof deps === 'object' ? Math.max(1, Object.keys(deps).length) : 1;
}

/** 11. Unacknowledged executions that were submitted or dispatched, beyond the ambiguous submissions' allowance. */
export function checkNoPhantom(view: HistoryView, _ctx: CheckContext): Violation[] {
  let allowance = 0;
  let definite = 0;
  for (const rec of view.records) {
    if (rec.f !== 'submit') continue;
    const invoke = typeof rec.value.invoke === 'number' ? view.records[rec.value.invoke]?.value : undefined;
    if (rec.type === 'info') allowance += possibleIds(invoke);
    if (rec.type === 'fail') definite++;
  }
  const seen = new Map<string, number>();
  for (const e of view.events) {
    // A worker's task_started too: an engine may announce a write that failed (the history then discards its
    // submitted/claimed as not committed), but what a worker ran was dispatched whatever the store says.
    if (e.ev.type !== 'submitted' && e.ev.type !== 'claimed' && e.ev.type !== 'task_started') continue;
    const id = e.ev.executionId;
    if (!view.acked.has(id) && !seen.has(id)) seen.set(id, e.rec.index);
  }
  // Announced although its write failed (not a fact of the store, but the coordinator said so).
  for (const r of writeFailedEvents(view)) {
    const id = r.value.executionId;
    if ((r.f === 'submitted' || r.f === 'claimed') && typeof id === 'string' && !view.acked.has(id) && !seen.has(id)) seen.set(id, r.index);
  }
  if (seen.size <= allowance) return [];
  const [firstId, index] = [...seen.entries()][allowance] as [string, number];
  return [
    violation(
      view.records,
      'no-phantom',
      `${seen.size} executions were submitted or dispatched that no client was acknowledged for, but only ${allowance} could come from submissions with an unknown outcome (${definite} submissions were refused outright): ${firstId} is a phantom`,
      { index, executionId: firstId },
    ),
  ];
}

/** 12. store_unavailable only while /readyz says not ready; ready again at the end. */
export function checkStoreHealth(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.f !== 'note' || rec.value.readyz === undefined) continue;
    const status = rec.value.readyz;
    if (rec.value.after === 'store_unavailable' && status === 200) {
      out.push(violation(view.records, 'store-health', `a submission was refused with store_unavailable while /readyz answered 200 (ready): the coordinator hid that it could not commit`, { index: rec.index }));
    }
    if (rec.value.after === 'shutdown' && status === 200) {
      out.push(violation(view.records, 'store-health', `/readyz answered 200 (ready) while the coordinator was shutting down, its listener closed: readiness must fail whenever the listener does not accept connections`, { index: rec.index }));
    }
    out.push(...livenessViolations(view, rec));
    if (rec.value.after === 'end' && status !== 200) {
      out.push(violation(view.records, 'store-health', `at the end of the run, after every fault healed, /readyz answered ${String(status)}: the coordinator stayed unable to commit (stuck)`, { index: rec.index }));
    }
  }
  return out;
}

/**
 * 12. Liveness judged at one instant, at every read (before, during and after an outage, across restarts):
 * /healthz is 503 exactly while the store cannot commit (the store check /readyz names at the same instant),
 * 200 otherwise: not while the listener is closed (that is readiness), not for a failure the store recovered
 * from (set 18 #10: judged by failures since start, a liveness probe restarts a healthy coordinator).
 */
function livenessViolations(view: HistoryView, rec: HistoryRecord): Violation[] {
  const { healthz, storeCheck, after } = rec.value;
  if (typeof healthz !== 'number' || (storeCheck !== 'ok' && storeCheck !== 'failing')) return [];
  const failing = storeCheck === 'failing';
  if (failing === (healthz === 503) && (healthz === 200 || healthz === 503)) return [];
  const why = failing ? 'the store could not commit, so liveness must fail (503)' : 'the store could commit (/readyz names its check ok), so the process is alive and /healthz must answer 200: a failure the store recovered from, or a closed listener, is no liveness failure';
  return [violation(view.records, 'store-health', `/healthz answered ${healthz} on the read after ${String(after)} (t=${rec.time}) while ${why}`, { index: rec.index })];
}

/**
 * The supervisor's note of a coordinator start that failed (its store could not commit while it loaded:
 * faults-trigger.ts, restartInMs): that process ended, and the next try loads its state from the store
 * afresh. A store_failed of the failed try is no outage of the process that starts after it.
 */
function isFailedStart(rec: HistoryRecord): boolean {
  return rec.process === 'nemesis' && rec.f === 'note' && typeof rec.value.restartInMs === 'number';
}

/** Which coordinator process a record belongs to: its life (kills, restarts) and the failed starts before it in that life. */
function processKey(view: HistoryView, failedStarts: readonly number[], index: number): string {
  return `${view.lifeOf('coordinator', index)}/${failedStarts.filter((i) => i < index).length}`;
}

/** Per coordinator process, the spans [failed at, recovered at) of its store, on its clock (an unended one lasts the process). */
function failingSpans(view: HistoryView, failedStarts: readonly number[]): Map<string, { from: number; to: number }[]> {
  const out = new Map<string, { from: number; to: number }[]>();
  let open: { key: string; from: number } | undefined;
  const close = (to: number): void => {
    if (open === undefined) return;
    const list = out.get(open.key) ?? [];
    list.push({ from: open.from, to });
    out.set(open.key, list);
    open = undefined;
  };
  for (const e of view.events) {
    if (e.ev.source !== 'coordinator' || (e.ev.type !== 'store_failed' && e.ev.type !== 'store_recovered')) continue;
    const key = processKey(view, failedStarts, e.rec.index);
    if (open !== undefined && open.key !== key) close(Infinity);
    if (e.ev.type === 'store_failed') open ??= { key, from: e.ev.at };
    else close(e.ev.at);
  }
  close(Infinity);
  return out;
}

/** 12. No claim decided while the store was failing or reloading (store_failed .. store_recovered, same coordinator process). */
export function checkNoClaimWhileFailing(view: HistoryView): Violation[] {
  const failedStarts = view.records.filter(isFailedStart).map((r) => r.index);
  const spans = failingSpans(view, failedStarts);
  if (spans.size === 0) return [];
  const out: Violation[] = [];
  for (const c of view.ofType('claimed')) {
    const span = spans.get(processKey(view, failedStarts, c.rec.index))?.find((s) => c.ev.at > s.from && c.ev.at < s.to);
    if (span === undefined) continue;
    const until = span.to === Infinity ? 'it never recovered in that life' : `recovered (state reloaded) ${span.to - c.ev.at} ms later`;
    out.push(
      violation(
        view.records,
        'store-health',
        `${c.ev.workerId} was given attempt ${c.ev.attempt} (lease ${c.ev.leaseToken}) by a claim decided while the store was failing or still reloading (failed ${c.ev.at - span.from} ms before, ${until}): dispatch waits until the reload from the store is done`,
        { index: c.rec.index, executionId: c.ev.executionId, workerId: c.ev.workerId },
      ),
    );
  }
  return out;
}
