/**
 * The class rule of "flags the CLI accepts but the process refuses": over
 * generated flag values (fast-check, a fixed seed), whatever `squall
 * coordinator` / `squall worker` accept as they parse (their own options,
 * their pre-action flag rules: coordinatorCommand, workerCommand) must be a
 * coordinator that is created and starts, or a worker that is made and
 * started, through the commands' own flags-to-config functions; whatever
 * they refuse must name a flag the command line gave. A refusal after the
 * parse comes too late: the coordinator has opened its data dir and may
 * have written a bootstrap token by then, and names config fields, not flags.
 *
 * Used by tests/cli/flag-agreement.property.test.ts (the real commands) and
 * tests/sim/broken-flags33.test.ts (a rule dropped: caught).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import fc from 'fast-check';
import { coordinatorCommand, coordinatorConfig, type CoordinatorFlags } from '../../system/cli/coordinator.js';
import { openCoordinatorStore } from '../../system/cli/coordinator-store.js';
import { securityConfig } from '../../system/cli/coordinator-security.js';
import { workerCommand, workerConfigFromFlags, type WorkerFlags } from '../../system/cli/worker.js';
import { createCoordinator } from '../../system/coordinator/index.js';
import { nullSink, realCpu, seededRandom, silentLogger, type Transport } from '../../system/core/index.js';
import { fakeClock } from '../../system/engine/testing.js';
import { builtinTaskKinds } from '../../system/tasks/index.js';
import { Worker } from '../../system/worker/index.js';

/** Files the generated flags point at: a secret, a PEM certificate and key (never read by a socket: the transport is inert). */
function fixtureFiles(): { dir: string; secret: string; cert: string; key: string; dataDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'squall-flag-agreement-'));
  const put = (name: string, text: string): string => (writeFileSync(join(dir, name), text, { mode: 0o600 }), join(dir, name));
  return { dir, secret: put('secret', 'flag-agreement-secret\n'), cert: put('cert.pem', '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n'), key: put('key.pem', '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n'), dataDir: join(dir, 'data') };
}

/** A transport that listens nowhere and never connects: what is judged is the start, not the network. */
const inertTransport: Transport = {
  listen: (o) => Promise.resolve({ host: o.host, port: o.port === 0 ? 7070 : o.port, url: `ws://${o.host}:7070`, close: () => Promise.resolve() }),
  connect: () => Promise.reject(new Error('connect ECONNREFUSED (flag agreement)')),
};

/** `[flag, value]` a third of the time, else nothing (so that most command lines have only a few flags). */
const maybe = (flag: string, values: fc.Arbitrary<string>): fc.Arbitrary<string[]> => fc.oneof({ weight: 2, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: values.map((v) => [flag, v]) });
/** A switch one time in five (the --no-* switches make other flags moot: refused as having no effect). */
const maybeSwitch = (flag: string): fc.Arbitrary<string[]> => fc.integer({ min: 0, max: 4 }).map((n) => (n === 0 ? [flag] : []));
/** A switch one time in ten (--no-zero-rtt: refused as having no effect beside a secret, which many lines carry). */
const rareSwitch = (flag: string): fc.Arbitrary<string[]> => fc.integer({ min: 0, max: 9 }).map((n) => (n === 0 ? [flag] : []));
/** Mostly good values, a bad one in ten. */
const mostly = (good: fc.Arbitrary<string>, bad: readonly string[]): fc.Arbitrary<string> => fc.oneof({ weight: 9, arbitrary: good }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
const ms = mostly(fc.oneof(fc.constantFrom('10', '100', '1000', '3000', '60000', '86399999', '86400000'), fc.integer({ min: 10, max: 200_000 }).map(String)), ['0', '9', '86400001', '100000000000', 'abc', '1.5', '-5']);
const count = mostly(fc.constantFrom('1', '5', '1000', '10000', '9007199254740991'), ['0', '10001', '9007199254740992', 'x']);
const factor = mostly(fc.constantFrom('1', '2', '2.5', '100'), ['0.5', '101', 'abc', '', 'Infinity', 'NaN']);
/** Ceilings mostly within the default lease less a heartbeat (above it the flag has no effect: refused). */
const ceiling = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 10, max: 14_000 }).map(String) }, { weight: 1, arbitrary: ms });
const heartbeat = (): fc.Arbitrary<string[]>[] => [maybe('--heartbeat-ms', ms), maybe('--heartbeat-timeout-ms', ms), maybe('--heartbeat-timeout-max-ms', ceiling), maybe('--rtt-factor', factor), maybeSwitch('--no-adaptive-heartbeat')];
const argvOf = (parts: fc.Arbitrary<string[]>[]): fc.Arbitrary<string[]> => fc.tuple(...parts).map((xs) => xs.flat());

