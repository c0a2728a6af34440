/**
 * The wire's bounds, derived from the protocol's own zod schemas
 * (system/protocol/messages.ts), not written out by hand: for each frame type
 * of a direction's union, every bounded field (a number's minimum, maximum
 * and integer format, a text's or a list's length, an enum) probed at its
 * bound and one step past it, each probe a whole frame otherwise minimal and
 * valid, with the schema's verdict on it. A field added to a schema is probed
 * the next run. The fast decoders (system/protocol/fast-decode*.ts) must give
 * every probe the schema's verdict: a frame the schema refuses is closed 4400,
 * one it accepts is not (promise 38, harness/check/promises-wire-bounds.ts;
 * the `wire-bounds` adversary sends them, harness/scenario/adversary-bounds.ts).
 *
 * Not probed: `v` and `type` (literals: the version and type checks), `sig` and
 * `crc` (the integrity trailer, which the codec judges before the schema), and
 * free-form JSON (`params`, `result`, checkpoint `state`).
 */
import type { z } from 'zod';

/** What the walk reads of a zod 4 schema (its `_zod.def`). */
interface Def {
  type: string;
  checks?: readonly { _zod: { def: CheckDef } }[];
  shape?: Readonly<Record<string, z.ZodType>>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  values?: readonly unknown[];
  entries?: Readonly<Record<string, unknown>>;
  options?: readonly z.ZodType[];
}
interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  length?: number;
  value?: number;
  inclusive?: boolean;
  format?: string;
}

/** One probe: a whole frame with one bounded field at or one step past its bound, and the schema's verdict on it. */
export interface WireProbe {
  type: string;
  /** Dotted path of the field (`[]` for a list's item). */
  field: string;
  /** The bound, as the schema states it (`max_length 200`, `<= 10000`, `safeint`, `enum`). */
  bound: string;
  probe: 'at' | 'past';
  frame: Record<string, unknown>;
  schemaAccepts: boolean;
}

/** A probe of one schema node: the node's whole value with the probed field inside. */
interface NodeProbe {
  field: string;
  bound: string;
  probe: 'at' | 'past';
  value: unknown;
}

const SKIPPED_TOP = new Set(['v', 'type', 'sig', 'crc']);
/** Longest text or list a probe builds (the frame limit refuses longer frames before any schema). */
const MAX_SIZE = 100_000;

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (d: Def): CheckDef[] => (d.checks ?? []).map((c) => c._zod.def);

/** The next double above (dir 1) or below (dir -1) x. */
function nextFloat(x: number, dir: 1 | -1): number {
  if (x === 0) return dir * Number.MIN_VALUE;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigInt64(0);
  buf.setBigInt64(0, bits + BigInt((x > 0 ? 1 : -1) * dir));
  return buf.getFloat64(0);
}

/** A minimal valid value of `s` (required members only, shortest texts and lists, smallest numbers). */
export function sampleOf(s: z.ZodType): unknown {
  const d = defOf(s);
  const checks = checksOf(d);
  switch (d.type) {
    case 'object':
      return Object.fromEntries(Object.entries(d.shape ?? {}).flatMap(([k, v]) => (defOf(v).type === 'optional' ? [] : [[k, sampleOf(v)]])));
    case 'literal':
      return d.values?.[0];
    case 'enum':
      return Object.values(d.entries ?? {})[0];
    case 'string': {
      const exact = checks.find((c) => c.check === 'length_equals')?.length;
      return 'b'.repeat(exact ?? Math.max(1, checks.find((c) => c.check === 'min_length')?.minimum ?? 0));
    }
    case 'number': {
      const low = checks.find((c) => c.check === 'greater_than');
      return low === undefined ? 0 : low.inclusive === true ? low.value : (low.value ?? 0) + 1;
    }
    case 'array': {
      const n = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
      return Array.from({ length: n }, () => sampleOf(d.element as z.ZodType));
    }
    case 'boolean':
      return false;
    default:
      return null;
  }
}

/** The sizes a length check probes: [size, at|past]. */
function sizeProbes(c: CheckDef): [number, 'at' | 'past', string][] {
  if (c.check === 'min_length' && c.minimum !== undefined) return [[c.minimum, 'at', `min_length ${c.minimum}`], [c.minimum - 1, 'past', `min_length ${c.minimum}`]];
  if (c.check === 'max_length' && c.maximum !== undefined) return [[c.maximum, 'at', `max_length ${c.maximum}`], [c.maximum + 1, 'past', `max_length ${c.maximum}`]];
  if (c.check === 'length_equals' && c.length !== undefined) {
    const b = `length ${c.length}`;
    return [[c.length, 'at', b], [c.length - 1, 'past', b], [c.length + 1, 'past', b]];
  }
  return [];
}

