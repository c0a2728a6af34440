/**
 * When the coordinator's store could not commit, from the history: each
 * failure from `store_failed` to the `store_recovered` that ends it (the
 * engine emits it once the reload is done). Nothing commits in between, so
 * deadlines that fall inside are due at the recovery (promises 5 and 17).
 */
import type { HistoryView } from './view.js';

/** The coordinator's store failures, from store_failed to store_recovered (or its process's end: a restart reloads anyway), on the history's clock. */
export function storeSpans(view: HistoryView): { start: number; back: number }[] {
  const out: { start: number; back: number }[] = [];
  let open: { start: number; life: number } | undefined;
  for (const e of view.events) {
    if (e.ev.source !== 'coordinator' || (e.ev.type !== 'store_failed' && e.ev.type !== 'store_recovered')) continue;
    const life = view.lifeOf('coordinator', e.rec.index);
    if (open !== undefined && open.life !== life) open = undefined;
    if (e.ev.type === 'store_failed') open ??= { start: e.rec.time, life };
    else if (open !== undefined) {
      out.push({ start: open.start, back: e.rec.time });
      open = undefined;
    }
  }
  if (open !== undefined) out.push({ start: open.start, back: Infinity });
  return out;
}
