/**
 * Cross-field rules for the worker features a scenario exercises (issue 10):
 * a large echo value (`valueBytes`), the flood's message size against the
 * frame limit, `drain`, which acts on workers only, and the handshake
 * deadline's ceiling (not below the first deadline), twins of fleet
 * workers within the fault phase. Each problem is
 * reported at the path of the offending field.
 */
import type { z } from 'zod';
import { COORDINATOR_DEFAULTS } from '../../system/coordinator/index.js';
import { type Scenario, workerIds } from './schema.js';
import { groupsOf, resolveEndpoint } from './targets.js';

/** What a data message adds to its payload on the wire: its JSON (`{"type":"data","payload":""}`) and the envelope room the worker reserves. */
const DATA_OVERHEAD_BYTES = 28 + 256;

/** The valueBytes, flood and drain rules. */
export function validateWorkerFeatures(s: Scenario, ctx: z.RefinementCtx): void {
  const problem = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
  s.workload.items.forEach((item, i) => {
    if (item.valueStepBytes !== undefined && item.valueBytes === undefined) problem(['workload', 'items', i, 'valueStepBytes'], 'valueStepBytes steps an echo value of valueBytes; give valueBytes too');
    if (item.valueText !== undefined && item.valueBytes === undefined) problem(['workload', 'items', i, 'valueText'], 'valueText says what an echo value of valueBytes is made of; give valueBytes too');
    if (item.valueBytes === undefined) return;
    if (item.kind !== 'echo') problem(['workload', 'items', i, 'valueBytes'], `valueBytes sets an echo value; this item's kind is "${item.kind}" (use kind: echo, or drop valueBytes)`);
    if (item.params.value !== undefined) problem(['workload', 'items', i, 'params', 'value'], 'give either params.value or valueBytes, not both');
  });
  const frameLimit = s.coordinator.maxFrameBytes ?? COORDINATOR_DEFAULTS.maxFrameBytes;
  const flood = s.workload.flood;
  if (flood !== undefined && flood.bytes + DATA_OVERHEAD_BYTES > frameLimit) {
    problem(['workload', 'flood', 'bytes'], `a data message of ${flood.bytes} bytes does not fit the frame limit (coordinator.maxFrameBytes ${frameLimit}, less ${DATA_OVERHEAD_BYTES} bytes of message and envelope); at most ${frameLimit - DATA_OVERHEAD_BYTES}`);
  }
  const { handshakeTimeoutMs: base = 5000, handshakeTimeoutMaxMs: max } = s.fleet;
  if (max !== undefined && max < base) problem(['fleet', 'handshakeTimeoutMaxMs'], `the handshake deadline's ceiling must be >= fleet.handshakeTimeoutMs (${base}); got ${max}`);
  const ids = new Set(workerIds(s.fleet));
  s.fleet.twins.forEach((t, i) => {
    if (!ids.has(t.of)) problem(['fleet', 'twins', i, 'of'], `a twin takes a fleet worker's id; "${t.of}" is none of ${[...ids].slice(0, 5).join(', ')}${ids.size > 5 ? ', ...' : ''}`);
    if (t.at >= s.phases.faultsMs) problem(['fleet', 'twins', i, 'at'], `a twin starts within the fault phase (phases.faultsMs ${s.phases.faultsMs}); got ${t.at}`);
  });
  const groups = groupsOf(s.fleet).groups;
  s.faults.forEach((f, i) => {
    if (f.action.type !== 'drain') return;
    // Unknown targets and links are reported by validate.ts checkFaults.
    if (resolveEndpoint(s.fleet, f.target.trim(), groups)?.coordinator === true) problem(['faults', i, 'target'], 'drain stops workers gracefully; target workers (a worker id, a group or all-workers), not the coordinator');
  });
}
