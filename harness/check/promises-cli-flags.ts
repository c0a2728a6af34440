/**
 * Part of 31: every documented option of `squall executions get | cancel |
 * pause | resume` reaches the request the coordinator receives
 * (README, "Operating it from the command line"; each command's --help),
 * beside promises-cli-options.ts (`squall submit`). The command line is
 * read with this file's own table of the documented options, never
 * system/cli's parser, and the command's first own request must be:
 *
 * - `get <id>`: GET /api/v1/executions/<id>;
 * - `cancel <id> [--reason R]`: POST /api/v1/executions/<id>/cancel with a
 *   body whose `reason` is R (default "cancelled from the CLI");
 * - `pause <id>` and `resume <id>`: POST /api/v1/executions/<id>/<action>.
 *
 * Blind set 20 #11: cancel posted `{}`, so --reason never reached the
 * coordinator. An option outside the table is not judged here; `list`'s
 * query, on every page, is promises-cli-pages.ts's.
 */
import { type CliRequest, type CliRun, cliRunsOf, ownRequests } from './cli-runs.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The client options every one of these commands takes (true: takes a value). */
const CLIENT_OPTIONS = { '--url': true, '--token-file': true, '--token': true, '--tls-ca': true, '--json': false } as const;

/** Each `squall executions` subcommand's documented options (--help, README), the client options aside. */
export const EXECUTIONS_OPTIONS: Readonly<Record<string, Readonly<Record<string, boolean>>>> = {
  get: {},
  list: { '--status': true, '--task-id': true, '--limit': true, '--cursor': true, '--all': false },
  cancel: { '--reason': true },
  pause: { '--wait': false },
  resume: {},
};

/** The reason `cancel` sends when --reason is not given (--help). */
const DEFAULT_CANCEL_REASON = 'cancelled from the CLI';

/** A command line's subcommand, its execution id and its options (undefined: outside the table, or a value missing). */
function readLine(args: readonly string[]): { sub: string; id?: string; opts: Map<string, string | true> } | undefined {
  const sub = args[1];
  const table = sub === undefined ? undefined : EXECUTIONS_OPTIONS[sub];
  if (args[0] !== 'executions' || sub === undefined || table === undefined) return undefined;
  const opts = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 2; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const takes = table[a] ?? (CLIENT_OPTIONS as Record<string, boolean>)[a];
    if (takes === undefined || (takes && i + 1 >= args.length)) return undefined;
    opts.set(a, takes ? (args[++i] as string) : true);
  }
  return { sub, ...(positional[0] === undefined ? {} : { id: positional[0] }), opts };
}

/** What a command line asks its first request to be: method, path, body reason (cancel). */
interface Asked {
  method: string;
  path: string;
  reason?: string;
}

/** The request an `executions` command line asks for first (undefined: not judged). */
function executionsAsked(args: readonly string[]): Asked | undefined {
  const line = readLine(args);
  if (line === undefined) return undefined;
  const { sub, id, opts } = line;
  const reason = opts.get('--reason');
  // list's query (--limit and its default, --status, --task-id, --cursor) on every page: promises-cli-pages.ts.
  if (sub === 'list') return undefined;
  if (id === undefined) return undefined;
  const path = `/api/v1/executions/${encodeURIComponent(id)}`;
  if (sub === 'get') return { method: 'GET', path };
  return { method: 'POST', path: `${path}/${sub}`, ...(sub === 'cancel' ? { reason: typeof reason === 'string' ? reason : DEFAULT_CANCEL_REASON } : {}) };
}

/** How the first request differs from what the command line asks for. */
function requestMismatch(r: CliRequest, asked: Asked): string | undefined {
  const what = `sent ${r.method} ${r.path} at t=${r.at}`;
  if (r.method !== asked.method || r.path !== asked.path) return `${what}, but its command line asks for ${asked.method} ${asked.path}`;
  if (asked.reason !== undefined) {
    const reason = (r.sent as { reason?: unknown } | undefined)?.reason;
    if (reason !== asked.reason) return `${what} with ${JSON.stringify(r.sent ?? null)}, but its command line asks for the reason ${JSON.stringify(asked.reason)}: --reason (default "${DEFAULT_CANCEL_REASON}") reaches the coordinator, which records it in the status history`;
  }
  return undefined;
}

/** 31. Every `squall executions get|cancel|pause|resume` run: its first request is the one its options ask for (see the file comment). */
export function checkCliExecutionFlags(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const { rec, run } of cliRunsOf(view)) {
    const first = firstRequest(run);
    const asked = first === undefined ? undefined : executionsAsked(run.args);
    const m = asked === undefined || first === undefined ? undefined : requestMismatch(first, asked);
    if (m !== undefined) out.push(violation(view.records, 'cli', `squall ${run.args.join(' ')} (t=${run.startedAt}): ${m}`, { index: rec.index }));
  }
  return out;
}

/** The command's first own request that left (a refused header sends nothing: promises-cli-wire.ts judges it). */
function firstRequest(run: CliRun): CliRequest | undefined {
  if (run.endedAt === undefined || run.exitCode === 2) return undefined;
  const r = ownRequests(run)[0];
  return r === undefined || (r.refusedHeaders ?? []).length > 0 ? undefined : r;
}
