/**
 * Part of 31: `squall kinds --markdown`, the reference "generated from the
 * schemas submissions are checked against" (README; docs/TASK-KINDS.md),
 * agrees with those schemas, read apart from the command
 * (harness/scenario/kinds-truth.ts, the run's `kindsTruth`): its tables,
 * parsed back, list exactly each section's fields (the execution spec's,
 * the request bodies', then one section per kind), each required or not as its schema says,
 * an enum's values as its type, and its limits column exactly the schema's
 * bounds (>=, >, <=, <; length >= / <= for strings, items >= / <= for
 * arrays, names length >= / <= for an object's names); and it is the generated section docs/TASK-KINDS.md holds (blind
 * set 21 #11 printed a string's maximum length from its minLength).
 */
import type { CliRun, SchemaField } from './cli-runs.js';

/** A table row as printed: type, required, limits. */
interface Row {
  type: string;
  required: string;
  limits: string;
}

/** Each section's rows (`spec`: "### Execution spec ..."; a kind: "### `kind`"; a request body: its heading, "### Control body"), parsed back from the Markdown. */
function readReference(md: string): Map<string, Map<string, Row>> {
  const out = new Map<string, Map<string, Row>>();
  let section: Map<string, Row> | undefined;
  for (const line of md.split('\n')) {
    const head = /^### (?:`([^`]+)`|(Execution spec)|(.+))/.exec(line);
    if (head !== null) out.set(head[1] ?? (head[2] === undefined ? (head[3] ?? '').trim() : 'spec'), (section = new Map()));
    if (section === undefined || !line.startsWith('| `')) continue;
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
    section.set((cells[1] ?? '').replace(/`/g, ''), { type: cells[2] ?? '', required: cells[3] ?? '', limits: cells[4] ?? '' });
  }
  return out;
}

const LIMIT_WORDS: readonly [RegExp, string][] = [
  [/^names length >= (.*)$/, 'namesMinLength'],
  [/^names length <= (.*)$/, 'namesMaxLength'],
  [/^length >= (.*)$/, 'minLength'],
  [/^length <= (.*)$/, 'maxLength'],
  [/^items >= (.*)$/, 'minItems'],
  [/^items <= (.*)$/, 'maxItems'],
  [/^>= (.*)$/, 'minimum'],
  [/^> (.*)$/, 'exclusiveMinimum'],
  [/^<= (.*)$/, 'maximum'],
  [/^< (.*)$/, 'exclusiveMaximum'],
];

/** A limits cell read as bounds (a part that is no bound, or no number, kept as `?part`). */
function boundsIn(cell: string): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const part of cell === '' ? [] : cell.split(', ')) {
    const hit = LIMIT_WORDS.map(([re, key]) => [re.exec(part), key] as const).find(([m]) => m !== null);
    const n = hit === undefined ? NaN : Number(hit[0]?.[1]);
    if (hit !== undefined && Number.isFinite(n)) out[hit[1]] = n;
    else out[`?${part}`] = part;
  }
  return out;
}

const sorted = (o: Record<string, unknown>): string => JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))));
const show = (o: Record<string, unknown>): string => (Object.keys(o).length === 0 ? 'none' : sorted(o));

/** How one row differs from its field's schema, or undefined. */
function rowMismatch(row: Row, f: SchemaField): string | undefined {
  if ((row.required === 'yes') !== f.required) return `says required "${row.required}"; its schema makes it ${f.required ? 'required' : 'optional'}`;
  const shown = boundsIn(row.limits);
  if (sorted(shown) !== sorted(f.bounds)) return `shows the limits "${row.limits}" (${show(shown)}); its schema's bounds are ${show(f.bounds)}`;
  const values = f.enum?.map((v) => JSON.stringify(v)).join(' | ');
  if (values !== undefined && row.type !== values) return `shows the type "${row.type}"; its schema takes one of ${values}`;
  return undefined;
}

/** The first difference between a `kinds --markdown` run's print and what it is generated from, or undefined. */
export function referenceMismatch(run: CliRun): string | undefined {
  const truth = run.kindsTruth;
  if (truth === undefined) return undefined;
  const printed = readReference(run.out);
  const sections = Object.keys(truth.sections);
  if (sections.length !== printed.size || sections.some((s) => !printed.has(s))) return `printed the sections ${[...printed.keys()].join(', ')}; the schemas are ${sections.join(', ')} (spec: the execution spec)`;
  for (const [section, fields] of Object.entries(truth.sections)) {
    const rows = printed.get(section) as Map<string, Row>;
    const names = Object.keys(fields);
    if (names.length !== rows.size || names.some((n) => !rows.has(n))) return `printed ${section}'s fields ${[...rows.keys()].join(', ') || 'none'}; its schema's are ${names.join(', ') || 'none'}`;
    for (const [name, f] of Object.entries(fields)) {
      const m = rowMismatch(rows.get(name) as Row, f);
      if (m !== undefined) return `${section} \`${name}\` ${m}: the reference is generated from the schemas submissions are checked against`;
    }
  }
  if (run.out.trim() !== truth.docs) return 'printed a reference that is not the generated section of docs/TASK-KINDS.md (the docs hold `squall kinds --markdown` as it prints, refreshed with --write)';
  return undefined;
}
