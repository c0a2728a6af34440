/**
 * The reference of what a submission may carry, generated from the zod
 * schemas the coordinator validates with (each task kind's params, the
 * execution spec of engine/spec.ts, the request bodies around it of
 * coordinator/http-schemas.ts), so it cannot drift: `squall kinds`
 * prints it, `squall kinds --json-schema` prints JSON Schema, and
 * docs/TASK-KINDS.md holds the Markdown between generated markers (a test
 * fails when it differs; `squall kinds --write docs/TASK-KINDS.md` refreshes it).
 */
import { z } from 'zod';
import { REQUEST_BODIES } from '../coordinator/http-schemas.js';
import { graphNodeSchema } from '../engine/spec.js';
import { DANGEROUS_KINDS, type TaskKind } from '../tasks/kind.js';

/** JSON Schema (draft 2020-12) of one zod schema, as a client sends it. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** Every kind's params as JSON Schema, by kind name (sorted). */
export function kindsJsonSchema(kinds: ReadonlyMap<string, TaskKind<unknown>>): Record<string, unknown> {
  return Object.fromEntries([...kinds.values()].sort((a, b) => a.name.localeCompare(b.name)).map((k) => [k.name, jsonSchemaOf(k.params)]));
}

interface Field {
  path: string;
  type: string;
  required: boolean;
  limits: string;
  description: string;
}

type Js = Record<string, unknown>;

function typeOf(s: Js): string {
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  if (s.$ref !== undefined || s.anyOf !== undefined) return 'any JSON';
  if (s.type === 'array') return `array of ${typeOf((s.items ?? {}) as Js)}`;
  if (s.type === 'object' && s.properties === undefined) return `object of ${typeOf((s.additionalProperties ?? {}) as Js)}`;
  return typeof s.type === 'string' ? s.type : 'any JSON';
}

function limitsOf(s: Js): string {
  const out: string[] = [];
  const n = (k: string): number | undefined => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
  if (n('minimum') !== undefined) out.push(`>= ${n('minimum')}`);
  if (n('exclusiveMinimum') !== undefined) out.push(`> ${n('exclusiveMinimum')}`);
  if (n('maximum') !== undefined) out.push(`<= ${n('maximum')}`);
  if (n('minLength') !== undefined) out.push(`length >= ${n('minLength')}`);
  if (n('maxLength') !== undefined) out.push(`length <= ${n('maxLength')}`);
  if (n('minItems') !== undefined) out.push(`items >= ${n('minItems')}`);
  if (n('maxItems') !== undefined) out.push(`items <= ${n('maxItems')}`);
  return out.join(', ');
}

/** A field's limits, and for an object of names (a graph's tasks, env) the bounds of its names ("names length <= 256"). */
function fieldLimits(s: Js): string {
  const names = typeof s.propertyNames === 'object' && s.propertyNames !== null ? limitsOf(s.propertyNames as Js) : '';
  return [limitsOf(s), ...(names === '' ? [] : names.split(', ').map((l) => `names ${l}`))].filter((l) => l !== '').join(', ');
}

/** The fields of an object schema, nested objects flattened ("retry.maxRetries"). */
function fieldsOf(schema: Js, prefix = ''): Field[] {
  const props = (schema.properties ?? {}) as Record<string, Js>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(props).flatMap(([name, s]) => {
    const path = `${prefix}${name}`;
    const own: Field = { path, type: typeOf(s), required: required.has(name), limits: fieldLimits(s), description: typeof s.description === 'string' ? s.description : '' };
    return s.type === 'object' && s.properties !== undefined ? [own, ...fieldsOf(s, `${path}.`)] : [own];
  });
}

function fieldTable(schema: Js): string[] {
  const fields = fieldsOf(schema);
  if (fields.length === 0) return ['No params.'];
  const cell = (t: string): string => t.replace(/\|/g, '\\|');
  return [
    '| field | type | required | limits | meaning |',
    '|---|---|---|---|---|',
    ...fields.map((f) => `| \`${f.path}\` | ${cell(f.type)} | ${f.required ? 'yes' : 'no'} | ${cell(f.limits)} | ${cell(f.description)} |`),
  ];
}

/** The generated Markdown: the execution spec's fields, the bodies around it, then one section per task kind. */
export function kindsMarkdown(kinds: ReadonlyMap<string, TaskKind<unknown>>): string {
  const lines = ['### Execution spec (`POST /api/v1/executions`, each batch entry, each graph task)', '', ...fieldTable(jsonSchemaOf(graphNodeSchema)), ''];
  lines.push('`dependsOn` is for graph tasks only (`POST /api/v1/graphs`); any other field is refused with 400 naming it.', '');
  for (const b of REQUEST_BODIES) lines.push(`### ${b.title}`, '', `${b.route}.`, '', ...fieldTable(jsonSchemaOf(b.schema)), '');
  for (const k of [...kinds.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    lines.push(`### \`${k.name}\``, '');
    if (k.description !== undefined) lines.push(k.description, '');
    if (DANGEROUS_KINDS.has(k.name)) lines.push(`Dangerous: workers refuse it unless started with \`--allow-kinds ${k.name}\`.`, '');
    lines.push(...fieldTable(jsonSchemaOf(k.params)), '');
  }
  return lines.join('\n');
}

/** Markers around the generated part of a docs file. */
export const BEGIN = '<!-- BEGIN GENERATED: squall kinds --markdown (do not edit; refresh with `npx squall kinds --write docs/TASK-KINDS.md`) -->';
export const END = '<!-- END GENERATED -->';

/** The document text with the generated part replaced (markers must exist). */
export function replaceGenerated(doc: string, generated: string): string | undefined {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) return undefined;
  return `${doc.slice(0, a + BEGIN.length)}\n\n${generated.trimEnd()}\n\n${doc.slice(b)}`;
}
