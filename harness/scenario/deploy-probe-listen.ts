/**
 * Deployment probe of the coordinator's listen-time safety check over every
 * combination (beside deploy-probe.ts, adversary attack `deployment`): the
 * listen host (loopback names, a wildcard, a LAN address, a host name), a
 * worker secret or none, token auth or `--api-auth none`, TLS or none, and
 * `--insecure` or not, each resolved as createCoordinator resolves it
 * (resolveCoordinatorConfig), given to its check (checkListenSecurity, with
 * a logger that keeps the warnings) and to the /healthz security report
 * (securedHttp, the handler the coordinator serves). The outcome is
 * `refused` (the check threw), `warned` (started, an INSECURE warning
 * logged and /healthz `insecure: true`) or `started` (neither), or a
 * description of the mix; the expectation is README's table ("Secure by
 * default"), written here from it, not from the system's check: on loopback
 * everything starts; elsewhere a secret AND token auth start, anything less
 * is refused unless --insecure, which then warns. TLS changes nothing: it is
 * not authentication. Recorded as `deployProbe` notes (promise 8). Blind set
 * 18 #06: one safeguard missing (a secret but no token auth, or the
 * reverse) started silently.
 */
import { DEFAULT_POLICIES, checkListenSecurity, memoryTokenStore, resolveCoordinatorConfig, securedHttp } from '../../system/coordinator/index.js';
import { type Logger, seededRandom, silentLogger } from '../../system/core/index.js';
import type { CliDeployResult } from './deploy-probe-cli.js';
import { ProbeClock } from './store-contract-kit.js';

const HOSTS = ['127.0.0.1', 'localhost', '::1', '0.0.0.0', '10.0.0.7', 'coordinator.internal'] as const;
const LOOPBACK = new Set<string>(['127.0.0.1', 'localhost', '::1']);

/** One combination of the safeguards. */
interface ListenCase {
  host: string;
  secret: boolean;
  token: boolean;
  tls: boolean;
  insecure: boolean;
}

/** README, "Secure by default": the outcome of one combination. */
export function documentedListen(c: ListenCase): 'refused' | 'warned' | 'started' {
  if (LOOPBACK.has(c.host) || (c.secret && c.token)) return 'started';
  return c.insecure ? 'warned' : 'refused';
}

/** A logger keeping its warnings' messages. */
function warningsLogger(into: string[]): Logger {
  const logger: Logger = { ...silentLogger, warn: (_obj, msg) => void into.push(msg ?? ''), child: () => logger };
  return logger;
}

/** What /healthz says of `insecure` for this configuration. */
async function healthInsecure(config: ReturnType<typeof resolveCoordinatorConfig>, tokens: ReturnType<typeof memoryTokenStore> | undefined): Promise<unknown> {
  const api = () => Promise.resolve({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"ok"}' });
  const handler = securedHttp(api, config, { ...(tokens === undefined ? {} : { tokens }), random: seededRandom(1), clock: new ProbeClock(), policies: DEFAULT_POLICIES });
  const res = await handler({ method: 'GET', path: '/healthz', query: new URLSearchParams(), headers: { host: '127.0.0.1:7070' }, body: '' });
  try {
    return (JSON.parse(res.body) as { security?: { insecure?: unknown } }).security?.insecure;
  } catch {
    return `no JSON (${res.status})`;
  }
}

/** The outcome of one combination, in the README's terms. */
async function outcomeOf(c: ListenCase): Promise<{ outcome: string; why?: string }> {
  const tokens = c.token ? memoryTokenStore() : undefined;
  const warnings: string[] = [];
  let config: ReturnType<typeof resolveCoordinatorConfig>;
  try {
    config = resolveCoordinatorConfig({
      host: c.host,
      port: 7070,
      apiAuth: c.token ? 'token' : 'none',
      insecure: c.insecure,
      ...(c.secret ? { secret: 'probe-secret' } : {}),
      ...(c.tls ? { tls: { cert: 'probe-cert', key: 'probe-key' } } : {}),
    });
    checkListenSecurity(config, tokens, warningsLogger(warnings));
  } catch (err) {
    return { outcome: 'refused', why: (err instanceof Error ? err.message : String(err)).slice(0, 120) };
  }
  const warned = warnings.some((w) => w.startsWith('INSECURE'));
  const insecure = await healthInsecure(config, tokens);
  if (!warned && insecure === false) return { outcome: 'started' };
  if (warned && insecure === true) return { outcome: 'warned' };
  return { outcome: `started, ${warned ? 'an INSECURE warning' : 'no warning'}, /healthz insecure ${JSON.stringify(insecure)}` };
}

function describeCase(c: ListenCase): string {
  const on = (b: boolean, yes: string, no: string): string => (b ? yes : no);
  return `listen on ${c.host}, ${on(c.secret, 'a secret', 'no secret')}, ${on(c.token, 'token auth', '--api-auth none')}, ${on(c.tls, 'TLS', 'no TLS')}${on(c.insecure, ', --insecure', '')}`;
}

/** Every combination, each judged against the README's table. */
export async function listenMatrixResults(): Promise<CliDeployResult[]> {
  const out: CliDeployResult[] = [];
  for (const host of HOSTS) {
    for (let bits = 0; bits < 16; bits += 1) {
      const c: ListenCase = { host, secret: (bits & 1) !== 0, token: (bits & 2) !== 0, tls: (bits & 4) !== 0, insecure: (bits & 8) !== 0 };
      const got = await outcomeOf(c);
      out.push({ role: 'coordinator-listen', what: describeCase(c), expect: documentedListen(c), ...got });
    }
  }
  return out;
}
