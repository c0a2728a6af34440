/**
 * Checks a live run's fault proxy before any process starts, so a run never
 * starts that cannot mean what its scenario says:
 *  1. the proxy answers `GET /version` (else ProxyUnreachableError naming the
 *     URL and the cause: refused, timed out, not a Toxiproxy);
 *  2. every fault of the run can be applied: each distinct toxic the run will
 *     add is tried on a scratch proxy (disabled, so nothing listens) and the
 *     server's answer kept; a fault kind the live harness cannot apply at all
 *     (clock_skew) is refused outright. Any refusal → FaultsRefusedError
 *     listing each refused fault, the proxy URL and the server's answer.
 * Asking the server is how we learn what it supports: a real Toxiproxy has no
 * `corrupt`, ours has it as an extension (enabled for the harness's own proxy).
 */
import { ErrorCode, SquallError } from '../../system/core/index.js';
import type { FaultProxy } from '../proxy/client.js';
import { type RefusedFault, runTimeline } from '../scenario/driver.js';
import type { Scenario } from '../scenario/schema.js';
import type { ScheduledFault } from '../scenario/swarm.js';
import { LIVE_APPLIERS } from './live-faults.js';

/** The fault proxy's API did not answer. */
export class ProxyUnreachableError extends SquallError {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(ErrorCode.Unavailable, `fault proxy ${url} is not reachable: ${reason} (set TOXIPROXY_URL to a running Toxiproxy, or unset it to use squall's own proxy)`);
  }
}

/** Faults of the run the proxy (or the live harness) cannot apply. */
export class FaultsRefusedError extends SquallError {
  constructor(
    readonly url: string,
    readonly refused: RefusedFault[],
    readonly applicable: string[],
  ) {
    super(ErrorCode.InvalidArgument, `${refused.length} fault(s) of this run cannot be applied live with the fault proxy at ${url}; not starting the run:\n${refused.map((r) => `  ${r.id} ${r.action} on ${r.target} at ${r.at} ms: ${r.reason}`).join('\n')}`);
  }
}

function causeOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) return `${err.message}: ${(cause as NodeJS.ErrnoException).code ?? ''} ${cause.message}`.replace(/ {2,}/g, ' ');
  return err.message;
}

/** GET /version within timeoutMs; throws ProxyUnreachableError. Returns the version string. */
export async function checkProxyReachable(url: string, timeoutMs = 5000): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${url}/version`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new ProxyUnreachableError(url, causeOf(err));
  }
  const text = await res.text();
  if (!res.ok) throw new ProxyUnreachableError(url, `GET /version answered ${res.status} ${text.trim().slice(0, 200)} (not a Toxiproxy API?)`);
  try {
    return String((JSON.parse(text) as { version?: unknown }).version ?? text.trim());
  } catch {
    return text.trim();
  }
}

/** The answer the proxy gives to each distinct toxic (by JSON of type+attributes): null = accepted. */
async function probeToxics(proxy: FaultProxy, toxics: Map<string, { type: string; attributes: Record<string, number> }>): Promise<Map<string, string | null>> {
  const answers = new Map<string, string | null>();
  if (toxics.size === 0) return answers;
  const scratch = `squall-preflight-${process.pid}-${Date.now()}`;
  await proxy.client.createProxy({ name: scratch, listen: '127.0.0.1:0', upstream: '127.0.0.1:9', enabled: false } as Parameters<FaultProxy['client']['createProxy']>[0]);
  try {
    let n = 0;
    for (const [key, t] of toxics) {
      const name = `probe${n++}`;
      try {
        await proxy.addToxic(scratch, { name, type: t.type, stream: 'downstream', attributes: t.attributes });
        answers.set(key, null);
        await proxy.removeToxic(scratch, name);
      } catch (err) {
        answers.set(key, err instanceof Error ? err.message : String(err));
      }
    }
  } finally {
    await fetch(`${proxy.url}/proxies/${scratch}`, { method: 'DELETE' }).catch(() => undefined);
  }
  return answers;
}

/** Checks reachability then every fault of the run (timeline + swarm); throws on the first problem found. */
export async function preflight(proxy: FaultProxy, scenario: Scenario, swarm: ScheduledFault[]): Promise<void> {
  await checkProxyReachable(proxy.url);
  const timeline = runTimeline(scenario, swarm);
  const toxics = new Map<string, { type: string; attributes: Record<string, number> }>();
  const needs = timeline.map((f) => LIVE_APPLIERS[f.action.type].needs(f.action));
  for (const n of needs) if (n.toxic !== undefined) toxics.set(JSON.stringify(n.toxic), n.toxic);
  const answers = await probeToxics(proxy, toxics);
  const refused: RefusedFault[] = [];
  const applicable: string[] = [];
  timeline.forEach((f, i) => {
    const id = `f${i + 1}`;
    const applier = LIVE_APPLIERS[f.action.type];
    const n = needs[i]!;
    const answer = applier.unsupported ?? (n.toxic === undefined ? null : (answers.get(JSON.stringify(n.toxic)) ?? null));
    if (answer === null) applicable.push(id);
    else refused.push({ id, action: f.action.type, target: f.target, at: f.at, reason: applier.unsupported === undefined ? `${proxy.url} refused toxic ${n.toxic?.type}: ${answer}` : answer });
  });
  if (refused.length > 0) throw new FaultsRefusedError(proxy.url, refused, applicable);
}
