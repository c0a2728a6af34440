/**
 * Promise 8 (auth) over the coordinator's whole HTTP surface and its
 * deployment, judged from the README alone:
 *
 * - Routes beyond the API table (`httpSurface` notes, adversary-surface.ts):
 *   the dashboard's page and assets are open (never 401/403); its data routes
 *   (`/ui/events`, `/ui/graph/{id}`) need a read token: without a valid one
 *   401, with one neither 401 nor 403; a path no one documents answers 401
 *   to a request without a valid token (a token comes first, so an unknown
 *   route leaks nothing, not even that it is unknown).
 * - Host (`httpHost` notes): a Host names the coordinator when its name is a
 *   loopback name, the listen address, or it (or its name) is in
 *   `--allowed-hosts`; on a wildcard listen address (0.0.0.0, ::) without
 *   `--allowed-hosts` any Host passes. Any other is refused 403
 *   `host_not_allowed` (DNS rebinding); a naming one is not.
 * - Deployment (`deployProbe` notes, harness/scenario/deploy-probe.ts): each
 *   configuration the README forbids (a worker without a secret dialling a
 *   non-loopback name or allowing a dangerous kind, a coordinator without
 *   auth on a non-loopback address, a worker secret variable allow-listed
 *   for commands) was refused at start, and each safe neighbour started;
 *   and the processes as the CLI configures them (deploy-probe-cli.ts) did
 *   what the README documents: a coordinator with a secret signs frames
 *   after registration unless --no-sign-messages, token auth is the default,
 *   tokens.json and the bootstrap token file are 0600, a second coordinator
 *   on the same --data-dir is refused while the first runs on, and a worker
 *   gives up after exactly maxAttempts failed connection attempts.
 */
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);
const VALID_HELD = new Set(['read', 'submit']);

function nameOf(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}

/** Whether the README lets a request addressed to `host` through the Host guard. */
export function hostNamesCoordinator(host: string, listen: string, allowedHosts: readonly string[]): boolean {
  const name = nameOf(host);
  if (name === undefined) return false;
  if (allowedHosts.length === 0 && WILDCARDS.has(listen)) return true;
  return LOOPBACK_NAMES.has(name) || name === listen || name === `[${listen}]` || allowedHosts.includes(host) || allowedHosts.includes(name);
}

function surfaceMismatches(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    const p = rec.f === 'note' ? (rec.value.httpSurface as { method: string; path: string; needs: string; held: string; status: number; code?: string } | undefined) : undefined;
    if (p === undefined) continue;
    const got = `${p.status}${p.code === undefined ? '' : ` ${p.code}`}`;
    const sent = `${p.method} ${p.path} with ${p.held === 'none' ? 'no token' : `a ${p.held} token`}`;
    const auth = p.status === 401 || p.status === 403;
    if (p.needs === 'open' && auth) out.push(violation(view.records, 'auth', `${sent} was answered ${got}: the dashboard's page and assets are open`, { index: rec.index }));
    if (p.needs === 'read' && VALID_HELD.has(p.held) && (auth || p.status >= 500)) out.push(violation(view.records, 'auth', `${sent} was answered ${got}: a read token may read the dashboard's data`, { index: rec.index }));
    if (p.needs !== 'open' && !VALID_HELD.has(p.held) && p.status !== 401) {
      const why = p.needs === 'read' ? 'the dashboard\'s data routes need a read token (README, "Dashboard")' : 'a path no one documents still needs a token first';
      out.push(violation(view.records, 'auth', `${sent} was answered ${got} instead of 401: ${why}; without a valid token nothing but the open routes answers`, { index: rec.index }));
    }
  }
  return out;
}

function hostMismatches(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    const p = rec.f === 'note' ? (rec.value.httpHost as { host: string; listen: string; allowedHosts: string[]; status: number; code?: string } | undefined) : undefined;
    if (p === undefined) continue;
    const names = hostNamesCoordinator(p.host, p.listen, p.allowedHosts);
    const refused = p.status === 403 && p.code === 'host_not_allowed';
    if (names !== refused) continue;
    const got = `${p.status}${p.code === undefined ? '' : ` ${p.code}`}`;
    const setting = `listening on ${p.listen}, --allowed-hosts ${p.allowedHosts.length === 0 ? '(none)' : p.allowedHosts.join(',')}`;
    const why = names ? 'that Host names the coordinator' : 'that Host does not name the coordinator: it must be refused 403 host_not_allowed (DNS rebinding)';
    out.push(violation(view.records, 'auth', `GET /api/v1/stats with Host ${p.host} (${setting}) was answered ${got}: ${why}`, { index: rec.index }));
  }
  return out;
}

function deployMismatches(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    const p = rec.f === 'note' ? (rec.value.deployProbe as { role: string; what: string; expect: string; outcome: string; why?: string } | undefined) : undefined;
    if (p === undefined || p.expect === p.outcome) continue;
    if (p.expect !== 'refused' && p.expect !== 'started') {
      // A process-level guarantee of the CLI's configuration (deploy-probe-cli.ts): the README documents the outcome itself.
      const why = p.why === undefined ? '' : ` (${p.why})`;
      out.push(violation(view.records, 'auth', `${p.role} "${p.what}": ${p.outcome}${why}, but the README documents ${p.expect}`, { index: rec.index }));
      continue;
    }
    const msg = p.expect === 'refused' ? 'the README forbids it, so it must be refused at start' : `the README allows it (${p.why ?? ''})`;
    out.push(violation(view.records, 'auth', `${p.role} configuration "${p.what}" ${p.outcome === 'refused' ? 'was refused' : 'started'}: ${msg}`, { index: rec.index }));
  }
  return out;
}

/** Promise 8 over the HTTP surface, the Host guard and the deployment probes (see the file comment). */
export function checkSurfaceAuth(view: HistoryView): Violation[] {
  return [...surfaceMismatches(view), ...hostMismatches(view), ...deployMismatches(view)];
}
