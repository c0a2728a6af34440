/**
 * Blind set 20's CLI misses as broken variants, each injected through a
 * seam (vi.mock of the module) and caught naming the promise, while the
 * real system passes at the same seed:
 * - #01, the CLI's HTTP client decoding each response chunk on its own
 *   (cliHttpOver wrapped): the simulated exchange hands the body to the
 *   CLI's reader in chunks cut inside multi-byte characters
 *   (harness/scenario/cli-http-chunks.ts) -> promise 31 on cli-edges
 *   (promises-cli-wire.ts: the answer handed up changed);
 * - #11, `executions cancel` posting `{}` (apiJson wrapped) -> promise 31
 *   on cli-edges (promises-cli-flags.ts: --reason never sent);
 * - #02, the worker's flag rule reading the URL's host with its port
 *   (workerFlagConflict wrapped) -> promise 8 on adversarial-clients: the
 *   deployment probe gives each worker configuration to `squall worker` as
 *   a command line, over 127/8 with and without ports (deploy-probe.ts);
 * - #24, the listener's URL with an unbracketed IPv6 host (listenWs
 *   wrapped) -> promise 8 on adversarial-clients: a coordinator on ::1 over
 *   the real transport, its printed URLs parsed and used (deploy-probe-address.ts).
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as ApiClient from '../../system/cli/api-client.js';
import type * as CliHttpModule from '../../system/cli/cli-http.js';
import type * as FlagRules from '../../system/cli/flag-rules.js';
import type * as WsServer from '../../system/transport/ws-server.js';
import { isLoopbackHost } from '../../system/core/loopback.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ perChunk: false, emptyCancel: false, hostWithPort: false, bareIpv6: false }));

vi.mock('../../system/cli/cli-http.js', async (importOriginal) => {
  const real = await importOriginal<typeof CliHttpModule>();
  // Broken (#01): each chunk decoded to text on its own, a character cut across two becomes U+FFFD.
  const cliHttpOver: typeof real.cliHttpOver = (send) => {
    const good = real.cliHttpOver(send);
    if (!plant.perChunk) return good;
    return {
      ...good,
      request: (r) =>
        new Promise((resolve, reject) => {
          const req = send(r.url)(r.url, { method: r.method, headers: r.headers }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString('utf8')));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on('error', reject);
          req.end(r.body);
        }),
    };
  };
  return { ...real, cliHttpOver };
});

vi.mock('../../system/cli/api-client.js', async (importOriginal) => {
  const real = await importOriginal<typeof ApiClient>();
  // Broken (#11): cancel posts {} whatever --reason says.
  const apiJson: typeof real.apiJson = (t, method, path, what, body) => real.apiJson(t, method, path, what, plant.emptyCancel && method === 'POST' && path.endsWith('/cancel') ? {} : body);
  return { ...real, apiJson };
});

vi.mock('../../system/cli/flag-rules.js', async (importOriginal) => {
  const real = await importOriginal<typeof FlagRules>();
  // Broken (#02): the loopback test reads `host` (with the port) instead of `hostname`.
  const workerFlagConflict: typeof real.workerFlagConflict = (f, env) => {
    if (plant.hostWithPort && !real.secretGiven(f, env) && f.insecure !== true && !isLoopbackHost(new URL(f.coordinator).host)) return `--coordinator ${f.coordinator} is not a loopback address`;
    return real.workerFlagConflict(f, env);
  };
  return { ...real, workerFlagConflict };
});

vi.mock('../../system/transport/ws-server.js', async (importOriginal) => {
  const real = await importOriginal<typeof WsServer>();
  // Broken (#24): the listener's URL puts an IPv6 host without brackets.
  const listenWs: typeof real.listenWs = async (opts) => {
    const l = await real.listenWs(opts);
    return plant.bareIpv6 ? Object.assign(l, { url: l.url.replace(/\[|\]/g, '') }) : l;
  };
  return { ...real, listenWs };
});

describe('31 cli: what the user types reaches the wire, what the CLI prints is what the coordinator said (set 20 #01, #11)', () => {
  const scenario = () => loadScenario('scenarios/cli-edges.yaml');

  it('cli-edges passes on the real CLI at seed 1', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await scenario())).text).toBe('');
  });

  it('a reader decoding each chunk on its own is reported (#01)', { timeout: 60_000 }, async () => {
    const v = await withPlanted(flagOn(plant, 'perChunk'), async () => simVerdict(await scenario()));
    expect(v.promises).toEqual(['cli']);
    expect(v.text).toMatch(/was handed the answer to POST \/api\/v1\/executions at t=100 changed from character \d+ on \(".*\uFFFD.*" where the coordinator sent ".*héllo.*"\)/);
  });

  it('a cancel without its --reason is reported (#11)', { timeout: 60_000 }, async () => {
    const v = await withPlanted(flagOn(plant, 'emptyCancel'), async () => simVerdict(await scenario()));
    expect(v.promises).toEqual(['cli']);
    expect(v.text).toMatch(/squall executions cancel ex_\w+ --reason annulé — mauvais paramètre ✗ \(t=400\): sent POST \/api\/v1\/executions\/ex_\w+\/cancel at t=400 with \{\}, but its command line asks for the reason "annulé — mauvais paramètre ✗"/);
  });
});

describe('8 auth: the deployment probes run `squall worker` and read the URLs a coordinator prints (set 20 #02, #24)', () => {
  const scenario = () => loadScenario('scenarios/adversarial-clients.yaml');

  it('adversarial-clients passes on the real system at seed 1', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await scenario())).text).toBe('');
  });

  it('a worker flag rule refusing loopback URLs with a port is reported (#02)', { timeout: 60_000 }, async () => {
    const v = await withPlanted(flagOn(plant, 'hostWithPort'), async () => simVerdict(await scenario()));
    expect(v.promises).toEqual(['auth']);
    expect(v.text).toMatch(/worker-cli configuration "no secret, coordinator ws:\/\/127\.0\.0\.1:7070" was refused: the README allows it/);
    expect(v.text).toMatch(/worker-cli configuration "no secret, coordinator ws:\/\/127\.0\.1\.1:7070" was refused/);
  });

  it('a listener URL with an unbracketed IPv6 host is reported (#24)', { timeout: 60_000 }, async () => {
    const v = await withPlanted(flagOn(plant, 'bareIpv6'), async () => simVerdict(await scenario()));
    expect(v.promises).toEqual(['auth']);
    expect(v.text).toMatch(/coordinator-address "--host ::1 --port 0: the printed ws URL": "ws:\/\/::1:\d+" is not a URL, but the README documents usable as printed/);
  });
});
