/**
 * Lints GitLab CI files against GitLab's own CI JSON schema (the one its
 * pipeline editor uses, vendored in scripts/schemas/gitlab-ci.json, see the
 * README there) with ajv, after a strict YAML parse (duplicate keys fail) that
 * resolves `!reference [job, key, ...]` tags to the values they name. Then the
 * checks a schema cannot express: every job's stage is declared, needs /
 * extends / dependencies name jobs of the file, a visible job has script,
 * trigger, run or extends. Prints FILE: path: problem, one per line.
 * Usage: tsx scripts/lint-gitlab-ci.ts FILE... (exit 1 on any problem).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isMap, isScalar, parseDocument, type CollectionTag } from 'yaml';

const SCHEMA_URL = new URL('./schemas/gitlab-ci.json', import.meta.url);
const GLOBAL = new Set(['default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'spec', '$schema']);
const BUILTIN_STAGES = ['.pre', 'build', 'test', 'deploy', '.post'];
/** GitLab's limit on nested !reference tags. */
const MAX_REFERENCE_DEPTH = 10;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Reference);

/** A `!reference [a, b]` tag until it is replaced by the value it names. */
class Reference {
  constructor(readonly path: string[], readonly valid: boolean) {}
  get text(): string {
    return `!reference [${this.path.join(', ')}]`;
  }
}

/** The tag's sequence becomes a Reference (yaml wraps it in a scalar node). */
const referenceTag: CollectionTag = {
  tag: '!reference',
  collection: 'seq',
  resolve: (seq) => {
    const names = seq.items.map((i) => (isScalar(i) && typeof i.value === 'string' ? i.value : undefined));
    const path = names.filter((n): n is string => n !== undefined);
    return new Reference(path, path.length > 0 && path.length === names.length);
  },
};

/** Replaces every Reference under `value` by what it names in `root`, recording the ones that name nothing. */
function resolveReferences(value: unknown, root: Obj, problems: string[], at: string, depth = 0): unknown {
  if (value instanceof Reference) {
    // A broken reference stays its list of names, so later checks see a value, not a gap.
    if (!value.valid) problems.push(`${at}: !reference: must be a non-empty list of names (job, key, ...)`);
    else if (depth >= MAX_REFERENCE_DEPTH) problems.push(`${at}: ${value.text}: nested more than ${MAX_REFERENCE_DEPTH} levels (a cycle?)`);
    if (!value.valid || depth >= MAX_REFERENCE_DEPTH) return value.path;
    let target: unknown = root;
    for (const key of value.path) target = isObj(target) ? target[key] : undefined;
    if (target === undefined) {
      // It may name a job of an included file, which this lint cannot see.
      if (root.include === undefined) problems.push(`${at}: ${value.text}: names nothing in this file`);
      return value.path;
    }
    return resolveReferences(target, root, problems, at, depth + 1);
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveReferences(v, root, problems, `${at}[${i}]`, depth));
  if (isObj(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, root, problems, at === '' ? k : `${at}.${k}`, depth)]));
  }
  return value;
}

/** Parses one file; problems are YAML errors or unresolvable references. */
function parseGitlabYaml(text: string): { root: unknown; problems: string[] } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, customTags: [referenceTag] });
  if (doc.errors.length > 0) return { root: undefined, problems: doc.errors.map((e) => `YAML: ${e.message.split('\n')[0] ?? ''}`) };
  if (!isMap(doc.contents)) return { root: undefined, problems: ['(root): must be a mapping of global keywords and jobs'] };
  const raw = doc.toJS({ maxAliasCount: 100 }) as Obj;
  const problems: string[] = [];
  const root = resolveReferences(raw, raw, problems, '');
  return { root, problems };
}

let validator: ValidateFunction | undefined;
/** GitLab's schema compiled once (about 0.4 s). Its patterns are not all valid with the u flag. */
function schemaValidator(): ValidateFunction {
  if (validator === undefined) {
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormatsModule.default(ajv);
    validator = ajv.compile(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object);
  }
  return validator;
}

/** JSON pointer /sweep/rules/0/when -> sweep.rules[0].when */
function dotted(pointer: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc === '' ? p : `${acc}.${p}`), '') || '(root)';
}

const within = (outer: string, inner: string): boolean => inner === outer || inner.startsWith(`${outer}/`);

const depth = (pointer: string): number => pointer.split('/').length;
const COMBINATORS = ['anyOf', 'oneOf', 'allOf', 'if'];

/**
 * ajv's errors, keeping the most specific: under a failed oneOf/anyOf, the
 * branch that got deepest into the value is the one the author meant, so
 * shallower errors from the other branches ("must be string", "must have
 * required property") are dropped; so is the summary itself and a "wrong
 * type" beside a more precise error at the same place.
 */
function specificErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const precise = (e: ErrorObject): boolean => !COMBINATORS.includes(e.keyword) && e.keyword !== 'type';
  let kept = errors.filter((e) => !COMBINATORS.includes(e.keyword) || !errors.some((o) => !COMBINATORS.includes(o.keyword) && within(e.instancePath, o.instancePath)));
  for (const c of errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')) {
    const under = kept.filter((e) => !COMBINATORS.includes(e.keyword) && within(c.instancePath, e.instancePath));
    const deepest = Math.max(...under.map((e) => depth(e.instancePath)));
    kept = kept.filter((e) => !under.includes(e) || depth(e.instancePath) === deepest);
  }
  return kept.filter((e) => e.keyword !== 'type' || !kept.some((o) => precise(o) && within(e.instancePath, o.instancePath)));
}

/** ajv's errors as one line each: `path: problem`, types at one place merged ("must be string or array"). */
export function describeSchemaErrors(errors: readonly ErrorObject[]): string[] {
  const lines = new Map<string, Set<string>>();
  for (const e of specificErrors(errors)) {
    const at = dotted(e.instancePath);
    const p = e.params as Record<string, unknown>;
    let msg: string;
    if (e.keyword === 'additionalProperties') msg = `unknown key "${String(p.additionalProperty)}"`;
    else if (e.keyword === 'enum') msg = `must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    else if (e.keyword === 'type') msg = [p.type].flat().map(String).join(' or ');
    else msg = e.message ?? e.keyword;
    const key = e.keyword === 'type' ? `${at}\0type` : `${at}\0${msg}`;
    lines.set(key, (lines.get(key) ?? new Set()).add(msg));
  }
  return [...lines.entries()].map(([key, msgs]) => {
    const [at, what] = key.split('\0') as [string, string];
    return what === 'type' ? `${at}: must be ${[...msgs].join(' or ')}` : `${at}: ${what}`;
  });
}

/** One job's references; `local` false (the file has include:) skips the names other files may define. */
function jobProblems(name: string, job: Obj, jobs: Set<string>, stages: string[], local: boolean): string[] {
  const problems: string[] = [];
  const at = (k: string): string => `${name}.${k}`;
  if (!name.startsWith('.') && ['script', 'trigger', 'extends', 'run'].every((k) => job[k] === undefined)) problems.push(`${name}: a job needs script, trigger, run or extends`);
  if (!local) return problems;
  for (const s of [job.stage].flat()) if (s !== undefined && !stages.includes(String(s))) problems.push(`${at('stage')}: stage "${String(s)}" is not in stages (${stages.join(', ')})`);
  for (const e of [job.extends].flat()) if (e !== undefined && !jobs.has(String(e))) problems.push(`${at('extends')}: no job or template "${String(e)}"`);
  for (const d of Array.isArray(job.dependencies) ? job.dependencies : []) if (!jobs.has(String(d))) problems.push(`${at('dependencies')}: no job "${String(d)}"`);
  for (const n of Array.isArray(job.needs) ? job.needs : []) {
    const external = isObj(n) && (n.project !== undefined || n.pipeline !== undefined);
    const ref = isObj(n) ? n.job : n;
    if (!external && typeof ref === 'string' && !jobs.has(ref)) problems.push(`${at('needs')}: no job "${ref}"`);
  }
  return problems;
}

/** What GitLab checks beyond its schema: declared stages, jobs that exist, something to run. */
function semanticProblems(root: Obj): string[] {
  const stages = Array.isArray(root.stages) ? ['.pre', ...root.stages.flat().map(String), '.post'] : BUILTIN_STAGES;
  const names = Object.keys(root).filter((k) => !GLOBAL.has(k));
  const problems = names.some((k) => !k.startsWith('.')) ? [] : ['(root): no jobs defined'];
  const jobs = new Set(names);
  // With include:, jobs and stages may come from files this lint cannot see.
  const local = root.include === undefined;
  for (const name of names) {
    const job = root[name];
    if (isObj(job)) problems.push(...jobProblems(name, job, jobs, stages, local));
  }
  return problems;
}

/** Problems found in one file's text (empty: it passed). */
export function lintGitlabCi(text: string): string[] {
  const { root, problems } = parseGitlabYaml(text);
  if (root === undefined) return problems;
  const validate = schemaValidator();
  if (!validate(root)) problems.push(...describeSchemaErrors(validate.errors ?? []));
  if (isObj(root)) problems.push(...semanticProblems(root));
  return problems;
}

function main(files: string[]): void {
  if (files.length === 0) {
    process.stderr.write('usage: tsx scripts/lint-gitlab-ci.ts FILE...\n');
    process.exitCode = 2;
    return;
  }
  let bad = 0;
  for (const f of files) {
    const problems = lintGitlabCi(readFileSync(f, 'utf8'));
    for (const p of problems) process.stderr.write(`${f}: ${p}\n`);
    if (problems.length > 0) bad++;
    else process.stdout.write(`${f}: ok (GitLab CI schema + semantic checks)\n`);
  }
  if (bad > 0) process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*[\\/]/, ''))) main(process.argv.slice(2));
