/**
 * Promise 29 (api-contract), the JSON depth limit at its boundary: README
 * ("Limits") says JSON bodies nest at most 64 levels, a deeper one is
 * refused 400 naming the path where the limit was crossed. The HTTP
 * adversary (harness/scenario/adversary-depth.ts) POSTs a one-level body
 * (the reference), one nested exactly at the limit and one a level past it,
 * each `httpDepth` note {levels, limit, status, code?, path?}. The body at the
 * limit must be answered exactly as the reference (same status, code and
 * path: the depth check let it through, whatever else refuses it); the one
 * past it must be refused 400 `invalid_argument` with a path other than the
 * reference's (the place inside the nesting where the limit was crossed). A
 * check one level late accepts the second; one a level early refuses the
 * first.
 */
import { HTTP_ADVERSARY } from './api-scopes.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

interface DepthProbe {
  levels: number;
  limit: number;
  status: number;
  code?: string;
  path?: string;
}

const answer = (p: DepthProbe): string => `${p.status}${p.code === undefined ? '' : ` ${p.code}`}${p.path === undefined ? '' : ` (path ${p.path.length > 40 ? `${p.path.slice(0, 40)}...` : p.path})`}`;

/** 29 (depth probes). See the file header. */
export function checkDepthProbes(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  let reference: DepthProbe | undefined;
  for (const rec of view.records) {
    const p = rec.f === 'note' && rec.process === HTTP_ADVERSARY ? (rec.value.httpDepth as DepthProbe | undefined) : undefined;
    if (p === undefined) continue;
    if (p.levels === 1) {
      reference = p;
      continue;
    }
    if (reference === undefined) continue;
    const same = p.status === reference.status && p.code === reference.code && p.path === reference.path;
    const sent = `a JSON body nested ${p.levels} levels (the limit is ${p.limit}) was answered ${answer(p)}`;
    if (p.levels <= p.limit && !same) {
      out.push(violation(view.records, 'api-contract', `${sent}, not as the same body one level deep (${answer(reference)}): a body within the depth limit must pass the depth check`, { index: rec.index }));
    } else if (p.levels > p.limit && (same || p.status !== 400 || p.code !== 'invalid_argument')) {
      out.push(violation(view.records, 'api-contract', `${sent}: a body nested deeper than ${p.limit} levels must be refused 400 invalid_argument naming the path where the limit was crossed`, { index: rec.index }));
    }
  }
  return out;
}
