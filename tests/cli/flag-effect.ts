/**
 * The class rule of "a flag accepted and silently ignored": over generated
 * flag subsets (fast-check, a fixed seed, values away from the defaults),
 * every flag `squall coordinator` / `squall worker` / `squall submit`
 * accepts must change what the command runs: dropping it from the command
 * line either makes the command refuse (it was needed) or changes the
 * effect read below; a flag that changes nothing is a finding, unless
 * NEUTRAL lists it with the README's reason.
 *
 * The effect is the command's own flags-to-config (coordinatorConfig,
 * workerConfig, submissionRequest) resolved by the processes' resolvers,
 * read as the README documents each setting: the heartbeat ceiling and RTT
 * factor only while the timeout adapts, the metrics token only with token
 * auth, the bootstrap token file only with token auth, a CA only for wss://,
 * the command env allow-list only where command tasks run, the backoff cap
 * and multiplier not with `--backoff none`, the poll period only with --wait.
 *
 * Used by tests/cli/flag-effect.property.test.ts and
 * tests/sim/broken-flags34.test.ts (a refusal dropped: caught).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import fc from 'fast-check';
import { coordinatorCommand, coordinatorConfig, type CoordinatorFlags } from '../../system/cli/coordinator.js';
import { securityOptions } from '../../system/cli/coordinator-security.js';
import { sqliteStoreOptions } from '../../system/cli/coordinator-store.js';
import { resolveSecret, resolveToken } from '../../system/cli/options.js';
import { submitCommand, submissionRequest, type SubmitFlags } from '../../system/cli/submit.js';
import { workerCommand, workerConfig, type WorkerFlags } from '../../system/cli/worker.js';
import { coordinatorTimeoutPolicy } from '../../system/coordinator/link-timing.js';
import { checkCoordinatorConfig } from '../../system/coordinator/index.js';
import { engineConfigWithDefaults } from '../../system/engine/config.js';
import { workerConfigWithDefaults } from '../../system/worker/config.js';

/** Flags that may change nothing, each with the README's reason. */
const NEUTRAL: Readonly<Record<string, string>> = {
  '--sign-messages': 'README "Secure by default": signing is the default when a secret is set; the flag says so explicitly',
  '--insecure': 'README "Secure by default": accepting the risk changes nothing where there is none (loopback, a secret and token auth)',
};

type Command3 = 'coordinator' | 'worker' | 'submit';

function fixtureFiles(): { dir: string; secret: string; cert: string; key: string; spec: string; graph: string } {
  const dir = mkdtempSync(join(tmpdir(), 'squall-flag-effect-'));
  const put = (name: string, text: string): string => (writeFileSync(join(dir, name), text, { mode: 0o600 }), join(dir, name));
  return {
    dir,
    secret: put('secret', 'flag-effect-secret\n'),
    cert: put('cert.pem', '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n'),
    key: put('key.pem', '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n'),
    spec: put('spec.json', '{"kind":"echo","params":{"value":1}}'),
    graph: put('graph.json', '{"tasks":{"a":{"kind":"echo","params":{}}}}'),
  };
}

/** `[flag, value]` or `[switch]` a third of the time: values away from the defaults, so dropping a flag that works changes something. */
const some = (flag: string, ...values: string[]): fc.Arbitrary<string[]> =>
  fc.oneof({ weight: 2, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: values.length === 0 ? fc.constant<string[]>([flag]) : fc.constantFrom(...values).map((v) => [flag, v]) });
const argvOf = (parts: fc.Arbitrary<string[]>[]): fc.Arbitrary<string[]> => fc.tuple(...parts).map((xs) => xs.flat());

