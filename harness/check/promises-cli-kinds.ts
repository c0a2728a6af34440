/**
 * Part of 31: `squall kinds` shows the kinds a coordinator accepts as the
 * README and docs/TASK-KINDS.md document them, judged against the
 * checker's own table (spec-tables.ts KIND_PARAMS, DANGEROUS_KINDS), never
 * the schemas the command reads (blind set 19 #03 marked required params
 * "?" and optional ones bare: a user following it omits a required param
 * and gets 400s):
 *
 * - `squall kinds` exits 0 and prints one row per kind, no other: its
 *   params column ("params (? = optional)") lists exactly the kind's
 *   params, an optional one with `?`, a required one without; its
 *   dangerous column says `opt-in` for command and container only;
 * - `squall kinds --json-schema` exits 0 and prints, per kind, a schema
 *   whose properties are the kind's params and whose `required` lists
 *   exactly the required ones;
 * - `squall kinds --markdown` exits 0 and prints the reference as its
 *   schemas and docs/TASK-KINDS.md have it (promises-cli-kinds-doc.ts).
 */
import type { CliRun } from './cli-runs.js';
import { cliRunsOf } from './cli-runs.js';
import { referenceMismatch } from './promises-cli-kinds-doc.js';
import { DANGEROUS_KINDS, KIND_PARAMS } from './spec-tables.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

const HEADER = 'params (? = optional)';

/** 31. Every `squall kinds` run (see the file comment). */
export function checkCliKinds(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const { rec, run } of cliRunsOf(view)) {
    if (run.args[0] !== 'kinds' || run.exitCode === undefined || (run as { outCut?: boolean }).outCut === true) continue;
    const m = run.exitCode !== 0 ? `exited ${run.exitCode}: it reads no coordinator and takes no input, so it exits 0` : run.args.includes('--json-schema') ? schemaMismatch(run) : run.args.includes('--markdown') ? referenceMismatch(run) : run.args.length === 1 ? tableMismatch(run) : undefined;
    if (m !== undefined) out.push(violation(view.records, 'cli', `squall ${run.args.join(' ')} (t=${run.startedAt}): ${m}`, { index: rec.index }));
  }
  return out;
}

/** The table's rows against the checker's table, if they differ. */
function tableMismatch(run: CliRun): string | undefined {
  const lines = run.out.split('\n');
  const header = lines[0] ?? '';
  const paramsAt = header.indexOf(HEADER);
  const dangerAt = header.indexOf('dangerous');
  const whatAt = header.indexOf('what it does');
  if (paramsAt < 0 || dangerAt < 0 || whatAt < 0) return `printed no table headed kind, dangerous, "${HEADER}", what it does: ${JSON.stringify(header)}`;
  const rows = new Map<string, { danger: string; params: string }>();
  for (const line of lines.slice(2)) {
    if (line.trim() === '') break;
    rows.set(line.slice(0, dangerAt).trim(), { danger: line.slice(dangerAt, paramsAt).trim(), params: line.slice(paramsAt, whatAt).trim() });
  }
  const kinds = Object.keys(KIND_PARAMS);
  const shown = [...rows.keys()];
  if (shown.length !== kinds.length || kinds.some((k) => !rows.has(k))) return `showed the kinds ${shown.join(', ')}; the documented kinds are ${kinds.join(', ')}`;
  for (const [kind, row] of rows) {
    const want = Object.entries(KIND_PARAMS[kind] ?? {}).map(([p, how]) => (how === 'optional' ? `${p}?` : p));
    const got = row.params === '' ? [] : row.params.split(',').map((p) => p.trim());
    if ([...got].sort().join(', ') !== [...want].sort().join(', ')) return `showed ${kind}'s params as "${row.params}"; documented: ${want.join(', ')} (? marks an optional param, a required one has none)`;
    const danger = DANGEROUS_KINDS.has(kind) ? 'opt-in' : '';
    if (row.danger !== danger) return `showed ${kind} as dangerous "${row.danger}"; documented: ${danger === '' ? 'not dangerous (blank)' : 'opt-in (a worker runs it only with --allow-kinds)'}`;
  }
  return undefined;
}

/** Each kind's JSON Schema (properties and required) against the checker's table, if they differ. */
function schemaMismatch(run: CliRun): string | undefined {
  let doc: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
  try {
    doc = JSON.parse(run.out) as typeof doc;
  } catch {
    return 'printed no JSON';
  }
  for (const [kind, params] of Object.entries(KIND_PARAMS)) {
    const s = doc[kind];
    if (s === undefined) return `printed no schema for the kind ${kind}`;
    const props = Object.keys(s.properties ?? {}).sort().join(', ');
    const required = [...(s.required ?? [])].sort().join(', ');
    const want = Object.entries(params);
    if (props !== want.map(([p]) => p).sort().join(', ')) return `printed ${kind}'s properties ${props}; documented: ${want.map(([p]) => p).join(', ')}`;
    const wantRequired = want.filter(([, how]) => how === 'required').map(([p]) => p).sort().join(', ');
    if (required !== wantRequired) return `printed ${kind}'s required [${required}]; documented required: [${wantRequired}] (the rest optional)`;
  }
  return undefined;
}
