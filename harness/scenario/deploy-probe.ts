/**
 * Deployment probes (adversary attack `deployment`): the configurations the
 * README's "Secure by default" and "Dangerous kinds are opt-in" paragraphs
 * forbid, and their safe neighbours, given to the validation the system runs
 * at start: a worker's (workerConfigWithDefaults, what `new Worker` and so
 * `squall worker` run), a coordinator's (resolveCoordinatorConfig then
 * checkListenSecurity, what createCoordinator and so `squall coordinator`
 * run first) and the command kind's env allow-list (builtinTaskKinds with
 * `--command-env-allow`, as the worker CLI builds it). Each case says what
 * the README gives it (refused or started); the outcome is recorded as a
 * `deployProbe` note and promise 8 judges it (harness/check/promises-surface.ts).
 * Nothing starts: a configuration that passes is dropped at once.
 *
 * Host names that only look local (127.0.0.1.attacker.example,
 * 127.example.com) are not loopback: a worker without a secret must not
 * obey them, nor may a coordinator listen there without auth. Each worker
 * configuration is given both to the worker's check and to `squall worker`
 * as a command line (role `worker-cli`: its flag rules refuse at parse
 * time), over every loopback name of 127/8 with and without a port (blind
 * set 20 #02: the CLI's rule read the URL's host with its port, and refused
 * the documented `--coordinator ws://127.0.0.1:7070`; #20: 127.0.1.1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { workerCommand } from '../../system/cli/index.js';
import { silentLogger } from '../../system/core/index.js';
import { checkListenSecurity, memoryTokenStore, resolveCoordinatorConfig } from '../../system/coordinator/index.js';
import { builtinTaskKinds } from '../../system/tasks/index.js';
import { workerConfigWithDefaults } from '../../system/worker/index.js';
import type { HistoryRecorder } from '../check/history.js';
import { blankEnvResults } from './deploy-probe-blank-env.js';
import { boundaryResults } from './deploy-probe-bounds.js';
import { listenAddressResults } from './deploy-probe-address.js';
import { cliDeployResults } from './deploy-probe-cli.js';
import { processFileResults } from './deploy-probe-files.js';
import { listenMatrixResults } from './deploy-probe-listen.js';
import { clientRefusalResults, flagRefusalResults } from './deploy-probe-refusals.js';
import { settingWaysResults } from './deploy-probe-ways.js';

/** The process name of the probes' notes. */
const DEPLOY_PROBE = 'deploy-probe';

/** One configuration and what the README gives it. */
interface DeployCase {
  role: 'worker' | 'worker-cli' | 'coordinator' | 'command-env';
  what: string;
  expect: 'refused' | 'started';
  run(): void;
}

const LOOKALIKES = ['127.0.0.1.attacker.example', '127.example.com', '127.0.0.1.nip.io.evil.example'];
const LOOPBACKS = ['127.0.0.1', 'localhost', '[::1]', '127.3.2.1', '127.0.1.1', '127.255.255.254'];

/** A worker's security options, as a config and as flags. */
interface WorkerExtra {
  secret?: string;
  allowKinds?: string[];
  insecure?: boolean;
}

function worker(url: string, extra: WorkerExtra = {}): () => void {
  return () => void workerConfigWithDefaults({ id: 'probe', coordinatorUrl: url, ...extra });
}

/** `squall worker --coordinator URL --id probe ...` parsed by the command itself up to its action (its flag rules run first): throws when refused. */
function workerCli(url: string, extra: WorkerExtra = {}): () => void {
  const argv = ['--coordinator', url, '--id', 'probe', ...(extra.secret === undefined ? [] : ['--secret', extra.secret]), ...(extra.allowKinds ?? []).flatMap((k) => ['--allow-kinds', k]), ...(extra.insecure === true ? ['--insecure'] : [])];
  return () => {
    // The command reads its secret's environment sources from the env it is given: none here, so the suite's own environment cannot make a "refused" case start.
    const cmd = workerCommand(new Command('worker').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} }), () => {}, {});
    cmd.parse(argv, { from: 'user' });
  };
}

/** One worker configuration, twice: the worker's own check (what `new Worker` runs) and the `squall worker` command line (its flag rules). */
function workerBoth(what: string, expect: DeployCase['expect'], url: string, extra: WorkerExtra = {}): DeployCase[] {
  return [
    { role: 'worker', what, expect, run: worker(url, extra) },
    { role: 'worker-cli', what, expect, run: workerCli(url, extra) },
  ];
}

/**
 * Loopback coordinator URLs a worker without a secret may dial: every name
 * of 127/8 (Debian's 127.0.1.1, the range's ends), localhost and [::1],
 * each with an explicit port, without one, and over wss.
 */
function loopbackUrls(): string[] {
  const hosts = ['127.0.0.1', 'localhost', '[::1]', '127.3.2.1', '127.0.1.1', '127.255.255.254'];
  return hosts.flatMap((h) => [`ws://${h}:7070`, `ws://${h}`, `wss://${h}:8443/ws`]);
}

function coordinator(host: string, extra: { secret?: string; apiAuth?: 'token'; insecure?: boolean } = {}): () => void {
  return () => checkListenSecurity(resolveCoordinatorConfig({ host, port: 7070, ...extra }), extra.apiAuth === 'token' ? memoryTokenStore() : undefined, silentLogger);
}

