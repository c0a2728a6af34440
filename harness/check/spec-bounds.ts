/**
 * The documented bounds of every number, text and list a submission takes
 * (docs/TASK-KINDS.md: the execution spec's table and each kind's params
 * table, column "limits"), read from the committed doc, never from system/
 * (spec-tables.ts says why): each bound gives a value at it, which must be
 * accepted, and one a step beyond it, which must be refused 400
 * `invalid_argument` (blind set 20 #25: the sleep kind's checkpointEveryMs
 * took 0, documented >= 1, and its attempt looped forever).
 */
import { readFileSync } from 'node:fs';

/** One documented bound of one field. */
export interface SpecBound {
  /** `spec` (the execution spec's own field) or a kind's name (a field of its params). */
  owner: string;
  /** The field's path: `timeoutMs`, `retry.delayMs`, `checkpointEveryMs`. */
  field: string;
  /** What the bound limits: the number, a text's length, a list's items, the length of an object's names (a graph's task names, env names). */
  of: 'value' | 'length' | 'items' | 'names';
  op: '>=' | '>' | '<=' | '<';
  bound: number;
  integer: boolean;
}

/** The request bodies around the spec (docs/TASK-KINDS.md, generated from coordinator/http-schemas.ts), by heading: the owner of their bounds. */
const BODY_OWNERS: Readonly<Record<string, string>> = { 'Batch body': 'batch', 'Graph body': 'graph', 'Control body': 'control' };

/** Spec fields left out: their values name other things (kind, ids) or their documented bound is relative (scheduledAt: 366 days ahead). */
const SKIPPED = new Set(['spec.kind', 'spec.dependencies', 'spec.dependsOn', 'spec.scheduledAt', 'spec.params']);

const BOUND = /^(?:(length|items|names length) )?(>=|>|<=|<) (-?\d+)$/;

/** The bounds of the tables in `markdown` (docs/TASK-KINDS.md's generated part). */
export function parseSpecBounds(markdown: string): SpecBound[] {
  const out: SpecBound[] = [];
  let owner: string | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^### (?:`([a-z]+)`|(Execution spec)|(.*))/.exec(line);
    if (heading !== null) owner = heading[1] ?? (heading[2] === undefined ? BODY_OWNERS[heading[3] ?? ''] : 'spec');
    const row = /^\| `([A-Za-z.]+)` \| ([^|]+) \| (?:yes|no) \| ([^|]*) \|/.exec(line);
    if (owner === undefined || row === null || SKIPPED.has(`${owner}.${row[1] ?? ''}`)) continue;
    for (const part of (row[3] ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
      const m = BOUND.exec(part);
      if (m === null) continue;
      const of = m[1] === 'names length' ? 'names' : ((m[1] as 'length' | 'items' | undefined) ?? 'value');
      out.push({ owner, field: row[1] ?? '', of, op: m[2] as SpecBound['op'], bound: Number(m[3]), integer: (row[2] ?? '').trim() === 'integer' });
    }
  }
  return out;
}

/** The bounds docs/TASK-KINDS.md documents (read once). */
let documented: SpecBound[] | undefined;
export function documentedSpecBounds(): SpecBound[] {
  documented ??= parseSpecBounds(readFileSync(new URL('../../docs/TASK-KINDS.md', import.meta.url), 'utf8'));
  return documented;
}

/** The size or number at the bound and a step past it (integers and lengths step by 1; an exclusive bound is itself past it). */
export function boundProbes(b: SpecBound): { at: number; past: number } {
  const up = b.op === '<=' || b.op === '<';
  const exclusive = b.op === '>' || b.op === '<';
  const step = b.of !== 'value' || b.integer ? 1 : 0.5;
  const at = exclusive ? b.bound + (up ? -step : step) : b.bound;
  const past = exclusive ? b.bound : b.bound + (up ? step : -step);
  return { at, past };
}

/** A `specBound` note as the probe (harness/scenario/adversary-spec-bounds.ts) wrote it. */
export interface SpecBoundProbe extends SpecBound {
  probe: 'at' | 'past';
  value: number;
  status: number;
  code?: string;
  /** The field the refusal named (the error's `path`), when it named one. */
  path?: string;
  /** A control body's request: which control (cancel, pause, resume). */
  control?: string;
  /** What a refused request changed all the same (the state read before and after it differs), when it did. */
  sideEffect?: string;
}

/** The field path a refusal of `b` must name: the spec's or a body's own field, a kind's param under `params`. */
function expectedPath(b: SpecBound): string {
  return b.owner === 'spec' || Object.values(BODY_OWNERS).includes(b.owner) ? b.field : `params.${b.field}`;
}

const SIZE_OF: Readonly<Record<SpecBound['of'], string>> = { value: '', length: 'of length ', items: 'of ', names: 'with a name of length ' };

/** What is wrong with one answer (undefined: it is what the docs say): at the bound accepted (2xx), past it refused 400 invalid_argument naming the field, with no effect. */
export function specBoundMismatch(p: SpecBoundProbe): string | undefined {
  const accepted = p.status >= 200 && p.status < 300;
  const refused = p.status === 400 && p.code === 'invalid_argument';
  const want = expectedPath(p);
  const named = p.path === want || p.path?.startsWith(`${want}.`) === true;
  if (p.probe === 'at' ? accepted || p.status === 429 || p.status === 503 : refused && named && p.sideEffect === undefined) return undefined;
  const owner = p.owner === 'spec' ? 'the spec' : Object.values(BODY_OWNERS).includes(p.owner) ? `the ${p.owner} body` : `the ${p.owner} kind`;
  const what = `${owner}'s ${p.field} ${SIZE_OF[p.of]}${p.value}${p.of === 'items' ? ' items' : ''}`;
  const request = p.control === undefined ? 'a submission' : `a ${p.control} (POST /api/v1/executions/{id}/${p.control})`;
  const rule = `documented ${p.of === 'value' ? '' : `${p.of === 'names' ? 'names length' : p.of} `}${p.op} ${p.bound} (docs/TASK-KINDS.md)`;
  const got = `${p.status}${p.code === undefined ? '' : ` ${p.code}`}`;
  if (p.probe === 'at') return `${request} with ${what} was answered ${got}: ${rule} allows it`;
  if (!refused) return `${request} with ${what} was answered ${got}: ${rule}, so it must be refused 400 invalid_argument`;
  if (!named) return `${request} with ${what} was refused 400 naming ${p.path === undefined ? 'no field' : `"${p.path}"`}: a refusal over ${rule} names the field ("${want}")`;
  return `${request} with ${what} was refused 400 but changed the state all the same (${p.sideEffect ?? ''}): ${rule}, and a refused request has no effect`;
}
