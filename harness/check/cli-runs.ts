/**
 * What the simulated CLI client (harness/scenario/client-cli.ts) records of
 * each command it ran (note `cliRun`), and what promises-cli.ts reads from
 * a command line: which command it is, the execution it names, whether it
 * waits, its poll interval. Written from the README's "Operating it from
 * the command line" and the commands' --help, not from system/cli.
 */
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';

/** One HTTP request a command made, as the simulated exchange saw it (times: simulated ms). */
export interface CliRequest {
  method: string;
  /** Path and query. */
  path: string;
  /** When it was sent. */
  at: number;
  answeredAt?: number;
  /** The HTTP status, when answered. */
  status?: number;
  /** A socket-level failure instead of an answer: ECONNREFUSED, ECONNRESET, ETIMEDOUT. */
  error?: string;
  /** The event stream (GET /ui/events): followed on the side, never the command's outcome. */
  stream?: true;
  /** A stream's end: when, and who ended it (the CLI closed it, or the coordinator ended it or died). */
  endedAt?: number;
  endedBy?: 'cli' | 'coordinator';
  /** What the answer showed: [execution or worker id, status or state], in the body's order. */
  seen?: [string, string][];
  /** An execution read's statusHistory: [status, at]. */
  history?: [string, number][];
  /** The content-length header it carried, as sent; absent when none. */
  contentLength?: string;
  /** Its body's size in bytes (UTF-8, as sent), absent when it had none. */
  bodyBytes?: number;
  /** Headers whose value node's HTTP client refuses to send (a CR, LF or other control character): the request never left. */
  refusedHeaders?: string[];
  /** A list page's nextCursor (null: the last page). */
  nextCursor?: string | null;
  /** A workers answer: the ids of the workers it showed draining. */
  draining?: string[];
  /** The times (epoch ms, null: none) of each execution or worker the answer showed, in its order: executions createdAt, changedAt (their latest status-history entry), nextRunAt, startedAt, completedAt; workers connectedAt, disconnectedAt, lastSeenAt and rttMs (ms, not a time). */
  times?: [string, Record<string, number | null>][];
  /** The CLI's HTTP client handed the command another text than the coordinator's answer (the body came in chunks cut inside characters, cli-http-chunks.ts): the first difference, with a few characters of each. */
  garbled?: { at: number; sent: string; got: string };
  /** A POST's body as sent, parsed (absent: none, or not JSON). */
  sent?: unknown;
  /** A submission's answer: each execution it created (or found by its idempotency key), as the API showed it; an execution read: that execution. */
  created?: CreatedView[];
}

/** An event of an event-stream push, as the coordinator sent it (the fields `executions watch` prints, README). */
export interface PushedEvent {
  type: string;
  at: number;
  workerId?: string;
  executionId?: string;
  detail?: string;
}

/** The fields of a created execution that a submit option sets (README, HTTP API: the execution view). */
export interface CreatedView {
  executionId: string;
  taskId?: unknown;
  kind: unknown;
  params: unknown;
  priority: unknown;
  timeoutMs: unknown;
  retry: unknown;
  idempotencyKey: unknown;
  /** The execution ids it depends on (absent in a graph's answer, which shows ids only). */
  dependencies?: unknown;
}

/** One command as run. */
export interface CliRun {
  /** The command line after `squall`, without --url and the token. */
  args: string[];
  /** The token it presented (scenario `cli[].token`). */
  token: string;
  startedAt: number;
  /** Absent: still running when the run ended (it was interrupted there), or stopped at the request cap (`capped`). */
  endedAt?: number;
  /** The virtual-time budget the scenario stated for it (scenario `cli[].budgetMs`): it returns within this long after it started. */
  budgetMs?: number;
  /** Stopped by the simulated client without returning (a hang): it had made `made` requests, the cap per command, or was sending `same` again and again with no sleep between. */
  capped?: { made: number; same?: string };
  exitCode?: number;
  /** The error line it ended with. */
  error?: string;
  /** What it printed on stdout (JSON unless `tty`). */
  out: string;
  /** It ran as on a terminal (scenario `cli[].tty`): tables and human times instead of JSON. */
  tty?: true;
  /** Otherwise what its stdout was: a pipe or a file (node leaves `isTTY` undefined on both). */
  stdout?: 'pipe' | 'file';
  /** With `tty`: each write to stdout with the time the command's clock read as it wrote (epoch ms, the coordinator's clock). */
  printed?: [number, string][];
  /** `squall tokens ...`: the tokens in the data dir's token file when it started (id, revoked). */
  tokensBefore?: [string, boolean][];
  requests: CliRequest[];
  /** Event-stream pushes it received: [time, execution ids the push's events name]. */
  pushes: [number, string[]][];
  /** `executions watch` (every event): each push's events as the coordinator sent them: [time received, events]. */
  streamed?: [number, PushedEvent[]][];
  /** The spec files it was given (--file, --graph): path -> the JSON written there. */
  files?: Record<string, unknown>;
}

/** Statuses after which nothing changes (README, HTTP API). */
export const ENDED: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled', 'timeout']);

/** The watch's and submit --wait's default poll interval (--help: `--poll-ms`, default 2000). */
const DEFAULT_POLL_MS = 2000;

/** A command line read the way the README documents it. */
export interface CliCommand {
  /** `submit`, `executions get`, `executions watch`, `workers`, ... */
  name: string;
  /** The execution it names (get, watch, cancel, pause, resume). */
  id?: string;
  /** It follows executions until they end (watch <id>, submit --wait, pause --wait). */
  waits: boolean;
  pollMs: number;
}

/** Reads a command line. */
export function cliCommand(args: readonly string[]): CliCommand {
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('--')) positional.push(a);
    else if (!['--wait', '--json', '--all'].includes(a) && !a.includes('=')) i++;
  }
  const name = positional[0] === 'executions' ? `executions ${positional[1] ?? ''}` : (positional[0] ?? '');
  const id = positional[0] === 'executions' ? positional[2] : undefined;
  const flag = args.indexOf('--poll-ms');
  const pollMs = flag >= 0 ? Number(args[flag + 1]) : DEFAULT_POLL_MS;
  const wait = args.includes('--wait');
  const waits = (name === 'executions watch' && id !== undefined) || (wait && (name === 'submit' || name === 'executions pause'));
  return { name, ...(id === undefined ? {} : { id }), waits, pollMs: Number.isFinite(pollMs) ? pollMs : DEFAULT_POLL_MS };
}

/** Every recorded command, with its record. */
export function cliRunsOf(view: HistoryView): { rec: HistoryRecord; run: CliRun }[] {
  const out: { rec: HistoryRecord; run: CliRun }[] = [];
  for (const rec of view.records) if (rec.f === 'note' && typeof rec.value.cliRun === 'object' && rec.value.cliRun !== null) out.push({ rec, run: rec.value.cliRun as CliRun });
  return out;
}

/** The requests that are the command's own (not the event stream it follows on the side). */
export function ownRequests(run: CliRun): CliRequest[] {
  return run.requests.filter((r) => r.stream !== true);
}

/** The reads of one execution (GET /api/v1/executions/<id>). */
export function readsOf(run: CliRun, id: string): CliRequest[] {
  const path = `/api/v1/executions/${encodeURIComponent(id)}`;
  return ownRequests(run).filter((r) => r.method === 'GET' && r.path === path);
}

/** The status an execution read answered, if it answered one. */
export function statusRead(r: CliRequest): string | undefined {
  return r.status !== undefined && r.status < 300 ? r.seen?.[0]?.[1] : undefined;
}
