/**
 * Part of 31: `squall tokens create|list|revoke` on the coordinator's token
 * file (its data dir), judged against the README ("Operating it from the
 * command line": tokens, and the exit-code table) and the token file as it
 * was when the command started (cli-runs.ts `tokensBefore`):
 *
 * - `revoke ID`: exit 0 when a token has that id, 4 (not found, as the
 *   API's 404) when none has: a script revoking a leaked token by a
 *   mistyped id must not believe it worked;
 * - `create --name N [--scope read|submit|admin]`: exit 0 and exactly one
 *   line on stdout, the new token (`sqt_<id>_<secret>`, an id no token had),
 *   so `squall tokens create ... > ci.token` works; a scope outside the
 *   three, or no --name, exit 2 (bad flags);
 * - `list --json`: exit 0 and every token of the file, in order, with
 *   revokedAt null exactly for the ones not revoked, times as ISO-8601;
 *   `list`: a row per token, `active` or `revoked <time>`.
 */
import { type CliRun, cliRunsOf } from './cli-runs.js';
import type { HistoryView } from './view.js';
import { violation, type Violation } from './violation.js';

const SCOPES = ['read', 'submit', 'admin'];

/** The value of a flag on the command line (`--f v` or `--f=v`), undefined when absent. */
function flag(args: readonly string[], name: string): string | undefined {
  const eq = args.find((a) => a.startsWith(`${name}=`));
  if (eq !== undefined) return eq.slice(name.length + 1);
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The exit code the README documents for this tokens command line against the file it found, and why. */
function expectedExit(run: CliRun, before: readonly [string, boolean][]): [number, string] {
  const sub = run.args[1];
  if (sub === 'revoke') {
    const id = run.args[2] ?? '';
    return before.some(([t]) => t === id) ? [0, `a token has the id ${id}`] : [4, `no token has the id ${id} (not found)`];
  }
  if (sub === 'create') {
    const scope = flag(run.args, '--scope');
    if (flag(run.args, '--name') === undefined) return [2, 'create without --name (bad flags)'];
    return scope === undefined || SCOPES.includes(scope) ? [0, 'a token was asked for'] : [2, `--scope ${scope} is not read, submit or admin (bad flags)`];
  }
  return [0, 'a listing'];
}

/** What a successful tokens command printed against the file, if it differs. */
function printed(run: CliRun, before: readonly [string, boolean][]): string | undefined {
  if (run.args[1] === 'create') {
    const lines = run.out.split('\n').filter((l) => l !== '');
    const id = /^sqt_([0-9a-f]{16})_\S+$/.exec(lines[0] ?? '')?.[1];
    if (lines.length !== 1 || id === undefined) return `printed ${JSON.stringify(run.out.slice(0, 120))} on stdout: create prints the new token, one line, and nothing else there`;
    return before.some(([t]) => t === id) ? `printed a token whose id ${id} another token already had` : undefined;
  }
  if (run.args[1] !== 'list') return undefined;
  if (!run.args.includes('--json')) {
    const rows = run.out.split('\n').slice(1).filter((l) => l.trim() !== '').map((l): [string, boolean] => [l.split(/ +/)[0] as string, / revoked \S+$/.test(l)]);
    return JSON.stringify(rows) === JSON.stringify(before) ? undefined : `listed ${JSON.stringify(rows)} (id, revoked), but the token file held ${JSON.stringify(before)}`;
  }
  let list: { id?: unknown; revokedAt?: unknown; createdAt?: unknown }[];
  try {
    list = JSON.parse(run.out) as typeof list;
  } catch {
    return `printed ${JSON.stringify(run.out.slice(0, 80))}, not JSON, with --json`;
  }
  const got = Array.isArray(list) ? list.map((t): [string, boolean] => [String(t.id), t.revokedAt !== null && t.revokedAt !== undefined]) : [];
  return JSON.stringify(got) === JSON.stringify(before) ? undefined : `listed ${JSON.stringify(got)} (id, revoked), but the token file held ${JSON.stringify(before)}`;
}

/** 31. Every `squall tokens` command: its exit code and what it printed (see the file comment). */
export function checkCliTokens(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const { rec, run } of cliRunsOf(view)) {
    if (run.args[0] !== 'tokens' || run.endedAt === undefined || run.tokensBefore === undefined) continue;
    const v = (m: string): Violation => violation(view.records, 'cli', `squall ${run.args.join(' ')} (t=${run.startedAt}): ${m}`, { index: rec.index });
    const [code, why] = expectedExit(run, run.tokensBefore);
    if (run.exitCode !== code) out.push(v(`exited ${run.exitCode} when ${why}; the README documents exit ${code} for that`));
    else if (code === 0) {
      const m = printed(run, run.tokensBefore);
      if (m !== undefined) out.push(v(m));
    }
  }
  return out;
}
