/**
 * The early sync (part of promise 11, `delivery`; docs/PROTOCOL.md "Early
 * sync"): a coordinator offers it in its welcome (`earlySync: true`) exactly
 * when it is configured to (`--no-early-sync` turns the offer off; default
 * on), and a worker sends the seq-less `sync` right behind `register` only
 * when the welcome it answers offered it (elsewhere the coordinator refuses
 * it with 4405 and the link drops). Read from the handshake notes the
 * simulated network leaves (harness/scenario/record-nonces.ts): each welcome
 * {field: 'nonce', host, to, earlySync: boolean} and each early sync a worker
 * sent {earlySync: 'sent', host, to}. A coordinator that ignores the flag
 * still works (the worker takes the offer), so only the welcome shows it.
 * An early sync carried in a 0-RTT register's upgrade request (`inUpgrade`,
 * docs/PROTOCOL.md "0-RTT register") goes before any welcome by design: the
 * coordinator takes it only where it offers the early sync, so the welcome
 * that answers it is judged (the offer rule above) and the sync is not.
 * No notes (a live run): nothing judged.
 */
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** 11 (early-sync rule). See the file header. */
export function checkEarlySync(view: HistoryView, ctx: CheckContext): Violation[] {
  /** Per worker host: the offer of the last welcome it was sent, and that welcome's record. */
  const lastWelcome = new Map<string, { offered: boolean; rec: HistoryRecord }>();
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.f !== 'note' || rec.process !== 'net') continue;
    const { host, to, field, earlySync } = rec.value;
    if (typeof host !== 'string' || typeof to !== 'string') continue;
    if (field === 'nonce' && typeof earlySync === 'boolean') {
      lastWelcome.set(to, { offered: earlySync, rec });
      if (ctx.earlySync !== undefined && earlySync !== ctx.earlySync) {
        const why = ctx.earlySync ? 'configured to offer it (the default; no --no-early-sync)' : 'configured not to (--no-early-sync)';
        out.push(violation(view.records, 'delivery', `${host}'s welcome to ${to} at t=${rec.time} ${earlySync ? 'offered' : 'did not offer'} the early sync, but the coordinator was ${why}`, { index: rec.index, workerId: to }));
      }
    } else if (earlySync === 'sent' && rec.value.inUpgrade !== true) {
      const w = lastWelcome.get(host);
      if (w?.offered === true) continue;
      const after = w === undefined ? 'before any welcome reached it' : `after ${String(w.rec.value.host)}'s welcome at t=${w.rec.time} did not offer it`;
      out.push(violation(view.records, 'delivery', `${host} sent a seq-less sync (the early sync) to ${to} at t=${rec.time} ${after}: a worker uses the early sync only when the welcome it answers offers it`, { index: rec.index, workerId: host }));
    }
  }
  return out;
}
