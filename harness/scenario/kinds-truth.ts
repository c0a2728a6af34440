/**
 * What `squall kinds --markdown` is generated from, read a second way for
 * the checker (blind set 21 #11: the tables printed a string's maximum
 * length from its minLength): each field of the execution spec, of the
 * request bodies around it (coordinator/http-schemas.ts REQUEST_BODIES) and
 * of each task kind's params, straight from the zod schemas' own definitions (each
 * check's def: min_length, max_length, length_equals, greater_than,
 * less_than; enum entries; optional or not), never through the JSON Schema
 * conversion or the table rendering the command uses; and the generated
 * section of docs/TASK-KINDS.md as the repository holds it (README: "the
 * reference is generated from the schemas"). Attached to a `kinds --markdown`
 * run's note (client-cli.ts); promises-cli-kinds.ts compares.
 */
import { readFileSync } from 'node:fs';
import { REQUEST_BODIES } from '../../system/coordinator/index.js';
import { graphNodeSchema } from '../../system/engine/index.js';
import { builtinTaskKinds } from '../../system/tasks/index.js';
import type { KindsTruth, SchemaField } from '../check/cli-runs.js';

/** The part of a zod schema this reads (zod 4's `_zod.def`). */
interface ZodLike {
  _zod: { def: { type: string; innerType?: ZodLike; in?: ZodLike; keyType?: ZodLike; shape?: Record<string, ZodLike>; entries?: Record<string, unknown>; checks?: { _zod: { def: Record<string, unknown> } }[] }; optin?: string };
}

/** The schema under optional / default / nullable / pipe wrappers. */
function inner(s: ZodLike): ZodLike {
  const d = s._zod.def;
  if (d.innerType !== undefined && ['optional', 'default', 'prefault', 'nullable', 'readonly', 'nonoptional'].includes(d.type)) return inner(d.innerType);
  if (d.type === 'pipe' && d.in !== undefined) return inner(d.in);
  return s;
}

/** A field's bounds from its checks' definitions (a string's and an array's length named apart; a record's names' length as namesMinLength, namesMaxLength). */
function boundsOf(s: ZodLike): Record<string, number> {
  const out: Record<string, number> = {};
  const key = s._zod.def.type === 'record' ? s._zod.def.keyType : undefined;
  if (key !== undefined) for (const [k, v] of Object.entries(boundsOf(inner(key)))) out[`names${k[0]?.toUpperCase() ?? ''}${k.slice(1)}`] = v;
  const len = s._zod.def.type === 'array' ? 'Items' : 'Length';
  for (const c of s._zod.def.checks ?? []) {
    const d = c._zod.def;
    const n = (k: string): number => d[k] as number;
    if (d.check === 'min_length') out[`min${len}`] = n('minimum');
    else if (d.check === 'max_length') out[`max${len}`] = n('maximum');
    else if (d.check === 'length_equals') [out[`min${len}`], out[`max${len}`]] = [n('length'), n('length')];
    else if (d.check === 'greater_than') out[d.inclusive === true ? 'minimum' : 'exclusiveMinimum'] = n('value');
    else if (d.check === 'less_than') out[d.inclusive === true ? 'maximum' : 'exclusiveMaximum'] = n('value');
  }
  return out;
}

/** The fields of an object schema, nested objects flattened ("retry.maxRetries"), as the reference lists them. */
function fieldsOf(schema: ZodLike, prefix = ''): Record<string, SchemaField> {
  const out: Record<string, SchemaField> = {};
  for (const [name, s] of Object.entries(inner(schema)._zod.def.shape ?? {})) {
    const t = inner(s);
    const entries = t._zod.def.type === 'enum' ? Object.keys(t._zod.def.entries ?? {}) : undefined;
    out[`${prefix}${name}`] = { required: s._zod.optin !== 'optional', bounds: boundsOf(t), ...(entries === undefined ? {} : { enum: entries }) };
    if (t._zod.def.type === 'object') Object.assign(out, fieldsOf(t, `${prefix}${name}.`));
  }
  return out;
}

/** The generated section of docs/TASK-KINDS.md (between its markers), or a note that there is none. */
function docsSection(): string {
  let doc: string;
  try {
    doc = readFileSync(new URL('../../docs/TASK-KINDS.md', import.meta.url), 'utf8');
  } catch (err) {
    return `(docs/TASK-KINDS.md unreadable: ${(err as Error).message})`;
  }
  const m = /<!-- BEGIN GENERATED[^\n]*-->\n([\s\S]*?)<!-- END GENERATED -->/.exec(doc);
  return m === null ? '(docs/TASK-KINDS.md has no generated section)' : (m[1] as string).trim();
}

/** Every section's fields (`spec`: the execution spec; else the kind's name) and the docs file's generated section. */
export function kindsTruth(): KindsTruth {
  const sections: Record<string, Record<string, SchemaField>> = { spec: fieldsOf(graphNodeSchema as unknown as ZodLike) };
  for (const b of REQUEST_BODIES) sections[b.title] = fieldsOf(b.schema as unknown as ZodLike);
  for (const k of builtinTaskKinds().values()) sections[k.name] = fieldsOf(k.params as unknown as ZodLike);
  return { sections, docs: docsSection() };
}
