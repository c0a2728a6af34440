/**
 * Promise 32 (resources), the container kind's errors for what the Docker
 * engine answered (docs/TASK-KINDS.md, "Errors of the container kind"): the
 * simulated engine records each error answer it gives an attempt (`answered`:
 * the call and its HTTP status), and the execution whose final attempt got
 * it must fail with the documented code and message: an image inspect
 * answered 404 is `not_found` "image … not present locally; squall never
 * pulls", any other failed call before the container exists is `unavailable`
 * "Docker engine not reachable at …: <the engine's error>" (blind set 20
 * #30: a 404 reported as an unreachable engine sends users after a Docker
 * outage instead of loading the image). The simulated engine also fails
 * whole attempts as unreachable (ECONNREFUSED: not listening; ENOENT: no
 * socket) and answers an inspect 500 (docker-engine.ts, WEATHER), both
 * `unavailable` naming the cause (`answered` with `error` or `status`).
 */
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import { type Violation, violation } from './violation.js';

/** What the kind must fail with for an engine answer. */
interface Documented {
  code: string;
  says: string;
}

/** The documented error for `status` answered to `call`. */
function documentedAnswer(call: string, status: number): Documented {
  if (call === 'inspect' && status === 404) return { code: 'not_found', says: 'not present locally; squall never pulls' };
  return { code: 'unavailable', says: 'Docker engine not reachable at' };
}

type KindRead = { status?: unknown; error?: { code?: unknown; message?: unknown } };

/** Each engine error answer given to an execution's final attempt against how the execution failed. */
export function judgeEngineAnswers(view: HistoryView, reads: Readonly<Record<string, KindRead>>, final: ReadonlyMap<string, { workerId: string; attempt: number }>): Violation[] {
  const out: Violation[] = [];
  const judged = new Set<string>();
  for (const r of view.records) {
    if (!isAnswer(r)) continue;
    const v = r.value;
    const id = String(v.execution);
    const last = final.get(id);
    const read = reads[id];
    if (judged.has(id) || read === undefined || last === undefined || last.workerId !== String(v.host) || last.attempt !== Number(v.attempt)) continue;
    judged.add(id);
    const want = documentedAnswer(String(v.call), Number(v.status));
    // "Docker engine not reachable at <socket>: <cause>": the engine's own words (recorded as `cause`) follow.
    const cause = want.code === 'unavailable' && typeof v.cause === 'string' ? v.cause : '';
    const message = typeof read.error?.message === 'string' ? read.error.message : '';
    if (read.status === 'failed' && read.error?.code === want.code && message.includes(want.says) && message.includes(cause)) continue;
    const got = read.status === 'failed' ? `failed with ${JSON.stringify(read.error)?.slice(0, 300) ?? 'no error'}` : `ended ${String(read.status)}`;
    const answered = v.status === undefined ? `failed its ${String(v.call)} (${String(v.image)}) with ${String(v.error)}` : `answered its ${String(v.call)} of ${String(v.image)} with ${String(v.status)}`;
    out.push(violation(view.records, 'resources', `execution ${id} ${got}, but the Docker engine on ${String(v.host)} ${answered} at t=${r.time}: documented is code ${want.code}, "…${want.says}…${cause}"`, { index: r.index, executionId: id, workerId: String(v.host) }));
  }
  return out;
}

const isAnswer = (r: HistoryRecord): boolean => r.process === 'resources' && r.f === 'note' && r.value.op === 'answered' && r.value.resource === 'container';
