/**
 * Part of 8, auth: a token file with malformed entries (harness/scenario/
 * token-file-probe.ts writes three into the coordinator's tokens.json: a
 * stored hash truncated, not hex, too long). A token whose stored entry is
 * malformed authenticates nothing and breaks nothing: presented, it is
 * refused 401 (never accepted, never a 500, and the file's other tokens
 * keep working: the run's own clients show that); and the coordinator
 * reports the bad entry when it loads the file (its store's report, noted
 * `tokenFileBad` with the entry's id), so the operator learns why the
 * token stopped working.
 */
import type { HistoryView } from './view.js';
import { type Violation, violation } from './violation.js';

interface Probe {
  written: number;
  entries: { id: string; variant: string; status: number; code?: string }[];
}

/** 8. Each malformed entry's token refused 401, each entry reported at load (see the file comment). */
export function checkTokenFileProbes(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const reported = new Set<string>();
  for (const r of view.records) {
    const bad = r.f === 'note' ? (r.value.tokenFileBad as { id?: unknown } | undefined) : undefined;
    if (typeof bad?.id === 'string') reported.add(bad.id);
  }
  for (const rec of view.records) {
    const p = rec.f === 'note' ? (rec.value.tokenFileProbe as Probe | undefined) : undefined;
    if (p === undefined) continue;
    for (const e of p.entries) {
      const v = (m: string): Violation => violation(view.records, 'auth', `token ${e.id}, whose tokens.json entry has a ${e.variant} hash (written at t=${p.written}), ${m}`, { index: rec.index });
      if (e.status >= 200 && e.status < 300) out.push(v(`was accepted (${e.status}): a token whose stored hash is malformed authenticates nothing`));
      else if (e.status !== 401) out.push(v(`was answered ${e.status}${e.code === undefined ? '' : ` ${e.code}`}: it is refused 401 as an unknown token, never a 500`));
      if (!reported.has(e.id)) out.push(v('was never reported by the coordinator at the token file\'s load: a malformed entry is named (its id and what is wrong) when the file is read'));
    }
  }
  return out;
}
