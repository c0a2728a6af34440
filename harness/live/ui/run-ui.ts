/** Glue between `squall run --mode live --ui` and the live-run page (kept out of cli.ts). */
import { contextFromScenario } from '../../scenario/check-context.js';
import { workerIds, type Scenario } from '../../scenario/schema.js';
import type { LiveJson } from '../runner.js';
import { type LiveUi, startLiveUi } from './live-ui.js';

/** Starts the page before the run and says where it is. */
export async function startRunUi(scenario: Scenario, port: number | undefined, log: (l: string) => void): Promise<LiveUi> {
  const token = process.env.SQUALL_UI_TOKEN;
  const ui = await startLiveUi(scenario, workerIds(scenario.fleet), { safety: { selection: scenario.checks, context: contextFromScenario(scenario) }, ...(port === undefined ? {} : { port }), ...(token === undefined || token === '' ? {} : { token }) });
  log(`live: watch this run at ${ui.url}${token ? ' (token: $SQUALL_UI_TOKEN)' : ''}`);
  return ui;
}

/** Shows the verdict; keeps serving (until Ctrl-C) when asked, else closes. */
export async function finishRunUi(ui: LiveUi | undefined, json: LiveJson, keep: boolean, log: (l: string) => void): Promise<void> {
  if (ui === undefined) return;
  const s = ui.safety()?.stats;
  if (s !== undefined && s.checks > 0) log(`live: ${s.checks} mid-run safety check(s), ${(s.totalMs / s.checks).toFixed(1)} ms mean, ${s.maxMs.toFixed(1)} ms max, ${s.records} records at the last, ${ui.model.state.early.length} violation(s) found mid-run`);
  ui.finish({ passed: json.passed, violations: json.violations.map((v) => ({ promise: v.promise, name: v.name, message: v.message })), report: json.report });
  if (!keep) return ui.close();
  // The open server keeps the process alive; Ctrl-C ends it (exitOnSignals).
  log(`live: run finished; the page stays at ${ui.url} until Ctrl-C`);
}