function coordinatorArgv(f: ReturnType<typeof fixtureFiles>): fc.Arbitrary<string[]> {
  return argvOf([
    some('--store', 'memory'), some('--data-dir', join(f.dir, 'data')), some('--init'), some('--no-store-thread'),
    some('--host', 'localhost', '0.0.0.0'), some('--port', '7171'),
    some('--heartbeat-ms', '500', '2000'), some('--heartbeat-timeout-ms', '5000', '7000'), some('--heartbeat-timeout-max-ms', '20000', '90000'), some('--rtt-factor', '3'), some('--no-adaptive-heartbeat'),
    some('--max-pending-handshakes', '64'), some('--no-early-sync'), some('--lease-ms', '30000'), some('--compression-threshold', '64'), some('--no-compression'),
    some('--max-concurrent', '7'), some('--breaker-threshold', '3'), some('--breaker-reset-ms', '9000'), some('--no-breaker'),
    some('--retain-count', '50'), some('--retain-age', '7d'), some('--retain-sweep', '5s'), some('--max-pending', '99'), some('--max-pending-per-client', '9'),
    some('--log-level', 'debug'), some('--events-file', join(f.dir, 'events.jsonl')),
    some('--secret-file', f.secret), some('--secret', 'a-flag-secret'), fc.constantFrom([], ['--sign-messages'], ['--no-sign-messages']),
    some('--api-auth', 'none'), some('--metrics-auth', 'none'), some('--bootstrap-token-file', join(f.dir, 'boot')),
    fc.constantFrom([], [], ['--tls-cert', f.cert, '--tls-key', f.key]), some('--allowed-origins', 'https://a.example'), some('--allowed-hosts', 'c.example'), some('--insecure'),
    some('--no-zero-rtt'),
  ]);
}

function workerArgv(f: ReturnType<typeof fixtureFiles>): fc.Arbitrary<string[]> {
  return argvOf([
    fc.constantFrom(['--coordinator', 'ws://127.0.0.1:7070'], ['--coordinator', 'wss://localhost:7070']), fc.constant(['--id', 'w1']),
    some('--concurrency', '4'), some('--secret-file', f.secret), some('--secret', 'a-flag-secret'), some('--allow-kinds', 'command', 'container'), some('--command-env-allow', 'PATH'),
    some('--tls-ca', f.cert), some('--insecure'), some('--backoff', 'none', 'equal-jitter'), some('--backoff-initial-ms', '300'), some('--backoff-max-ms', '20000'), some('--backoff-multiplier', '3'),
    some('--heartbeat-ms', '500'), some('--heartbeat-timeout-ms', '5000'), some('--heartbeat-timeout-max-ms', '90000'), some('--no-adaptive-heartbeat'), some('--rtt-factor', '3'),
    some('--drain-timeout-ms', '500'), some('--hand-back-grace-ms', '100'), some('--log-level', 'debug'), some('--events-file', join(f.dir, 'events.jsonl')),
    some('--no-zero-rtt'),
  ]);
}

function submitArgv(f: ReturnType<typeof fixtureFiles>): fc.Arbitrary<string[]> {
  return argvOf([
    some('--kind', 'echo'), some('--params', '{"value":2}'), some('--priority', 'high'), some('--timeout-ms', '3000'), some('--retry', '{"maxRetries":0}'), some('--idempotency-key', 'k1'),
    some('--file', f.spec), some('--graph', f.graph), some('--wait'), some('--poll-ms', '500'),
    some('--url', 'http://127.0.0.1:7171'), some('--token-file', f.secret), some('--token', 'a-flag-token'), some('--tls-ca', f.cert), some('--json'),
  ]);
}

/** Sets and undefined made comparable. */
const canonical = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (v instanceof Set ? [...(v as Set<unknown>)].sort() : v === undefined ? '<undefined>' : v));

function coordinatorEffect(f: CoordinatorFlags): string {
  const secret = resolveSecret(f.secret, f.secretFile);
  const tls = f.tlsCert === undefined || f.tlsKey === undefined ? undefined : { cert: f.tlsCert, key: f.tlsKey };
  const c = checkCoordinatorConfig(coordinatorConfig(f, securityOptions(f, secret, tls)));
  const { taskKinds: _kinds, ...engine } = engineConfigWithDefaults({ leaseMs: c.leaseMs, ...c.engine, taskKinds: new Map() });
  const p = coordinatorTimeoutPolicy(c);
  const timing = p.adaptive ? p : { adaptive: false, intervalMs: p.intervalMs, minMs: p.minMs };
  const { heartbeatMs: _h, heartbeatTimeoutMs: _t, heartbeatTimeoutMaxMs: _m, rttFactor: _r, adaptiveHeartbeat: _a, engine: _e, metricsAuth, ...rest } = c;
  return canonical({
    rest, engine, timing,
    metricsAuth: c.apiAuth === 'token' ? metricsAuth : undefined,
    store: f.store === 'memory' ? 'memory' : { dataDir: f.dataDir ?? '.squall-data', ...sqliteStoreOptions(f) },
    bootstrap: f.apiAuth === 'token' ? f.bootstrapTokenFile : undefined,
    logLevel: f.logLevel, eventsFile: f.eventsFile,
  });
}

