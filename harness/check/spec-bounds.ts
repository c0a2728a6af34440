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
  /** What the bound limits: the number, a text's length, a list's items. */
  of: 'value' | 'length' | 'items';
  op: '>=' | '>' | '<=' | '<';
  bound: number;
  integer: boolean;
}

/** Spec fields left out: their values name other things (kind, ids) or their documented bound is relative (scheduledAt: 366 days ahead). */
const SKIPPED = new Set(['spec.kind', 'spec.dependencies', 'spec.dependsOn', 'spec.scheduledAt', 'spec.params']);

const BOUND = /^(?:(length|items) )?(>=|>|<=|<) (-?\d+)$/;

/** The bounds of the tables in `markdown` (docs/TASK-KINDS.md's generated part). */
export function parseSpecBounds(markdown: string): SpecBound[] {
  const out: SpecBound[] = [];
  let owner: string | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^### (?:`([a-z]+)`|Execution spec)/.exec(line);
    if (heading !== null) owner = heading[1] ?? 'spec';
    const row = /^\| `([A-Za-z.]+)` \| ([^|]+) \| (?:yes|no) \| ([^|]*) \|/.exec(line);
    if (owner === undefined || row === null || SKIPPED.has(`${owner}.${row[1] ?? ''}`)) continue;
    for (const part of (row[3] ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
      const m = BOUND.exec(part);
      if (m === null) continue;
      out.push({ owner, field: row[1] ?? '', of: (m[1] as 'length' | 'items' | undefined) ?? 'value', op: m[2] as SpecBound['op'], bound: Number(m[3]), integer: (row[2] ?? '').trim() === 'integer' });
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
}

/** What is wrong with one answer (undefined: it is what the docs say): at the bound accepted (2xx), past it refused 400 invalid_argument. */
export function specBoundMismatch(p: SpecBoundProbe): string | undefined {
  const accepted = p.status >= 200 && p.status < 300;
  const refused = p.status === 400 && p.code === 'invalid_argument';
  if (p.probe === 'at' ? accepted || p.status === 429 || p.status === 503 : refused) return undefined;
  const what = `${p.owner === 'spec' ? 'the spec' : `the ${p.owner} kind`}'s ${p.field}${p.of === 'value' ? '' : ` ${p.of === 'length' ? 'of length' : 'of'} `}${p.of === 'value' ? ` ${p.value}` : `${p.value}${p.of === 'items' ? ' items' : ''}`}`;
  const rule = `documented ${p.of === 'value' ? '' : `${p.of} `}${p.op} ${p.bound} (docs/TASK-KINDS.md)`;
  const got = `${p.status}${p.code === undefined ? '' : ` ${p.code}`}`;
  return p.probe === 'at' ? `a submission with ${what} was answered ${got}: ${rule} allows it` : `a submission with ${what} was answered ${got}: ${rule}, so it must be refused 400 invalid_argument`;
}
