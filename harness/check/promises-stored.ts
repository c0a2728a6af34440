/**
 * What the engine stored against what the client asked (issue 10, blind set
 * 9 #11): the promises judge behaviour against the stored record, so a
 * request stored wrong passes them unless it is judged itself.
 */
import type { CheckContext } from './context.js';
import { intents } from './promises-engine.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The retry policy a client asked for (workload intent), fields as in the API. */
interface AskedRetry {
  strategy?: string;
  maxRetries?: number;
  delayMs?: number;
  maxDelayMs?: number;
}

/**
 * 5, the stored policy: the engine keeps every retry field the client gave,
 * and a delay the client asked for is never capped below itself by a
 * default cap (maxDelayMs defaults to the larger of the engine's default and
 * delayMs: docs/TASK-KINDS.md). The delays themselves are judged against the
 * stored policy (checkRetries), so a policy stored wrong would pass there.
 */
export function checkStoredRetry(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  for (const [id, intent] of intents(view)) {
    const want: AskedRetry | undefined = intent.retry;
    if (want === undefined) continue;
    const sub = view.submitted.get(id);
    const got = sub?.ev.retry;
    if (sub === undefined || got === undefined) continue;
    const wrong = (['strategy', 'maxRetries', 'delayMs', 'maxDelayMs'] as const).filter((k) => want[k] !== undefined && got[k] !== want[k] && !(k === 'maxRetries' && got.strategy === 'none'));
    if (want.maxDelayMs === undefined && want.delayMs !== undefined && got.maxDelayMs < want.delayMs) wrong.push('maxDelayMs');
    if (wrong.length === 0) continue;
    out.push(
      violation(view.records, 'retries', `the engine stored retry ${JSON.stringify(got)} for a submission that asked ${JSON.stringify(want)}: ${wrong.join(', ')} ${wrong.length === 1 ? 'is' : 'are'} not what was asked (an unset maxDelayMs never caps below delayMs)`, {
        index: sub.rec.index,
        executionId: id,
      }),
    );
  }
  return out;
}