/** The cases, written from the README (not from the system's checks). */
function deployCases(): DeployCase[] {
  const cases: DeployCase[] = [];
  for (const h of LOOKALIKES) {
    cases.push(...workerBoth(`no secret, coordinator ws://${h}:7070`, 'refused', `ws://${h}:7070`));
    cases.push({ role: 'coordinator', what: `listen on ${h}, no secret, no token auth`, expect: 'refused', run: coordinator(h) });
  }
  for (const h of ['coordinator', '10.0.0.7', '0.0.0.0']) cases.push({ role: 'coordinator', what: `listen on ${h}, no secret, no token auth`, expect: 'refused', run: coordinator(h) });
  for (const url of ['ws://coordinator:7070', 'ws://10.0.0.7', 'wss://128.0.0.1:7070', 'ws://[::2]:7070']) cases.push(...workerBoth(`no secret, coordinator ${url}`, 'refused', url));
  for (const url of loopbackUrls()) {
    cases.push(...workerBoth(`no secret, coordinator ${url}`, 'started', url));
    for (const kind of ['command', 'container']) cases.push(...workerBoth(`no secret, coordinator ${url}, --allow-kinds ${kind}`, 'refused', url, { allowKinds: [kind] }));
  }
  for (const h of LOOPBACKS) cases.push({ role: 'coordinator', what: `listen on ${h}, no secret, no token auth`, expect: 'started', run: coordinator(h.replace(/^\[|\]$/g, '')) });
  cases.push(...workerBoth('no secret, ws://127.0.0.1:7070, --allow-kinds command, --insecure', 'started', 'ws://127.0.0.1:7070', { allowKinds: ['command'], insecure: true }));
  cases.push(...workerBoth('a secret, ws://coordinator:7070, --allow-kinds command', 'started', 'ws://coordinator:7070', { secret: 'probe-secret', allowKinds: ['command'] }));
  cases.push({ role: 'coordinator', what: 'listen on 0.0.0.0 with a secret and token auth', expect: 'started', run: coordinator('0.0.0.0', { secret: 'probe-secret', apiAuth: 'token' }) });
  cases.push({ role: 'coordinator', what: 'listen on 0.0.0.0, --insecure', expect: 'started', run: coordinator('0.0.0.0', { insecure: true }) });
  // README: `command` gets a clean environment, "never the worker's secrets"; the worker reads them from these four.
  for (const name of ['SQUALL_SECRET', 'SQUALL_SECRET_FILE', 'SQUALL_TOKEN', 'SQUALL_TOKEN_FILE']) {
    cases.push({ role: 'command-env', what: `--command-env-allow ${name}`, expect: 'refused', run: () => void builtinTaskKinds({ command: { envAllow: [name] } }) });
  }
  cases.push({ role: 'command-env', what: '--command-env-allow LANG_EXTRA', expect: 'started', run: () => void builtinTaskKinds({ command: { envAllow: ['LANG_EXTRA'] } }) });
  return cases;
}

/**
 * One round: every case, each recorded with its outcome; the listen check
 * over every combination (deploy-probe-listen.ts); the processes as the CLI
 * configures them (deploy-probe-cli.ts); the URLs a coordinator prints
 * (deploy-probe-address.ts); and the files they keep across
 * lives and the control files they obey (deploy-probe-files.ts, promise 39);
 * how the commands refuse a value, take a value at its documented bound and
 * the secret each documented way (deploy-probe-refusals.ts,
 * deploy-probe-bounds.ts, deploy-probe-ways.ts, promise 31) and read
 * each documented variable set but empty or blank as unset
 * (deploy-probe-blank-env.ts, promise 31).
 */
export async function probeDeployment(recorder: HistoryRecorder): Promise<void> {
  for (const c of deployCases()) {
    let refused: string | undefined;
    try {
      c.run();
    } catch (err) {
      refused = err instanceof Error ? err.message.slice(0, 120) : String(err);
    }
    recorder.recordInfo({ deployProbe: { role: c.role, what: c.what, expect: c.expect, ...(refused === undefined ? { outcome: 'started' } : { outcome: 'refused', why: refused }) } }, DEPLOY_PROBE);
  }
  for (const r of await listenMatrixResults()) recorder.recordInfo({ deployProbe: r }, DEPLOY_PROBE);
  for (const r of await cliDeployResults()) recorder.recordInfo({ deployProbe: r }, DEPLOY_PROBE);
  for (const r of await listenAddressResults()) recorder.recordInfo({ deployProbe: r }, DEPLOY_PROBE);
  for (const r of flagRefusalResults()) recorder.recordInfo({ flagRefusal: r }, DEPLOY_PROBE);
  for (const r of boundaryResults()) recorder.recordInfo({ flagRefusal: r }, DEPLOY_PROBE);
  const dir = mkdtempSync(join(tmpdir(), 'squall-process-env-'));
  try {
    for (const r of await settingWaysResults(dir)) recorder.recordInfo({ settingWays: r }, DEPLOY_PROBE);
    for (const r of await blankEnvResults()) recorder.recordInfo({ settingWays: r }, DEPLOY_PROBE);
    for (const r of await clientRefusalResults(dir)) recorder.recordInfo({ flagRefusal: r }, DEPLOY_PROBE);
    for (const r of await processFileResults(dir)) recorder.recordInfo({ processEnvProbe: r }, DEPLOY_PROBE);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
