/**
 * Part of 29, api-contract: creation statuses (README, "HTTP API"). Every
 * route of the README's table that creates something (a POST on a path
 * without an `{id}`: `/api/v1/executions`, `/batch`, `/api/v1/graphs`,
 * `/api/v1/tokens`; api-scopes.ts parses the table, so a creating route
 * added to it must be judged here too: `creatingRoutes`, and a test holds
 * the two together) answers what it created with 201 Created:
 *
 * - a single submission without an idempotency key creates an execution:
 *   201; with a key, only one answer per execution is 201 and an idempotent
 *   repeat is 200 (createdMismatches);
 * - a batch or a graph holding an entry without an idempotency key creates
 *   it: 201;
 * - a token made (the answer shows it, once): 201 (the token administrator,
 *   `clientReads` read `tokens`, records each create's status; blind set 20
 *   #13 answered 200, so a client checking for 201 took a new token for a
 *   failure).
 *
 * - the revoke_token fault's undo (an admin makes the simulated client a
 *   new submit token, harness/scenario/sim-client.ts, note `revokeUndo`):
 *   answered 201 with the token; another status, or an answer without a
 *   token, is reported with the status seen (it used to throw in the fault,
 *   noted as a failed undo while the run passed).
 *
 * - the revoke_token fault's revoke itself (the admin revokes the token
 *   the client holds, one the API created: note `revokeStep`): answered
 *   200; another status (a 404 for the client's own token, a 500) is
 *   reported with the status and code seen (it used to throw in the fault,
 *   which stopped the schedule as a refused fault).
 *
 * A 200 for a creation tells a client that nothing new exists; no other 2xx
 * is documented for a creation at all.
 */
import { apiRoutes, type ApiRoute } from './api-scopes.js';
import type { HistoryRecord } from './history.js';
import type { TokenStep } from './promises-api-tokens.js';
import type { HistoryView } from './view.js';
import { type Violation, violation } from './violation.js';

/** The creating route each kind of client submission is sent to (harness/scenario/http-client.ts), and the token route. */
export const JUDGED_CREATIONS: Readonly<Record<string, string>> = {
  task: '/api/v1/executions',
  batch: '/api/v1/executions/batch',
  graph: '/api/v1/graphs',
  token: '/api/v1/tokens',
};

/** The README's creating routes: POSTs on a path without a placeholder (controls and revokes act on an `{id}`). */
export function creatingRoutes(routes: readonly ApiRoute[] = apiRoutes()): string[] {
  return routes.filter((r) => r.method === 'POST' && !r.path.includes('{')).map((r) => r.path);
}

/** 29 (creations). See the file comment. */
export function checkCreationStatuses(view: HistoryView): Violation[] {
  return [...submissionStatuses(view), ...createdMismatches(view), ...tokenCreations(view), ...revokeSteps(view), ...revokeUndos(view)];
}

type Intent = { idempotencyKey?: string };

/** Submissions answered 2xx that created something (an entry without an idempotency key) but not with 201. */
function submissionStatuses(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.f !== 'submit' || rec.type !== 'ok' || typeof rec.value.status !== 'number' || rec.value.status === 201) continue;
    const invoke = view.records[rec.value.invoke as number];
    const kind = String(invoke?.value.kind);
    const shape = kind === 'batch' || kind === 'graph' ? kind : 'task';
    const intents = Array.isArray(invoke?.value.intent) ? (invoke.value.intent as Intent[]) : [];
    const keyless = intents.some((i) => i.idempotencyKey === undefined);
    if (!keyless && rec.value.status === 200) continue; // an idempotent repeat (createdMismatches judges its 201s)
    out.push(
      violation(view.records, 'api-contract', `POST ${JUDGED_CREATIONS[shape]} (${String(invoke?.value.ref)}) ${keyless ? 'created what it was sent (an entry without an idempotency key)' : 'was accepted'} and was answered ${rec.value.status} at t=${rec.time}: a creation is answered 201 Created`, {
        index: rec.index,
      }),
    );
  }
  return out;
}

/**
 * Single submissions answered 201 Created for an execution that another
 * answer already created: only one submission creates an execution, every
 * idempotent repeat is answered 200 (repeats racing their original may be
 * answered first, so order is not judged).
 */
function createdMismatches(view: HistoryView): Violation[] {
  const created = new Map<string, number>();
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.f !== 'submit' || rec.type !== 'ok' || rec.value.status !== 201 || !Array.isArray(rec.value.executionIds)) continue;
    const kind = view.records[rec.value.invoke as number]?.value.kind;
    const id = rec.value.executionIds[0];
    if (kind === 'batch' || kind === 'graph' || rec.value.executionIds.length !== 1 || typeof id !== 'string') continue;
    const first = created.get(id);
    if (first === undefined) {
      created.set(id, rec.time);
      continue;
    }
    out.push(violation(view.records, 'api-contract', `a submission answered 201 Created at t=${rec.time} with ${id}, which an earlier answer (t=${first}) already created: an idempotent repeat is answered 200`, { index: rec.index, executionId: id }));
  }
  return out;
}

/** The token administrator's creates: one that showed a token was answered 201. */
function tokenCreations(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records as HistoryRecord[]) {
    if (rec.f !== 'note' || typeof rec.value.tokenStep !== 'object' || rec.value.tokenStep === null) continue;
    const step = rec.value.tokenStep as TokenStep;
    if (step.created === undefined || step.createStatus === undefined || step.createStatus === 201) continue;
    out.push(violation(view.records, 'api-contract', `POST ${JUDGED_CREATIONS.token} made token ${step.created} (the answer shows it) and was answered ${step.createStatus} at t=${step.at}: a creation is answered 201 Created`, { index: rec.index }));
  }
  return out;
}

/** The revoke_token fault's revoke of the client's token (one the API created and the client holds): 200. */
function revokeSteps(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    const r = rec.f === 'note' ? (rec.value.revokeStep as { status: number; tokenId: string; code?: string } | undefined) : undefined;
    if (r === undefined || r.status === 200) continue;
    out.push(violation(view.records, 'api-contract', `POST /api/v1/tokens/${r.tokenId}/revoke (the revoke_token fault: an admin revokes the client's token) was answered ${r.status}${r.code === undefined ? '' : ` ${r.code}`} at t=${rec.time}: a token the API created and nobody revoked is revoked with 200`, { index: rec.index }));
  }
  return out;
}

/** The revoke_token undo's create of the client's new submit token: 201 with the token. */
function revokeUndos(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    const u = rec.f === 'note' ? (rec.value.revokeUndo as { status: number; created?: string; code?: string } | undefined) : undefined;
    if (u === undefined || (u.status === 201 && u.created !== undefined)) continue;
    const what = u.created === undefined ? `showed no token (${u.code ?? 'no error code'}), so the client kept its revoked one` : `made token ${u.created}`;
    out.push(violation(view.records, 'api-contract', `POST ${JUDGED_CREATIONS.token} (the revoke_token undo: an admin makes the client a new submit token) was answered ${u.status} at t=${rec.time} and ${what}: a creation with a valid admin token is answered 201 Created with the token`, { index: rec.index }));
  }
  return out;
}
