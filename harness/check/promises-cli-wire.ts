/**
 * Part of 31: what the CLI puts on the wire and prints is what a real
 * coordinator and a script can use (README, "Operating it from the command
 * line"; the commands' --help). Judged on each command of the simulated CLI
 * client (cli-runs.ts), whose exchange treats the bytes as node's HTTP
 * client and server do (harness/scenario/cli-wire.ts):
 *
 * - every request is one node carries as meant: no header node's client
 *   refuses (a CR, LF or control character: `ERR_INVALID_CHAR`, nothing
 *   sent; a token file ends with a newline as `echo tok > file` writes it,
 *   and --token-file takes the token, not the line), and a content-length
 *   equal to the body's UTF-8 bytes (node's server reads that many: more
 *   bytes are cut and refused 400, fewer leave it waiting);
 * - every answer reaches the command as the coordinator sent it, though the
 *   simulated transport hands its body over in chunks cut inside multi-byte
 *   characters (harness/scenario/cli-http-chunks.ts; blind set 20 #01: a
 *   reader decoding each chunk on its own printed U+FFFD);
 * - a token the command was given from a valid file (submit or read scope)
 *   is never refused 401 while no revoke_token fault runs or ran;
 * - JSON output carries times as ISO-8601 strings, never epoch ms ("Times
 *   print ... as ISO-8601 in JSON, never as epoch milliseconds"), at every
 *   depth (status histories, leases, checkpoints, listings): each `...At`
 *   or `at` field is a string of that shape or null, and no other field
 *   holds a 13-digit epoch-ms number (a time under another name), but in
 *   the client's and the tasks' own data (params, metadata, result,
 *   checkpoint data, echo values) and durations or sizes (`...Ms`, `...Bytes`).
 *
 * `executions list` paging is in promises-cli-pages.ts.
 */
import { type CliRequest, type CliRun, cliRunsOf, ownRequests } from './cli-runs.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** An ISO-8601 UTC time as the CLI prints it (format.ts: Date#toISOString). */
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** 31. The wire, the token and JSON times of every CLI command (see the file comment). */
export function checkCliWire(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const revokes = view.faults.filter((f) => f.details.action === 'revoke_token').map((f) => f.start.time);
  for (const { rec, run } of cliRunsOf(view)) {
    const v = (m: string): Violation => violation(view.records, 'cli', `squall ${run.args.join(' ')} (t=${run.startedAt}): ${m}`, { index: rec.index });
    const wire = run.requests.map(framingFault).find((m) => m !== undefined);
    if (wire !== undefined) out.push(v(wire));
    const garbled = run.requests.find((r) => r.garbled !== undefined);
    if (garbled?.garbled !== undefined) out.push(v(garbledFault(garbled, garbled.garbled)));
    const refused = run.token === 'submit' || run.token === 'read' ? ownRequests(run).find((r) => r.status === 401 && !revokes.some((t) => t <= r.at)) : undefined;
    if (refused !== undefined) out.push(v(`${refused.method} ${refused.path} at t=${refused.at} was refused 401 though the command was given a valid ${run.token} token in --token-file (no revoke_token fault before it): the CLI sends the token the file holds`));
    if (run.exitCode !== 0 && run.exitCode !== 1) continue;
    const m = epochTime(run);
    if (m !== undefined) out.push(v(m));
  }
  return out;
}

/** The CLI's client handed the command another text than the coordinator answered. */
function garbledFault(r: CliRequest, g: NonNullable<CliRequest['garbled']>): string {
  return `was handed the answer to ${r.method} ${r.path} at t=${r.at} changed from character ${g.at} on (${JSON.stringify(g.got)} where the coordinator sent ${JSON.stringify(g.sent)}), its body having come in chunks cut inside multi-byte characters: the client joins a body's bytes before decoding them, so what the CLI prints is what the coordinator said`;
}

/** Why node would not carry this request as the CLI meant it, if it would not. */
function framingFault(r: CliRequest): string | undefined {
  const what = `${r.method} ${r.path} at t=${r.at}`;
  if (r.refusedHeaders !== undefined && r.refusedHeaders.length > 0) {
    return `built ${what} with a header (${r.refusedHeaders.join(', ')}) holding a CR, LF or control character: node's HTTP client throws ERR_INVALID_CHAR and sends nothing (a token file ending in a newline, as \`echo tok > file\` writes it, must still work)`;
  }
  if (r.contentLength === undefined) return undefined;
  const bytes = r.bodyBytes ?? 0;
  if (r.contentLength.trim() === String(bytes)) return undefined;
  return `sent ${what} with content-length ${r.contentLength} for a ${bytes}-byte body (UTF-8): node's server reads content-length bytes, so the body is cut and refused 400 (or the server waits for bytes that never come); the length counts the body's bytes`;
}

/** A JSON time printed as a number (or a string that is not ISO-8601), if any: path and value. */
function epochTime(run: CliRun): string | undefined {
  if ((run as { outCut?: boolean }).outCut === true) return undefined;
  for (const doc of jsonDocs(run.out)) {
    const bad = badTime(doc, '');
    if (bad !== undefined) return `printed ${bad[0]} = ${JSON.stringify(bad[1])} in its JSON: times print as ISO-8601 in JSON, never as epoch milliseconds`;
  }
  return undefined;
}

/** The JSON documents a command printed: one pretty-printed value, or one per line (watch). */
function jsonDocs(out: string): unknown[] {
  try {
    return out.trim() === '' ? [] : [JSON.parse(out) as unknown];
  } catch {
    const docs: unknown[] = [];
    for (const line of out.split('\n')) {
      try {
        docs.push(JSON.parse(line) as unknown);
      } catch {
        // Not JSON: promises-cli-watch.ts judges a watch's lines; other prints are judged by their ids.
      }
    }
    return docs;
  }
}

/** Epoch milliseconds of 2001 to 2096 (13 digits): a time, whatever the field is called. */
const EPOCH_MS = { min: 1e12, max: 4e12 };
/** Fields whose values are the client's or a task's own data, printed as given: not judged. */
const USER_DATA: ReadonlySet<string> = new Set(['params', 'metadata', 'result', 'data', 'value']);

function badTime(x: unknown, path: string): [string, unknown] | undefined {
  if (x === null || typeof x !== 'object') return undefined;
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
    const p = Array.isArray(x) ? `${path}[${k}]` : path === '' ? k : `${path}.${k}`;
    if ((k === 'at' || /[a-z]At$/.test(k)) && v !== null && (typeof v !== 'string' || !ISO.test(v))) return [p, v];
    // A time under another name (lastSeen, expires, ...) printed as epoch ms; durations (...Ms) and sizes are far smaller.
    if (typeof v === 'number' && Number.isInteger(v) && v >= EPOCH_MS.min && v < EPOCH_MS.max && !/Ms$|Bytes$/.test(k)) return [p, v];
    if (!Array.isArray(x) && USER_DATA.has(k)) continue;
    const inner = badTime(v, p);
    if (inner !== undefined) return inner;
  }
  return undefined;
}
