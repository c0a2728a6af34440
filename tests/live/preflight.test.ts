/**
 * No fault is silently dropped: before a live run starts, the fault proxy is
 * checked (reachable, and able to apply every fault of the run); a proxy that
 * refuses a fault, or a fault the live harness cannot apply, fails the run
 * up front with the fault, the proxy URL and the answer named, and the CLI's
 * JSON lists applied and refused faults separately. Squall's own proxy
 * without extensions answers exactly as a real Toxiproxy does to `corrupt`
 * (tests/conformance), so it stands in for one here; the real server is used
 * too when TOXIPROXY_BIN is set.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT } from '../../harness/proc/index.js';
import { checkProxyReachable, FaultsRefusedError, preflight, ProxyUnreachableError } from '../../harness/live/preflight.js';
import { connectFaultProxy } from '../../harness/proxy/client.js';
import { type ProxyServer, startProxyServer } from '../../harness/proxy/server.js';
import { loadScenario, parseScenario } from '../../harness/scenario/loader.js';

const run = promisify(execFile);
const SQUALL = join(REPO_ROOT, 'bin/squall.js');

/** Runs the squall CLI; resolves with exit code, stdout and stderr (never rejects on a non-zero exit). */
async function squall(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [SQUALL, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let plain: ProxyServer;
let withExtensions: ProxyServer;
beforeAll(async () => {
  plain = await startProxyServer({ port: 0 });
  withExtensions = await startProxyServer({ port: 0, extensions: true });
});
afterAll(async () => {
  await plain.close();
  await withExtensions.close();
});

describe('preflight', () => {
  it('refuses corrupt on a Toxiproxy-like server, naming the fault, the URL and the answer; accepts it where extensions are on', async () => {
    const scenario = await loadScenario(join(REPO_ROOT, 'scenarios/corrupting-link.yaml'));
    const fp = await connectFaultProxy({ url: plain.url });
    const err = await preflight(fp, scenario, []).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FaultsRefusedError);
    const refused = (err as FaultsRefusedError).refused;
    expect(refused.map((r) => r.action)).toEqual(['corrupt', 'corrupt', 'corrupt', 'corrupt']);
    expect(refused[0]?.reason).toContain(plain.url);
    expect(refused[0]?.reason).toContain('invalid toxic type');
    expect((err as Error).message).toMatch(/f1 corrupt on all-workers at 1000 ms/);
    // The scratch proxy is gone again.
    expect(await (await fetch(`${plain.url}/proxies`)).json()).toEqual({});
    await expect(preflight(await connectFaultProxy({ url: withExtensions.url }), scenario, [])).resolves.toBeUndefined();
  });

  it('refuses clock_skew live outright, whatever the proxy', async () => {
    const scenario = parseScenario(
      'name: s\ndescription: d\nfleet: { workers: 1 }\nworkload: { items: [{ kind: echo, count: 1, params: { value: 1 } }] }\nfaults: [{ at: 0, for: 100, target: w1, action: { type: clock_skew, ms: 500 } }]\nphases: { faultsMs: 500, healMs: 1000 }\n',
      's.yaml',
    );
    const err = await preflight(await connectFaultProxy({ url: withExtensions.url }), scenario, []).then(() => undefined, (e: unknown) => e);
    expect((err as FaultsRefusedError).refused[0]?.reason).toMatch(/clock_skew cannot be applied to real processes/);
  });

  it('names the URL and the cause when the proxy is not there', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const err = await checkProxyReachable(url).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ProxyUnreachableError);
    expect((err as Error).message).toContain(url);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });
});

describe('squall run (CLI)', () => {
  it('--mode live against a proxy without corrupt: not run, exit 1, JSON lists the refused faults', async () => {
    const r = await squall(['run', 'scenarios/corrupting-link.yaml', '--mode', 'live', '--json', '--no-report'], { TOXIPROXY_URL: plain.url });
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { passed: boolean; faults: { applied: unknown[]; refused: { id: string; reason: string }[] }; error: { message: string } };
    expect(json.passed).toBe(false);
    expect(json.faults.applied).toEqual([]);
    expect(json.faults.refused.map((f) => f.id)).toEqual(['f1', 'f2', 'f3', 'f4']);
    expect(json.error.message).toContain(plain.url);
    expect(r.stderr).toMatch(/cannot be applied live/);
  });

  it('--mode live with TOXIPROXY_URL pointing at nothing: exit 2 at once, JSON with the URL and the cause', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await squall(['run', 'scenarios/partition-heal.yaml', '--mode', 'live', '--json', '--no-report'], { TOXIPROXY_URL: url });
    expect(r.code).toBe(2);
    const json = JSON.parse(r.stdout) as { passed: boolean; error: { code: string; message: string } };
    expect(json.passed).toBe(false);
    expect(json.error.code).toBe('unavailable');
    expect(json.error.message).toContain(url);
    expect(json.error.message).toMatch(/ECONNREFUSED/);
  });

  it('--mode sim --no-report writes no report; without it, it does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-noreport-'));
    const file = join(mkdtempSync(join(tmpdir(), 'squall-tiny-')), 'tiny.yaml');
    writeFileSync(file, 'name: tiny\ndescription: one echo\nfleet: { workers: 1 }\nworkload: { items: [{ kind: echo, count: 1, params: { value: 1 } }] }\nphases: { faultsMs: 500, healMs: 2000 }\n');
    const none = await squall(['run', file, '--mode', 'sim', '--json', '--no-report', '--report-dir', dir]);
    expect(none.code).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    const some = await squall(['run', file, '--mode', 'sim', '--json', '--report-dir', dir]);
    expect(some.code).toBe(0);
    expect(readdirSync(dir).length).toBe(1);
  });

  it('a bad --mode and --ui flags that would have no effect are refused with a message, exit 2 (thrown by the action)', async () => {
    const bad = await squall(['run', 'scenarios/lone-worker.yaml', '--mode', 'bogus']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('squall: --mode must be sim or live, got "bogus"')]);
    const port = await squall(['run', 'scenarios/lone-worker.yaml', '--ui-port', '5000']);
    expect([port.code, port.stderr]).toEqual([2, expect.stringContaining('squall: --ui-port has no effect without --ui')]);
    const sim = await squall(['run', 'scenarios/lone-worker.yaml', '--ui']);
    expect([sim.code, sim.stderr]).toEqual([2, expect.stringContaining('--ui has no effect with --mode sim')]);
  });
});