/** The numbers a number check probes. */
function numberProbes(c: CheckDef, isInt: boolean): [number, 'at' | 'past', string][] {
  const step = (x: number, dir: 1 | -1): number => (isInt ? x + dir : nextFloat(x, dir));
  if (c.check === 'number_format' && c.format === 'safeint') {
    const max = Number.MAX_SAFE_INTEGER;
    return [[max, 'at', 'safeint'], [max + 1, 'past', 'safeint'], [-max, 'at', 'safeint'], [-max - 1, 'past', 'safeint'], [0.5, 'past', 'safeint']];
  }
  if (c.value === undefined || (c.check !== 'greater_than' && c.check !== 'less_than')) return [];
  const up: 1 | -1 = c.check === 'greater_than' ? 1 : -1;
  const b = `${c.check === 'greater_than' ? '>' : '<'}${c.inclusive === true ? '=' : ''} ${c.value}`;
  // At the bound: the value itself when inclusive, the first step inside it when not; past it: the first step outside.
  return c.inclusive === true ? [[c.value, 'at', b], [step(c.value, up === 1 ? -1 : 1), 'past', b]] : [[step(c.value, up), 'at', b], [c.value, 'past', b]];
}

/** Probes of a leaf (number, string, enum) or a list's own length. */
function ownProbes(s: z.ZodType): NodeProbe[] {
  const d = defOf(s);
  const checks = checksOf(d);
  const out: NodeProbe[] = [];
  if (d.type === 'string') {
    for (const c of checks) for (const [n, probe, bound] of sizeProbes(c)) if (n >= 0 && n <= MAX_SIZE) out.push({ field: '', bound, probe, value: 'b'.repeat(n) });
  } else if (d.type === 'array') {
    const item = sampleOf(d.element as z.ZodType);
    for (const c of checks) for (const [n, probe, bound] of sizeProbes(c)) if (n >= 0 && n <= MAX_SIZE) out.push({ field: '', bound, probe, value: Array.from({ length: n }, () => item) });
  } else if (d.type === 'number') {
    const isInt = checks.some((c) => c.check === 'number_format');
    for (const c of checks) for (const [value, probe, bound] of numberProbes(c, isInt)) out.push({ field: '', bound, probe, value });
  } else if (d.type === 'enum') {
    const values = Object.values(d.entries ?? {}).map(String);
    for (const v of values) out.push({ field: '', bound: 'enum', probe: 'at', value: v });
    const first = values[0] ?? '';
    out.push({ field: '', bound: 'enum', probe: 'past', value: first.toUpperCase() === first ? first.toLowerCase() : first.toUpperCase() }, { field: '', bound: 'enum', probe: 'past', value: `${first}_` });
  }
  return out;
}

const join = (head: string, tail: string): string => (tail === '' ? head : tail.startsWith('[]') ? `${head}${tail}` : `${head}.${tail}`);

/** Every probe of a schema node, each as the node's whole value. */
function nodeProbes(s: z.ZodType, skip: ReadonlySet<string> = new Set()): NodeProbe[] {
  const d = defOf(s);
  if (d.type === 'optional') return nodeProbes(d.innerType as z.ZodType);
  if (d.type === 'object') {
    const base = sampleOf(s) as Record<string, unknown>;
    return Object.entries(d.shape ?? {}).flatMap(([k, child]) =>
      skip.has(k) ? [] : nodeProbes(child).map((p) => ({ ...p, field: join(k, p.field), value: { ...base, [k]: p.value } })),
    );
  }
  if (d.type === 'array') {
    const item = nodeProbes(d.element as z.ZodType).map((p) => ({ ...p, field: join('[]', p.field), value: [p.value] }));
    return [...ownProbes(s), ...item];
  }
  return ownProbes(s);
}

/** Every probe of every frame type of `union` (a discriminated union on `type`, as ToCoordinator and ToWorker are). */
export function wireProbes(union: z.ZodType): WireProbe[] {
  const options = defOf(union).options ?? [];
  return options.flatMap((option) => {
    const type = String((sampleOf(option) as { type?: unknown }).type);
    return nodeProbes(option, SKIPPED_TOP).map((p) => {
      const frame = p.value as Record<string, unknown>;
      return { type, field: p.field, bound: p.bound, probe: p.probe, frame, schemaAccepts: union.safeParse(frame).success };
    });
  });
}
