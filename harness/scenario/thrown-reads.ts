/**
 * The client's read of every execution whose task code threw something that
 * is not a SquallError (the probe kind's `throws`: a plain Error, a
 * TypeError, a string...), at the end of a simulated run: GET
 * /api/v1/executions/{id} with a read token, its status, error and the
 * reasons of its statusHistory noted as `thrownReads` for
 * harness/check/promises-thrown.ts (promise 16).
 */
import type { Coordinator } from '../../system/coordinator/index.js';
import type { ExecutionRecord } from '../../system/core/index.js';
import { isTerminal } from '../../system/core/index.js';
import type { ThrownRead } from '../check/promises-thrown.js';
import { probeCall } from './sim-client.js';

/** What the probe threw, if its params say it throws. */
const throwsOf = (r: ExecutionRecord): string | undefined => {
  const t = r.kind === 'probe' && r.params !== null && typeof r.params === 'object' ? (r.params as { throws?: unknown }).throws : undefined;
  return typeof t === 'string' ? t : undefined;
};

/** The reads (see the file comment) of the ended executions among `records` whose task throws; undefined when there is none. */
export async function readThrown(c: Coordinator, token: string, records: readonly (ExecutionRecord | undefined)[]): Promise<Record<string, ThrownRead> | undefined> {
  const call = probeCall(c);
  const out: Record<string, ThrownRead> = {};
  for (const r of records) {
    const throws = r === undefined || !isTerminal(r.status) ? undefined : throwsOf(r);
    if (r === undefined || throws === undefined) continue;
    const a = await call({ method: 'GET', path: `/api/v1/executions/${encodeURIComponent(r.executionId)}`, headers: { authorization: `Bearer ${token}` } });
    const b = (a.body ?? {}) as { status?: unknown; error?: { code?: unknown } | null; statusHistory?: { status?: unknown; reason?: unknown }[] };
    const reasons = (Array.isArray(b.statusHistory) ? b.statusHistory : []).filter((h) => h.status === 'retrying').map((h) => String(h.reason ?? ''));
    out[r.executionId] = { throws, httpStatus: a.status, status: String(b.status), errorCode: b.error?.code === undefined ? null : String(b.error.code), retryReasons: reasons };
  }
  return Object.keys(out).length === 0 ? undefined : out;
}
