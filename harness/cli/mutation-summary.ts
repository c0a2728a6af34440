/**
 * Summarizes StrykerJS's JSON reports (reports/mutation/mutation.json, written
 * by `npm run mutate`) as the table docs/MUTATION.md carries: per file killed,
 * survived, timeout, no coverage, ignored, score; then every survivor as
 * file:line mutator "replacement", so the gaps can be read and closed.
 * Several reports (batches run with SQUALL_MUTATE_OUT) are merged, a later
 * report's file replacing an earlier one's; `--write merged.json` saves the
 * merge, which can seed reports/mutation/stryker-incremental.json so a full
 * run only tests what the batches did not.
 * A path that is a directory is read as an event-recorder folder
 * (reports/mutation/events): the mutants tested so far, for a run still going
 * or stopped early.
 * Usage: npx tsx harness/cli/mutation-summary.ts [report.json|events-dir ...] [--survivors] [--write merged.json]
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { renderTable } from '../report/table.js';

interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number } };
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
  testFiles?: Record<string, unknown>;
}

/** A report from the per-mutant events Stryker's event-recorder wrote so far. */
function fromEvents(dir: string): Report {
  const files: Report['files'] = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('-onMutantTested.json'))) {
    const m = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Mutant & { fileName: string };
    (files[relative(process.cwd(), m.fileName)] ??= { mutants: [] }).mutants.push(m);
  }
  return { files };
}
const load = (p: string): Report => (statSync(p).isDirectory() ? fromEvents(p) : (JSON.parse(readFileSync(p, 'utf8')) as Report));

const args = process.argv.slice(2);
const writeAt = args.indexOf('--write');
const writePath = writeAt >= 0 ? args[writeAt + 1] : undefined;
const paths = args.filter((a, i) => !a.startsWith('--') && (writeAt < 0 || i !== writeAt + 1));
const reports = (paths.length > 0 ? paths : ['reports/mutation/mutation.json']).map(load);
const report: Report = {
  ...reports[0],
  files: Object.assign({}, ...reports.map((r) => r.files)) as Report['files'],
  testFiles: Object.assign({}, ...reports.map((r) => r.testFiles ?? {})) as Report['testFiles'],
};
if (writePath !== undefined) writeFileSync(writePath, JSON.stringify(report));

const count = (ms: Mutant[], s: string): number => ms.filter((m) => m.status === s).length;
/** Stryker's score: detected (killed + timeout) over valid mutants (all but compile/runtime errors and ignored). */
function score(ms: Mutant[]): string {
  const detected = count(ms, 'Killed') + count(ms, 'Timeout');
  const valid = detected + count(ms, 'Survived') + count(ms, 'NoCoverage');
  return valid === 0 ? '-' : `${((100 * detected) / valid).toFixed(1)}%`;
}

const files = Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b));
const row = (name: string, ms: Mutant[]): string[] => [
  name,
  String(ms.length),
  String(count(ms, 'Killed')),
  String(count(ms, 'Survived')),
  String(count(ms, 'Timeout')),
  String(count(ms, 'NoCoverage')),
  String(count(ms, 'Ignored')),
  score(ms),
];
const all = files.flatMap(([, f]) => f.mutants);
console.log(
  renderTable(
    ['file', 'mutants', 'killed', 'survived', 'timeout', 'no coverage', 'ignored', 'score'],
    [...files.map(([n, f]) => row(n, f.mutants)), row('total', all)],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  ),
);
if (args.includes('--survivors')) {
  for (const [name, f] of files) {
    for (const m of f.mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage')) {
      console.log(`${name}:${m.location.start.line}  ${m.status}  ${m.mutatorName}  ${JSON.stringify(m.replacement ?? '').slice(0, 100)}`);
    }
  }
}
