/**
 * Deployment probe of the addresses a coordinator prints (adversary attack
 * `deployment`, beside deploy-probe-cli.ts): `squall coordinator --host H`
 * prints its WebSocket URL (for workers' --coordinator) and its HTTP URL
 * (for the CLI's --url and browsers); README, "Running it": they are usable
 * as printed. For each loopback host, IPv4 and IPv6 (`--host ::1`), a
 * coordinator starts on the real transport (port 0) and: its `url` must
 * parse as a ws:// URL naming that host and its port (an IPv6 host in
 * brackets), and a TCP connection to what it names must open; its `httpUrl`
 * must parse the same way and answer GET /healthz 200 through the CLI's own
 * HTTP client (system/cli nodeHttp). Blind set 20 #24: an unbracketed IPv6
 * host (`ws://::1:7070`). A host this machine cannot listen on (no IPv6) is
 * recorded as such, not judged.
 */
import { connect } from 'node:net';
import { nodeHttp } from '../../system/cli/index.js';
import { createCoordinator } from '../../system/coordinator/index.js';
import { nullSink, seededRandom, silentLogger, systemClock } from '../../system/core/index.js';
import { MemoryStore } from '../../system/store/index.js';
import { builtinTaskKinds } from '../../system/tasks/index.js';
import { wsTransport } from '../../system/transport/index.js';
import type { CliDeployResult } from './deploy-probe-cli.js';

const HOSTS = ['127.0.0.1', '::1', 'localhost'];
const USABLE = 'usable as printed';

/** Why `printed` is not a URL of `protocol` naming `host` and `port`, or undefined. */
function urlFault(printed: string, protocol: string, host: string, port: number): string | undefined {
  let u: URL;
  try {
    u = new URL(printed);
  } catch {
    return `${JSON.stringify(printed)} is not a URL`;
  }
  const named = u.hostname.replace(/^\[|\]$/g, '');
  if (u.protocol !== protocol || named !== host || u.port !== String(port)) return `${JSON.stringify(printed)} names ${u.protocol}//${named}:${u.port}, not ${protocol}//${host}:${port}`;
  return undefined;
}

/** Whether a TCP connection to the printed URL's host and port opens. */
function tcpOpens(printed: string): Promise<string> {
  const u = new URL(printed);
  return new Promise((resolve) => {
    const s = connect({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) });
    s.once('connect', () => (s.destroy(), resolve(USABLE)));
    s.once('error', (err) => resolve(`no connection to ${printed}: ${err.message}`));
  });
}

/** GET <printed>/healthz through the CLI's client. */
async function healthAnswers(printed: string): Promise<string> {
  try {
    const a = await nodeHttp.request({ url: new URL('/healthz', printed), method: 'GET', headers: {}, timeoutMs: 5000 });
    return a.status === 200 ? USABLE : `GET ${printed}/healthz answered ${a.status}`;
  } catch (err) {
    return `GET ${printed}/healthz failed: ${(err as Error).message}`;
  }
}

/** One host: the coordinator's printed URLs, parsed and used. */
async function hostResults(host: string): Promise<CliDeployResult[]> {
  const role = 'coordinator-address';
  const deps = { transport: wsTransport(), clock: systemClock, random: seededRandom(1), logger: silentLogger, events: nullSink, store: new MemoryStore(), taskKinds: builtinTaskKinds() };
  let c: Awaited<ReturnType<typeof createCoordinator>>;
  try {
    c = await createCoordinator(deps, { host, port: 0, apiAuth: 'none' });
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    const unavailable = ['EADDRNOTAVAIL', 'EAFNOSUPPORT'].includes(code);
    return [{ role, what: `--host ${host}: start`, expect: unavailable ? code : 'started', outcome: unavailable ? code : `refused (${(err as Error).message.slice(0, 120)})` }];
  }
  try {
    // The port is the system's pick: named in an outcome only when it is wrong (the notes stay the same run to run).
    return [
      { role, what: `--host ${host} --port 0: the printed ws URL`, expect: USABLE, outcome: urlFault(c.url, 'ws:', host, c.port) ?? (await tcpOpens(c.url)) },
      { role, what: `--host ${host} --port 0: the printed http URL`, expect: USABLE, outcome: urlFault(c.httpUrl, 'http:', host, c.port) ?? (await healthAnswers(c.httpUrl)) },
    ];
  } finally {
    await c.close();
  }
}

/** Every host's results (deploy-probe.ts records them as `deployProbe` notes). */
export async function listenAddressResults(): Promise<CliDeployResult[]> {
  const out: CliDeployResult[] = [];
  for (const host of HOSTS) out.push(...(await hostResults(host)));
  return out;
}
