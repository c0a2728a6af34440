/**
 * Loads scenario files. YAML is parsed with source positions (a LineCounter),
 * validated against ScenarioSchema, and every problem, YAML syntax included,
 * is reported as `FILE:LINE:COL: path: message`, e.g.
 * `scenarios/x.yaml:12:5: faults[2].action: unknown action "latncy" (did you mean "latency"?)`.
 * All problems are collected into one ScenarioError rather than stopping at
 * the first.
 */
import { readFile } from 'node:fs/promises';
import { type Document, LineCounter, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ErrorCode, SquallError } from '../../system/core/index.js';
import type { Scenario } from './schema.js';
import { didYouMean } from './suggest.js';
import { ScenarioSchema } from './validate.js';

/** One problem in a scenario file. `line`/`col` are 1-based. */
export interface ScenarioIssue {
  file: string;
  line: number;
  col: number;
  /** `faults[2].action`, or '' for the whole document. */
  path: string;
  message: string;
}

/** A scenario file that cannot be used; `issues` lists every problem found. */
export class ScenarioError extends SquallError {
  readonly issues: readonly ScenarioIssue[];
  readonly file: string;
  constructor(file: string, issues: readonly ScenarioIssue[]) {
    super(ErrorCode.InvalidArgument, issues.map(formatIssue).join('\n'), { path: issues[0]?.path });
    this.file = file;
    this.issues = issues;
  }
}

/** `FILE:LINE:COL: path: message`. */
function formatIssue(i: ScenarioIssue): string {
  return `${i.file}:${i.line}:${i.col}: ${i.path === '' ? '' : `${i.path}: `}${i.message}`;
}

/** `faults[2].action` from ['faults', 2, 'action']. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

/** Reads and validates a scenario file; throws ScenarioError listing every problem. */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String((err as Error).message);
    throw new SquallError(ErrorCode.InvalidArgument, `cannot read scenario file ${path}: ${why} (the scenarios are scenarios/*.yaml; \`squall suite\` runs them all)`, { path: 'file', cause: err });
  }
  return parseScenario(text, path);
}

type Path = PropertyKey[];
interface RawIssue {
  path: Path;
  message: string;
  /** Point at the key of the last path element rather than its value (unknown fields). */
  atKey?: boolean;
}

/** Validates scenario text; `fileName` is used in messages only. Throws ScenarioError. */
export function parseScenario(text: string, fileName: string): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      fileName,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        return { file: fileName, line: pos.line, col: pos.col, path: '', message: `YAML: ${firstLine(e.message)}` };
      }),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined) {
    throw new ScenarioError(fileName, [{ file: fileName, line: 1, col: 1, path: '', message: 'the file is empty; a scenario needs at least name, description and fleet' }]);
  }
  const result = ScenarioSchema.safeParse(data, { error: errorMessage });
  if (result.success) return result.data;
  const raw = result.error.issues.flatMap((i) => rawIssues(i as z.core.$ZodIssue, []));
  const issues = raw.map((r) => {
    const { node, path } = locate(doc, r.path, r.atKey === true);
    const pos = lineCounter.linePos(node);
    return { file: fileName, line: pos.line, col: pos.col, path: formatPath(path), message: r.message };
  });
  issues.sort((a, b) => a.line - b.line || a.col - b.col);
  throw new ScenarioError(fileName, dedupe(issues));
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function dedupe(issues: ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = formatIssue(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const KEY_SEP = '\u0000';

/** Messages for the issue kinds whose zod defaults say too little. */
function errorMessage(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'unrecognized_keys': {
      const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape ?? {};
      const known = Object.keys(shape);
      // One message per key, split again in rawIssues so each points at its own line.
      return iss.keys.map((k) => `unknown field "${k}"${didYouMean(k, known)}; known fields: ${known.join(', ')}`).join(KEY_SEP);
    }
    case 'invalid_value': {
      const values = iss.values.map((v) => String(v));
      const got = String(iss.input);
      return `unknown value "${got}"${didYouMean(got, values)}; expected one of ${values.join(', ')}`;
    }
    case 'invalid_type':
      if (iss.input === undefined) return `missing required field (${iss.expected})`;
      return `expected ${iss.expected}, got ${describe(iss.input)}`;
    default:
      return undefined;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Flattens zod issues: unknown keys one per key; unions reported through their closest branch. */
function rawIssues(iss: z.core.$ZodIssue, prefix: Path): RawIssue[] {
  const path = [...prefix, ...iss.path];
  if (iss.code === 'unrecognized_keys') {
    const messages = iss.message.split(KEY_SEP);
    return iss.keys.map((k, i) => ({ path: [...path, k], message: messages[i] ?? `unknown field "${k}"`, atKey: true }));
  }
  if (iss.code === 'invalid_union' && iss.errors.length > 0 && !('discriminator' in iss && iss.discriminator !== undefined)) {
    // The branch that got furthest (its issues are deepest) is the one the author meant.
    const depth = (branch: z.core.$ZodIssue[]): number => Math.min(...branch.map((b) => b.path.length));
    const best = [...iss.errors].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0];
    if (best !== undefined && best.length > 0 && depth(best) > 0) return best.flatMap((b) => rawIssues(b, path));
    const custom = iss.message !== 'Invalid input' ? iss.message : undefined;
    return [{ path, message: custom ?? 'does not match any allowed form' }];
  }
  return [{ path, message: iss.message }];
}

/**
 * The offset of the deepest YAML node along `path`, and the path to show. A
 * missing key points at its parent mapping, a path into a scalar (an action
 * given by name) at the scalar.
 */
function locate(doc: Document, path: Path, atKey: boolean): { node: number; path: Path } {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair === undefined) return { node: offset, path };
      if (last && atKey) return { node: rangeStart(pair.key) ?? offset, path };
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (node === undefined) return { node: offset, path };
    } else {
      // A scalar where a mapping was expected: the shorthand `action: latncy`
      // is reported as `action`, a missing attribute keeps its full path.
      const tail = path.slice(i);
      return { node: offset, path: tail.length === 1 && tail[0] === 'type' ? path.slice(0, i) : path };
    }
    offset = rangeStart(node) ?? offset;
  }
  return { node: offset, path };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range?.[0];
}