function workerEffect(f: WorkerFlags): string {
  const c = workerConfigWithDefaults(workerConfig(f, resolveSecret(f.secret, f.secretFile), f.tlsCa));
  const { heartbeatTimeoutMaxMs, rttFactor, tlsCa, backoff, ...rest } = c;
  return canonical({
    rest,
    adaptive: c.adaptiveHeartbeat ? { heartbeatTimeoutMaxMs, rttFactor } : undefined,
    tlsCa: c.coordinatorUrl.startsWith('wss:') ? tlsCa : undefined,
    backoff: backoff.strategy === 'none' ? { strategy: 'none', initialMs: backoff.initialMs } : backoff,
    commandEnvAllow: c.allowKinds.has('command') ? f.commandEnvAllow : undefined,
    drainTimeoutMs: f.drainTimeoutMs, logLevel: f.logLevel, eventsFile: f.eventsFile,
  });
}

/** The request, or why none is sent (no --kind, --file or --graph: refused in the action). */
function requestOf(f: SubmitFlags): unknown {
  try {
    return submissionRequest(f);
  } catch (err) {
    return { refused: (err as Error).message };
  }
}

function submitEffect(f: SubmitFlags): string {
  return canonical({ request: requestOf(f), wait: f.wait === true, pollMs: f.wait === true ? f.pollMs : undefined, url: f.url, token: resolveToken(f.token, f.tokenFile), ca: f.tlsCa, json: f.json });
}

type Parsed = { flags: unknown } | { refused: string };
type Build = (cmd: Command, action: (flags: unknown) => void) => Command;
const BUILD: Record<Command3, Build> = {
  coordinator: coordinatorCommand as unknown as Build,
  worker: workerCommand as unknown as Build,
  submit: (cmd, action) => submitCommand(cmd).action(action),
};
const EFFECT: Record<Command3, (flags: never) => string> = { coordinator: coordinatorEffect, worker: workerEffect, submit: submitEffect };

async function parse(command: Command3, argv: string[]): Promise<Parsed> {
  let err = '';
  let flags: unknown;
  const cmd = BUILD[command](new Command(command).exitOverride().configureOutput({ writeErr: (s) => void (err += s), writeOut: () => {} }), (f) => void (flags = f));
  try {
    await cmd.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return { refused: err || e.message };
    throw e;
  }
  return { flags };
}

/** The command line split into its flags, each with its value (if any). */
function flagsOf(argv: string[]): string[][] {
  const out: string[][] = [];
  for (const a of argv) {
    if (a.startsWith('--')) out.push([a]);
    else out[out.length - 1]?.push(a);
  }
  return out;
}

/** Throws naming the first accepted flag of `argv` that changes nothing. */
async function judge(command: Command3, argv: string[], tally: { accepted: number; refused: number }): Promise<void> {
  const whole = await parse(command, argv);
  if ('refused' in whole) return void (tally.refused += 1);
  tally.accepted += 1;
  const effect = EFFECT[command](whole.flags as never);
  const parts = flagsOf(argv);
  for (const [i, part] of parts.entries()) {
    const flag = part[0] ?? '';
    if (flag in NEUTRAL || (command === 'worker' && (flag === '--coordinator' || flag === '--id'))) continue;
    const without = await parse(command, parts.filter((_, j) => j !== i).flat());
    if ('refused' in without) continue;
    if (EFFECT[command](without.flags as never) === effect) throw new Error(`squall ${command} ${argv.join(' ')}: accepted ${part.join(' ')}, which changes nothing (refuse it as "has no effect", or list it in NEUTRAL with the README's reason)`);
  }
}

/** The first (shrunk) command line with an accepted flag that changes nothing, if any; and how many lines were accepted and refused. */
export async function inertFlagFound(command: Command3, seed: number, numRuns: number): Promise<{ found?: string; accepted: number; refused: number }> {
  const files = fixtureFiles();
  const saved = process.stderr.write.bind(process.stderr);
  process.stderr.write = () => true; // --secret / --token warn that ps shows them: expected here, not news
  const tally = { accepted: 0, refused: 0 };
  const argv = command === 'coordinator' ? coordinatorArgv(files) : command === 'worker' ? workerArgv(files) : submitArgv(files);
  try {
    const out = await fc.check(fc.asyncProperty(argv, (a) => judge(command, a, tally)), { seed, numRuns });
    return out.failed ? { ...tally, found: out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance) } : tally;
  } finally {
    process.stderr.write = saved;
    rmSync(files.dir, { recursive: true, force: true });
  }
}
