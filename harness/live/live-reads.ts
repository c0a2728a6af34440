/**
 * The end-of-run reads of a live run, as the simulation makes them (promise
 * 29): the final read of every execution, then the paged listing, the
 * listing filtered by status and the stats (harness/scenario/api-reads.ts),
 * then the final read again. A live coordinator keeps working between two
 * requests (a retention sweep, a late result), so the reads are kept only
 * when the final reads before and after them agree: then nothing the
 * checker compares changed in between. Up to three tries; otherwise the
 * reads are dropped, with a note saying why, and the listing rules are not
 * judged.
 */
import type { ApiReads } from '../check/promises-reads.js';
import { readListingAndStats } from '../scenario/api-reads.js';
import type { ExecutionView, HttpCall } from '../scenario/http-client.js';

const TRIES = 3;

/** What the checker compares of a final read: each execution's status and how far its history went. */
function fingerprint(list: readonly ExecutionView[]): string {
  return list
    .map((e) => `${e.executionId} ${e.status} ${e.statusHistory.length}`)
    .sort()
    .join('\n');
}

/** The final read, and the listing and stats reads made while it held (null when it never held still). */
export async function readSettled(
  list: () => Promise<ExecutionView[]>,
  call: HttpCall,
  token: string | undefined,
  known: number,
): Promise<{ executions: ExecutionView[]; reads: ApiReads | null; tries: number }> {
  let executions = await list();
  for (let tries = 1; tries <= TRIES; tries++) {
    const reads = await readListingAndStats(call, token, known);
    const again = await list();
    if (fingerprint(again) === fingerprint(executions)) return { executions: again, reads, tries };
    executions = again;
  }
  return { executions, reads: null, tries: TRIES };
}
