/**
 * Part of 31: a command that follows cursors (`executions list`, --help:
 * "--cursor continue from a previous page", "--all follow every page")
 * reads and prints the listing the API paged, judged on the requests it
 * made, whether it ended or not (a listing that loops is judged on the pages
 * it read before the run stopped it):
 *
 * - its first page starts at --cursor (none without it); every page asks
 *   the filters it was given (--limit, --status, --task-id), and each next
 *   page continues from the nextCursor of the page before; without --all
 *   it reads one page;
 * - the pages hold no execution twice;
 * - once it ended (exit 0): with --all its last page answered nextCursor
 *   null; what it printed is the pages' executions (promises-cli.ts, and
 *   promises-cli-human.ts on a terminal) with the last page's nextCursor
 *   (JSON `nextCursor`, on a terminal `more with --cursor C` under the
 *   table, nothing when there is none);
 * - none missing: `--all` from the start with no --status or --task-id
 *   lists every execution the coordinator had committed before its first
 *   read (none pruned meanwhile).
 */
import { type CliRequest, type CliRun, cliCommand, cliRunsOf, ownRequests } from './cli-runs.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The value of a flag on the command line (`--limit 5` or `--limit=5`). */
function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

const queryOf = (r: CliRequest): URLSearchParams => new URLSearchParams(r.path.split('?')[1] ?? '');

/** 31. The pages of every `executions list` (see the file comment). */
export function checkCliPages(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const { rec, run } of cliRunsOf(view)) {
    if (cliCommand(run.args).name !== 'executions list') continue;
    const pages = ownRequests(run).filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/executions?') && r.status !== undefined && r.status < 300);
    const ended = run.endedAt !== undefined && run.exitCode === 0;
    const found = [chain(run, pages), twice(pages), ...(ended ? [lastPage(run, pages), printedCursor(run, pages), missing(view, run, pages)] : [])];
    for (const m of found) if (m !== undefined) out.push(violation(view.records, 'cli', `squall ${run.args.join(' ')} (t=${run.startedAt}): ${m}`, { index: rec.index }));
  }
  return out;
}

/** Each page's filters and cursor against the flags and the page before. */
function chain(run: CliRun, pages: readonly CliRequest[]): string | undefined {
  const given = flag(run.args, '--cursor');
  const all = run.args.includes('--all');
  const want: [string, string | undefined][] = [
    ['limit', flag(run.args, '--limit') ?? '50'],
    ['status', flag(run.args, '--status')],
    ['taskId', flag(run.args, '--task-id')],
  ];
  for (const [i, page] of pages.entries()) {
    const q = queryOf(page);
    const wrong = want.find(([k, v]) => (q.get(k) ?? undefined) !== v);
    if (wrong !== undefined) return `read page ${i + 1} at t=${page.at} with ${wrong[0]}=${q.get(wrong[0]) ?? '(none)'}, but it was given ${wrong[1] === undefined ? `no ${wrong[0]}` : `${wrong[0]} ${wrong[1]}`}: every page asks the same filters`;
    const prev = pages[i - 1];
    if (prev === undefined) {
      if ((q.get('cursor') ?? undefined) !== given) return `read its first page with cursor ${q.get('cursor') ?? 'none'}: ${given === undefined ? 'without --cursor it starts at the newest' : `--cursor ${given} continues from that page`}`;
      continue;
    }
    if (!all) return `read ${pages.length} pages without --all: it reads one page and prints its nextCursor`;
    if (prev.nextCursor !== undefined && q.get('cursor') !== prev.nextCursor) return `read page ${i + 1} at t=${page.at} with cursor ${q.get('cursor') ?? 'none'}, but the page before answered nextCursor ${prev.nextCursor ?? 'null'}: --all continues from each page's nextCursor (${pages.length} page(s) read)`;
  }
  return undefined;
}

/** An execution two pages (or one) both hold. */
function twice(pages: readonly CliRequest[]): string | undefined {
  const where = new Map<string, number>();
  for (const [i, page] of pages.entries()) {
    for (const [id] of page.seen ?? []) {
      const before = where.get(id);
      if (before !== undefined) return `read ${id} on page ${before + 1} and again on page ${i + 1} (t=${page.at}): a listing holds each execution once`;
      where.set(id, i);
    }
  }
  return undefined;
}

function lastPage(run: CliRun, pages: readonly CliRequest[]): string | undefined {
  const last = pages.at(-1);
  if (last === undefined || !run.args.includes('--all') || last.nextCursor === null || last.nextCursor === undefined) return undefined;
  return `stopped (--all) after a page answered nextCursor ${last.nextCursor}: --all follows every page`;
}

/** The nextCursor it printed (JSON) or named under its table (terminal) against its last page's. */
function printedCursor(run: CliRun, pages: readonly CliRequest[]): string | undefined {
  const last = pages.at(-1);
  if (last === undefined || (run as { outCut?: boolean }).outCut === true) return undefined;
  const want = last.nextCursor ?? null;
  if (run.tty === true) {
    const named = /more with --cursor (\S+)/.exec(run.out)?.[1] ?? null;
    return named === want ? undefined : `named ${named === null ? 'no cursor' : `--cursor ${named}`} under its table, but its last page answered nextCursor ${JSON.stringify(want)}: the footer continues the listing`;
  }
  let printed: unknown;
  try {
    printed = (JSON.parse(run.out) as { nextCursor?: unknown }).nextCursor;
  } catch {
    return undefined;
  }
  return printed === want ? undefined : `printed nextCursor ${JSON.stringify(printed)}, but its last page answered ${JSON.stringify(want)}: the printed cursor continues the listing (--cursor)`;
}

/** An execution committed before the first read that --all from the start did not list. */
function missing(view: HistoryView, run: CliRun, pages: readonly CliRequest[]): string | undefined {
  const first = pages[0];
  if (first === undefined || !run.args.includes('--all') || ['--cursor', '--status', '--task-id'].some((f) => flag(run.args, f) !== undefined)) return undefined;
  if (view.ofType('pruned').some((e) => e.rec.time <= (run.endedAt ?? view.endAt))) return undefined;
  const listed = new Set(pages.flatMap((p) => (p.seen ?? []).map(([id]) => id)));
  const before = [...view.submitted.values()].filter((e) => e.rec.time < first.at && !listed.has(e.ev.executionId));
  const lost = before[0];
  if (lost === undefined) return undefined;
  return `listed ${listed.size} execution(s) over ${pages.length} page(s) but not ${lost.ev.executionId} (submitted at t=${lost.rec.time}, before its first read at t=${first.at})${before.length > 1 ? ` nor ${before.length - 1} other(s)` : ''}: --all lists every execution`;
}