/** `squall coordinator` command lines (always --store memory: no file is opened). */
function coordinatorArgv(f: ReturnType<typeof fixtureFiles>): fc.Arbitrary<string[]> {
  return argvOf([
    fc.constant(['--store', 'memory', '--port', '0']),
    maybe('--host', mostly(fc.constantFrom('127.0.0.1', 'localhost', '::1', '0.0.0.0', '192.0.2.10', 'coordinator.example'), [''])),
    ...heartbeat(),
    maybe('--lease-ms', ms),
    ...['--max-pending-handshakes', '--max-concurrent', '--breaker-threshold', '--breaker-reset-ms', '--retain-count', '--max-pending', '--max-pending-per-client', '--compression-threshold'].map((x) => maybe(x, count)),
    ...['--retain-age', '--retain-sweep'].map((x) => maybe(x, mostly(fc.constantFrom('1ms', '10s', '7d', '30d', '1000'), ['0', 'abc', '106751991167d']))),
    ...['--no-early-sync', '--no-compression', '--no-breaker', '--insecure'].map(maybeSwitch),
    maybe('--metrics-auth', fc.constantFrom('token', 'none')),
    maybe('--bootstrap-token-file', fc.constant(join(f.dir, 'bootstrap-token'))),
    maybe('--secret', fc.constantFrom('a-flag-secret', '')),
    fc.constantFrom([], ['--sign-messages'], ['--no-sign-messages']),
    maybe('--api-auth', fc.constantFrom('token', 'none')),
    maybe('--secret-file', fc.constant(f.secret)),
    fc.constantFrom([], [], [], [], ['--tls-cert', f.cert], ['--tls-key', f.key], ['--tls-cert', f.cert, '--tls-key', f.key]),
    fc.constantFrom([], [], [], [], [], [], ['--data-dir', f.dataDir]),
    rareSwitch('--no-zero-rtt'),
  ]);
}

/** `squall worker` command lines. */
function workerArgv(f: ReturnType<typeof fixtureFiles>): fc.Arbitrary<string[]> {
  return argvOf([
    mostly(fc.constantFrom('ws://127.0.0.1:7070', 'ws://localhost:7070/ws', 'wss://coordinator.example', 'ws://192.0.2.10:7070'), ['http://127.0.0.1:7070', 'not a url']).map((u) => ['--coordinator', u]),
    mostly(fc.constantFrom('w1', 'x'.repeat(200)), ['', 'x'.repeat(201)]).map((id) => ['--id', id]),
    maybe('--concurrency', count),
    maybe('--secret-file', fc.constant(f.secret)),
    maybe('--tls-ca', fc.constant(f.cert)),
    maybeSwitch('--insecure'),
    maybe('--allow-kinds', mostly(fc.constantFrom('command', 'command,container'), ['shell'])),
    maybe('--command-env-allow', mostly(fc.constantFrom('PATH', 'PATH,HOME'), ['SQUALL_SECRET', '1BAD'])),
    maybe('--backoff', mostly(fc.constantFrom('none', 'full-jitter', 'equal-jitter', 'decorrelated-jitter'), ['bogus'])),
    maybe('--backoff-initial-ms', ms),
    maybe('--backoff-max-ms', ms),
    maybe('--backoff-multiplier', mostly(fc.constantFrom('1', '2', '1.5', '1e308'), ['0.5', 'abc'])),
    ...heartbeat(),
    maybe('--drain-timeout-ms', mostly(fc.constantFrom('0', '500', '30000'), ['-1'])),
    maybe('--hand-back-grace-ms', mostly(fc.constantFrom('0', '500', '30000'), ['-1'])),
    rareSwitch('--no-zero-rtt'),
  ]);
}

