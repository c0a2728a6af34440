/**
 * Promise 29 (api-contract), the JSON limits at their boundary, for every
 * shape: README ("Limits") says JSON bodies nest at most 64 levels and hold
 * at most 100,000 values, a body past either refused 400. The HTTP adversary
 * (harness/scenario/adversary-depth.ts, adversary-json-values.ts) POSTs, per
 * shape, a small body (the reference), one exactly at the limit and one a
 * level or a value past it: `httpDepth` notes {shape?, levels, limit,
 * status, code?, path?} for nesting through objects, arrays and both in turn;
 * `httpValues` notes {shape, values, limit, status, code?, path?} for bodies
 * of numbers, strings, literals, empty containers, small and nested
 * containers and generated values (the harness counts every value, scalars
 * and containers alike, the body included). A body at the limit must be
 * answered exactly as its shape's reference (same status, code and path: the
 * limit check let it through, whatever else refuses it); one past it must be
 * refused 400 `invalid_argument` with an answer other than the reference's
 * (for depth, the place inside the nesting where the limit was crossed). A
 * check one step late accepts the second; one a step early refuses the
 * first; one that counts only some kinds of value (only containers: blind
 * set 17 #16) or nests only through objects lets a shape through.
 */
import { HTTP_ADVERSARY } from './api-scopes.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

interface Answer {
  status: number;
  code?: string;
  path?: string;
}

/** A limit probe in common form: its shape, its size in the limit's unit (levels or values), the limit, the answer. */
interface Probe extends Answer {
  shape: string;
  size: number;
  limit: number;
}

const answer = (p: Answer): string => `${p.status}${p.code === undefined ? '' : ` ${p.code}`}${p.path === undefined ? '' : ` (path ${p.path.length > 40 ? `${p.path.slice(0, 40)}...` : p.path})`}`;

const KINDS = {
  httpDepth: { reference: (size: number) => size === 1, sent: (p: Probe) => `a JSON body nested ${p.size} levels through ${p.shape} (the limit is ${p.limit})`, within: 'a body within the depth limit must pass the depth check', past: (p: Probe) => `a body nested deeper than ${p.limit} levels must be refused 400 invalid_argument naming the path where the limit was crossed` },
  httpValues: { reference: (size: number) => size < 100, sent: (p: Probe) => `a JSON body of ${p.shape} holding ${p.size} values (the limit is ${p.limit})`, within: 'a body within the value limit must pass the value count', past: (p: Probe) => `a body holding more than ${p.limit} JSON values, whatever their kind, must be refused 400 invalid_argument` },
} as const;

function probeOf(kind: keyof typeof KINDS, v: Record<string, unknown>): Probe {
  const size = kind === 'httpDepth' ? Number(v.levels) : Number(v.values);
  return { ...(v as unknown as Answer), shape: typeof v.shape === 'string' ? v.shape : 'objects', size, limit: Number(v.limit) };
}

/** 29 (depth and value-count probes). See the file header. */
export function checkDepthProbes(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const references = new Map<string, Probe>();
  for (const rec of view.records) {
    if (rec.f !== 'note' || rec.process !== HTTP_ADVERSARY) continue;
    for (const kind of ['httpDepth', 'httpValues'] as const) {
      const raw = rec.value[kind] as Record<string, unknown> | undefined;
      if (raw === undefined) continue;
      const p = probeOf(kind, raw);
      const rules = KINDS[kind];
      const key = `${kind} ${p.shape}`;
      if (rules.reference(p.size)) {
        references.set(key, p);
        continue;
      }
      const reference = references.get(key);
      if (reference === undefined) continue;
      const same = p.status === reference.status && p.code === reference.code && p.path === reference.path;
      const sent = `${rules.sent(p)} was answered ${answer(p)}`;
      if (p.size <= p.limit && !same) {
        out.push(violation(view.records, 'api-contract', `${sent}, not as the same shape's small body (${answer(reference)}): ${rules.within}`, { index: rec.index }));
      } else if (p.size > p.limit && (same || p.status !== 400 || p.code !== 'invalid_argument')) {
        out.push(violation(view.records, 'api-contract', `${sent}: ${rules.past(p)}`, { index: rec.index }));
      }
    }
  }
  return out;
}
