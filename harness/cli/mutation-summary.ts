/**
 * Summarizes StrykerJS's JSON report (reports/mutation/mutation.json, written
 * by `npm run mutate`) as the table docs/MUTATION.md carries: per file killed,
 * survived, timeout, no coverage, score; then every survivor as
 * file:line mutator "replacement", so the gaps can be read and closed.
 * Usage: npx tsx harness/cli/mutation-summary.ts [report.json] [--survivors]
 */
import { readFileSync } from 'node:fs';
import { renderTable } from '../report/table.js';

interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number } };
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

const args = process.argv.slice(2);
const path = args.find((a) => !a.startsWith('--')) ?? 'reports/mutation/mutation.json';
const report = JSON.parse(readFileSync(path, 'utf8')) as Report;

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
  String(count(ms, 'Killed')),
  String(count(ms, 'Survived')),
  String(count(ms, 'Timeout')),
  String(count(ms, 'NoCoverage')),
  score(ms),
];
const all = files.flatMap(([, f]) => f.mutants);
console.log(
  renderTable(['file', 'killed', 'survived', 'timeout', 'no coverage', 'score'], [...files.map(([n, f]) => row(n, f.mutants)), row('total', all)], ['l', 'r', 'r', 'r', 'r', 'r']),
);
if (args.includes('--survivors')) {
  for (const [name, f] of files) {
    for (const m of f.mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage')) {
      console.log(`${name}:${m.location.start.line}  ${m.status}  ${m.mutatorName}  ${JSON.stringify(m.replacement ?? '').slice(0, 100)}`);
    }
  }
}
