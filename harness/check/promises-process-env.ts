/**
 * 39. What a real process sees of its host (`processEnvProbe` notes,
 * harness/scenario/deploy-probe-files.ts, adversary attack `deployment`):
 * logs are JSON unless stderr is a terminal (a pipe or a file: node leaves
 * `isTTY` absent), the files a process writes across its lives keep what the README says
 * they keep (`--events-file` appends: a restarted process and two processes
 * on one file leave every event, each line whole), and control files apply
 * at their documented cadence (`SQUALL_STORE_FAULTS`, re-read every 50 ms:
 * a fault or heal written to it reaches the store's writes within 50 ms).
 * Each note carries what the README documents and what the process did; any
 * other outcome is a violation.
 */
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** One probe of the process environment, as deploy-probe-files.ts records it. */
interface ProcessEnvProbe {
  role: string;
  what: string;
  expect: string;
  outcome: string;
}

/** 39. Every process-environment probe did what the README documents. */
export function checkProcessEnv(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    const p = rec.f === 'note' ? (rec.value.processEnvProbe as ProcessEnvProbe | undefined) : undefined;
    if (p === undefined || p.expect === p.outcome) continue;
    out.push(violation(view.records, 'process-env', `${p.role} "${p.what}": ${p.outcome}, but the README documents ${p.expect}`, { index: rec.index }));
  }
  return out;
}
