/**
 * Structural check of GitLab CI files (no GitLab linter is installable from
 * npm here and GitLab's JSON schema is not in any installed package, so this
 * is parse + structure, not GitLab's own validation): strict YAML (duplicate
 * keys fail), known global and job keywords, every job has script, trigger or
 * extends, stages declared, needs/extends name real jobs, enumerations
 * (when, artifacts:when) and parallel in range. Prints FILE: path: problem.
 * Usage: tsx scripts/lint-gitlab-ci.ts FILE... (exit 1 on any problem).
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

const GLOBAL = new Set(['default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'spec']);
const JOB = new Set(['after_script', 'allow_failure', 'artifacts', 'before_script', 'cache', 'coverage', 'dast_configuration', 'dependencies', 'environment', 'extends', 'hooks', 'id_tokens', 'identity', 'image', 'inherit', 'interruptible', 'manual_confirmation', 'needs', 'pages', 'parallel', 'release', 'resource_group', 'retry', 'rules', 'run', 'script', 'secrets', 'services', 'stage', 'tags', 'timeout', 'trigger', 'variables', 'when']);
const DEFAULT = new Set(['after_script', 'artifacts', 'before_script', 'cache', 'hooks', 'id_tokens', 'image', 'interruptible', 'retry', 'services', 'tags', 'timeout']);
const WHEN = new Set(['on_success', 'on_failure', 'always', 'manual', 'delayed', 'never']);
const RULE = new Set(['if', 'changes', 'exists', 'when', 'allow_failure', 'variables', 'needs', 'start_in', 'interruptible']);
const ARTIFACTS = new Set(['paths', 'exclude', 'expire_in', 'expose_as', 'name', 'public', 'access', 'reports', 'untracked', 'when']);
const BUILTIN_STAGES = ['.pre', 'build', 'test', 'deploy', '.post'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrList = (v: unknown): boolean => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string' || (Array.isArray(x) && x.every((y) => typeof y === 'string'))));

function checkJob(name: string, job: unknown, jobs: Set<string>, stages: string[], problems: string[]): void {
  const at = (k: string): string => `${name}.${k}`;
  if (!isObj(job)) return void problems.push(`${name}: a job must be a mapping`);
  for (const k of Object.keys(job)) if (!JOB.has(k)) problems.push(`${at(k)}: unknown job keyword`);
  if (!name.startsWith('.') && job.script === undefined && job.trigger === undefined && job.extends === undefined && job.run === undefined) problems.push(`${name}: a job needs script, trigger, run or extends`);
  for (const k of ['script', 'before_script', 'after_script']) if (job[k] !== undefined && !isStrList(job[k])) problems.push(`${at(k)}: must be a string or a list of strings`);
  if (job.stage !== undefined && !stages.includes(String(job.stage))) problems.push(`${at('stage')}: stage "${String(job.stage)}" is not in stages (${stages.join(', ')})`);
  if (job.when !== undefined && !WHEN.has(String(job.when))) problems.push(`${at('when')}: must be one of ${[...WHEN].join(', ')}`);
  for (const e of [job.extends].flat().filter((x) => x !== undefined)) if (!jobs.has(String(e))) problems.push(`${at('extends')}: no job or template "${String(e)}"`);
  if (job.needs !== undefined) {
    if (!Array.isArray(job.needs)) problems.push(`${at('needs')}: must be a list`);
    else for (const n of job.needs) {
      const ref = isObj(n) ? n.job : n;
      if (isObj(n) && n.pipeline === undefined && n.project === undefined && typeof ref !== 'string') problems.push(`${at('needs')}: an entry needs "job"`);
      else if (typeof ref === 'string' && !(isObj(n) && (n.project !== undefined || n.pipeline !== undefined)) && !jobs.has(ref)) problems.push(`${at('needs')}: no job "${ref}"`);
    }
  }
  if (job.parallel !== undefined) {
    const p = job.parallel;
    const ok = (typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 200) || (isObj(p) && Array.isArray(p.matrix));
    if (!ok) problems.push(`${at('parallel')}: must be an integer 1..200 or {matrix: [...]}`);
  }
  if (job.rules !== undefined) {
    if (!Array.isArray(job.rules)) problems.push(`${at('rules')}: must be a list`);
    else job.rules.forEach((r, i) => {
      if (!isObj(r)) return void problems.push(`${at(`rules.${i}`)}: must be a mapping`);
      for (const k of Object.keys(r)) if (!RULE.has(k)) problems.push(`${at(`rules.${i}.${k}`)}: unknown rule keyword`);
      if (r.when !== undefined && !WHEN.has(String(r.when))) problems.push(`${at(`rules.${i}.when`)}: must be one of ${[...WHEN].join(', ')}`);
    });
  }
  const a = job.artifacts;
  if (a !== undefined) {
    if (!isObj(a)) problems.push(`${at('artifacts')}: must be a mapping`);
    else {
      for (const k of Object.keys(a)) if (!ARTIFACTS.has(k)) problems.push(`${at(`artifacts.${k}`)}: unknown artifacts keyword`);
      if (a.when !== undefined && !['on_success', 'on_failure', 'always'].includes(String(a.when))) problems.push(`${at('artifacts.when')}: must be on_success, on_failure or always`);
      if (a.paths !== undefined && !(Array.isArray(a.paths) && a.paths.every((x) => typeof x === 'string'))) problems.push(`${at('artifacts.paths')}: must be a list of strings`);
      if (isObj(a.reports) && a.reports.junit !== undefined && !isStrList(a.reports.junit)) problems.push(`${at('artifacts.reports.junit')}: must be a path or a list of paths`);
    }
  }
}

/** Problems found in one file's text (empty: it passed). */
export function lintGitlabCi(text: string): string[] {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) return doc.errors.map((e) => `YAML: ${e.message.split('\n')[0] ?? ''}`);
  const root = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (!isObj(root)) return ['(root): must be a mapping of global keywords and jobs'];
  const problems: string[] = [];
  const stages = root.stages === undefined ? BUILTIN_STAGES : Array.isArray(root.stages) ? ['.pre', ...root.stages.map(String), '.post'] : [];
  if (root.stages !== undefined && !Array.isArray(root.stages)) problems.push('stages: must be a list');
  if (root.default !== undefined) {
    if (!isObj(root.default)) problems.push('default: must be a mapping');
    else for (const k of Object.keys(root.default)) if (!DEFAULT.has(k)) problems.push(`default.${k}: not allowed under default`);
  }
  if (root.variables !== undefined && !isObj(root.variables)) problems.push('variables: must be a mapping');
  const jobNames = Object.keys(root).filter((k) => !GLOBAL.has(k));
  if (jobNames.filter((k) => !k.startsWith('.')).length === 0) problems.push('(root): no jobs defined');
  const jobs = new Set(jobNames);
  for (const name of jobNames) checkJob(name, root[name], jobs, stages, problems);
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
    else process.stdout.write(`${f}: ok (parse + structural check)\n`);
  }
  if (bad > 0) process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*[\\/]/, ''))) main(process.argv.slice(2));