type Parsed<F> = { flags: F } | { refused: string };

/** Parses `argv` with the command `build` makes (its action only records the flags). */
async function parse<F>(build: (cmd: Command, action: (flags: F) => void) => Command, name: string, argv: string[]): Promise<Parsed<F>> {
  let err = '';
  let flags: F | undefined;
  const cmd = build(new Command(name).exitOverride().configureOutput({ writeErr: (s) => void (err += s), writeOut: () => {} }), (f) => void (flags = f));
  try {
    await cmd.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return { refused: err || e.message };
    throw e;
  }
  if (flags === undefined) throw new Error(`${name} ${argv.join(' ')}: neither refused nor run`);
  return { flags };
}

/** Starts a coordinator as `squall coordinator` does from `flags` (store, security, config), then closes it. */
async function startCoordinator(flags: CoordinatorFlags): Promise<void> {
  const { store } = openCoordinatorStore(flags, silentLogger, {});
  const security = securityConfig(flags, undefined, silentLogger);
  const time = fakeClock();
  try {
    const c = await createCoordinator(
      { transport: inertTransport, clock: time.clock, random: seededRandom(1), logger: silentLogger, events: nullSink, store, taskKinds: builtinTaskKinds(), ...(security.tokens === undefined ? {} : { tokens: security.tokens }) },
      coordinatorConfig(flags, security.config),
    );
    await time.tickAsync(100);
    await c.close();
  } finally {
    await store.close();
  }
}

/** Starts a worker as `squall worker` does from `flags`, then stops it. */
async function startWorker(flags: WorkerFlags): Promise<void> {
  const time = fakeClock();
  const taskKinds = builtinTaskKinds({ command: { envAllow: flags.commandEnvAllow ?? [] } });
  const worker = new Worker({ transport: inertTransport, clock: time.clock, random: seededRandom(1), logger: silentLogger, events: nullSink, cpu: realCpu, taskKinds }, workerConfigFromFlags(flags));
  worker.start();
  await time.tickAsync(100);
  const stopped = worker.stop({ drain: false });
  await time.tickAsync(10_000);
  await stopped;
}

/** How many generated command lines were refused as parsed, and how many started. */
interface Tally {
  refused: number;
  started: number;
}

/** One command line judged: throws saying how the command and its process disagree. */
async function judge<F>(name: string, argv: string[], parsed: Parsed<F>, start: (flags: F) => Promise<void>, tally: Tally): Promise<void> {
  const line = `squall ${name} ${argv.map((a) => (a === '' || a.includes(' ') ? JSON.stringify(a) : a)).join(' ')}`;
  if ('refused' in parsed) {
    const given = argv.filter((a) => a.startsWith('--'));
    if (!given.some((flag) => parsed.refused.includes(flag))) throw new Error(`${line}: refused without naming a flag it was given: ${parsed.refused.trim().split('\n')[0] ?? ''}`);
    tally.refused += 1;
    return;
  }
  try {
    await start(parsed.flags);
    tally.started += 1;
  } catch (err) {
    throw new Error(`${line}: the command accepted it, then the ${name} refused to start: ${(err as Error).message}`);
  }
}

/** What the property found: `found` is the (shrunk) disagreement, when there is one; the tally says what was tried. */
export async function flagDisagreement(command: 'coordinator' | 'worker', seed: number, numRuns: number): Promise<Tally & { found?: string }> {
  const files = fixtureFiles();
  const tally: Tally = { refused: 0, started: 0 };
  const property =
    command === 'coordinator'
      ? fc.asyncProperty(coordinatorArgv(files), async (argv) => judge('coordinator', argv, await parse<CoordinatorFlags>(coordinatorCommand, 'coordinator', argv), startCoordinator, tally))
      : fc.asyncProperty(workerArgv(files), async (argv) => judge('worker', argv, await parse<WorkerFlags>(workerCommand, 'worker', argv), startWorker, tally));
  const out = await fc.check(property, { seed, numRuns }).finally(() => rmSync(files.dir, { recursive: true, force: true }));
  if (!out.failed) return tally;
  return { ...tally, found: out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance) };
}
