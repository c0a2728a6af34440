/**
 * CLI commands of the live harness, registered by harness/cli:
 *   squall run FILE [--mode sim|live] [--json] [--seed N] [--report-dir DIR]
 *   squall bench reconnect [--quick] [--json] [--report-dir DIR] [matrix flags: bench-reconnect-cli.ts]
 *   squall proxy [--host H] [--port P] [--seed N]
 * `--mode sim` delegates to the runSim callback the caller passes (the
 * simulation lives elsewhere). Exit code 1 when a run fails its checks.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { startProxyServer } from '../proxy/server.js';
import { loadScenario } from '../scenario/loader.js';
import type { Scenario } from '../scenario/schema.js';
import { registerBenchReconnect } from '../live/bench-reconnect-cli.js';
import { exitOnSignals } from '../proc/index.js';
import { type LiveJson, runLive } from '../live/runner.js';
import { finishRunUi, startRunUi } from '../live/ui/run-ui.js';

/** What `squall run --mode sim` does; provided by the caller. Returns whether the run passed. */
export type RunSim = (scenario: Scenario, opts: { file: string; seed?: number; json: boolean; reportDir?: string }) => Promise<boolean>;

const int = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${v}"`);
  return n;
};

interface RunFlags { mode: string; json?: boolean; seed?: number; reportDir?: string; report: boolean; ui?: boolean; uiPort?: number; uiKeep?: boolean }
interface ProxyFlags { host: string; port: number; seed?: number; extensions?: boolean; proxyMetrics?: boolean; runtimeMetrics?: boolean }

/** The human-readable verdict of a live run. */
function printLive(json: LiveJson): void {
  const w = (l: string): void => void process.stdout.write(`${l}\n`);
  if (json.error === undefined) w(`${json.passed ? 'PASS' : 'FAIL'} ${json.scenario} (live, seed ${json.seed}) in ${(json.wallMs / 1000).toFixed(1)} s: ${json.acknowledged} acknowledged executions, ${json.convergedAfterMs === null ? 'did NOT converge' : `all work done ${json.allWorkDoneAfterHealMs ?? '?'} ms after heal (convergence seen after ${json.convergedAfterMs} ms)`}`);
  else w(`FAIL ${json.scenario} (live, seed ${json.seed}): not run`);
  if (json.proxy !== null) w(`  fault proxy ${json.proxy.url} (${json.proxy.external ? 'external Toxiproxy' : "squall's own"}): ${json.faults.applied.length} fault(s) applied, ${json.faults.refused.length} refused`);
  for (const r of json.faults.refused) w(`  REFUSED ${r.id} ${r.action} on ${r.target} at ${r.at} ms: ${r.reason ?? ''}`);
  for (const v of json.violations) if (v.name !== 'fault-refused') w(`  promise ${v.promise} ${v.name}: ${v.message}`);
  if (json.report !== null) w(`report: ${json.report}/index.html`);
}

/** Registers run, bench reconnect and proxy. */
export function registerLiveCommands(program: Command, deps: { runSim?: RunSim } = {}): void {
  program
    .command('run')
    .description('run a scenario file in simulation (default) or against real processes (--mode live)')
    .argument('<file>', 'scenario YAML file')
    .option('--mode <mode>', 'sim | live', 'sim')
    .option('--json', 'print the verdict as JSON on stdout')
    .option('--seed <n>', 'seed (default: the scenario\'s)', int('--seed'))
    .option('--report-dir <dir>', 'parent directory of reports', 'reports')
    .option('--no-report', 'write no report')
    .option('--ui', 'live only: serve a page that shows faults, workers, throughput and violations as they happen')
    .option('--ui-port <port>', 'port of the --ui page (default: a free one, on 127.0.0.1)', int('--ui-port'))
    .option('--ui-keep', 'keep serving the --ui page after the run until Ctrl-C')
    .action((file: string, flags: RunFlags) => runAction(file, flags, deps));

  const bench = program.commands.find((c) => c.name() === 'bench') ?? program.command('bench').description('benchmarks');
  registerBenchReconnect(bench);
  registerProxy(program);
}

