/**
 * Requests in a graceful stop's window (a `restart` fault with `graceful`,
 * faults-sim.ts beginShutdown): the coordinator was told to stop (its loops,
 * engine and listener closing) and a client still reaches its HTTP handler,
 * on a connection it already had. It reads the listing (reads may still be
 * answered), then sends what would change state: a submission repeating a
 * listed execution's kind and params, a cancel, a pause and a resume of an
 * unfinished execution, a cancel of a finished one. README ("HTTP API"): a
 * coordinator that is stopping acts on nothing and answers `503` with
 * `Retry-After` (not now, retry: the restart is about a second away), never
 * a 4xx that tells the client its request was wrong. Each answer is noted as
 * `shutdownProbe`; promise 29 judges it (harness/check/promises-api-limits.ts).
 */
import type { Coordinator } from '../../system/coordinator/index.js';
import type { RunRecorder } from './driver.js';
import { probeCall, type SimClient } from './sim-client.js';

interface Listed {
  executionId: string;
  kind: string;
  params: unknown;
}

/** The first execution the listing shows with `status` (the probe's read token), if any. */
async function firstWith(c: Coordinator, client: SimClient, status: string): Promise<Listed | undefined> {
  const res = await probeCall(c)({ method: 'GET', path: `/api/v1/executions?status=${status}&limit=1`, headers: { authorization: `Bearer ${client.probe.read}` } });
  return (res.body as { executions?: Listed[] } | null)?.executions?.[0];
}

/** The state-changing requests of the window, each with the route template it is judged under. */
async function requests(c: Coordinator, client: SimClient): Promise<{ route: string; path: string; body: string }[]> {
  const out: { route: string; path: string; body: string }[] = [];
  const open = (await firstWith(c, client, 'running')) ?? (await firstWith(c, client, 'scheduled')) ?? (await firstWith(c, client, 'retrying'));
  const done = (await firstWith(c, client, 'completed')) ?? (await firstWith(c, client, 'failed'));
  const any = open ?? done;
  if (any !== undefined) out.push({ route: '/api/v1/executions', path: '/api/v1/executions', body: JSON.stringify({ kind: any.kind, params: any.params ?? {} }) });
  if (open !== undefined) {
    for (const op of ['cancel', 'pause', 'resume']) out.push({ route: `/api/v1/executions/{id}/${op}`, path: `/api/v1/executions/${open.executionId}/${op}`, body: '' });
  }
  if (done !== undefined) out.push({ route: '/api/v1/executions/{id}/cancel', path: `/api/v1/executions/${done.executionId}/cancel`, body: '' });
  return out;
}

/** Sends the window's requests to `c` (told to close, not yet killed) and notes each answer. */
export async function probeShutdown(c: Coordinator, client: SimClient, note: RunRecorder['note']): Promise<void> {
  for (const r of await requests(c, client)) {
    const headers = { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' };
    const res = await probeCall(c)({ method: 'POST', path: r.path, headers, body: r.body });
    const code = (res.body as { error?: { code?: unknown } } | null)?.error?.code;
    const retryAfter = res.headers['retry-after'];
    note({ shutdownProbe: { method: 'POST', route: r.route, status: res.status, ...(typeof code === 'string' ? { code } : {}), ...(retryAfter === undefined ? {} : { retryAfter }) } });
  }
}