/** `squall run <file>`: a simulation (through deps.runSim) or a live run, with its exit code. */
async function runAction(file: string, flags: RunFlags, deps: { runSim?: RunSim }): Promise<void> {
  if (flags.mode !== 'sim' && flags.mode !== 'live') throw new InvalidArgumentError(`--mode must be sim or live, got "${flags.mode}"`);
  const inert = inertUiFlag(flags);
  if (inert !== undefined) throw new InvalidArgumentError(inert);
  const scenario = await loadScenario(file);
  if (flags.mode === 'sim') {
    if (deps.runSim === undefined) throw new Error('simulation mode is not wired into this CLI; use --mode live');
    // --no-report: no reportDir, so runSim writes nothing
    const ok = await deps.runSim(scenario, { file, json: flags.json === true, ...(flags.seed === undefined ? {} : { seed: flags.seed }), ...(flags.report ? { reportDir: flags.reportDir ?? 'reports' } : {}) });
    if (!ok) process.exitCode = 1;
    return;
  }
  exitOnSignals();
  const log = (l: string): void => void process.stderr.write(`${l}\n`);
  const ui = flags.ui === true ? await startRunUi(scenario, flags.uiPort, log) : undefined;
  const { json } = await runLive(scenario, {
    ...(flags.seed === undefined ? {} : { seed: flags.seed }),
    reportDir: flags.report ? (flags.reportDir ?? 'reports') : null,
    log,
    ...(ui === undefined ? {} : { observer: ui.observer }),
  });
  await finishRunUi(ui, json, flags.uiKeep === true, log);
  if (flags.json === true) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  else printLive(json);
  if (json.error !== undefined) process.stderr.write(`squall: ${json.error.message}\n`);
  // 2: the proxy could not be reached (environment); 1: the run failed, refused faults included
  if (json.error?.code === 'unavailable') process.exitCode = 2;
  else if (!json.passed) process.exitCode = 1;
}

/** Why a --ui flag of `squall run` would have no effect, or undefined: the page watches a live run. */
function inertUiFlag(flags: RunFlags): string | undefined {
  if (flags.ui === true) return flags.mode === 'live' ? undefined : '--ui has no effect with --mode sim (the page watches a live run)';
  if (flags.uiPort !== undefined) return '--ui-port has no effect without --ui';
  if (flags.uiKeep === true) return '--ui-keep has no effect without --ui';
  return undefined;
}

/** `squall proxy`: the fault proxy standalone. */
function registerProxy(program: Command): void {
  program
    .command('proxy')
    .description('run the Toxiproxy-compatible fault proxy standalone')
    .option('--host <host>', 'API address', '127.0.0.1')
    .option('--port <port>', 'API port', int('--port'), 8474)
    .option('--seed <n>', 'seed for toxic randomness', int('--seed'))
    .option('--extensions', "accept squall's own toxic types (corrupt), which no Toxiproxy has")
    .option('--proxy-metrics', 'serve /metrics with per-proxy byte counts (as toxiproxy-server -proxy-metrics)')
    .option('--runtime-metrics', 'serve /metrics with process runtime metrics (as toxiproxy-server -runtime-metrics)')
    .action(async (flags: ProxyFlags) => {
      const server = await startProxyServer({
        host: flags.host, port: flags.port, ...(flags.seed === undefined ? {} : { seed: flags.seed }),
        extensions: flags.extensions === true, proxyMetrics: flags.proxyMetrics === true, runtimeMetrics: flags.runtimeMetrics === true,
      });
      process.stderr.write(`squall proxy: Toxiproxy-compatible API on ${server.url}${flags.extensions === true ? ' (extensions: corrupt)' : ''}\n`);
      const stop = (): void => void server.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
