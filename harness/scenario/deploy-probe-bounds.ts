/**
 * Deployment probes AT the documented bounds of `squall coordinator` and
 * `squall worker` (adversary attack `deployment`, beside
 * deploy-probe-refusals.ts, which gives each value flag a value well
 * outside its range): a bound is a line, and a defect moves it by one
 * (blind set 22 #02: a heartbeat timeout EQUAL to the interval accepted;
 * #12: worker ids of 201-256 characters accepted though the protocol's
 * register allows 200). Each probe goes through the command itself
 * (command-accepts.ts commandRefusal) and is recorded as a `flagRefusal`
 * note with what the documentation gives it, judged by promise 31
 * (harness/check/promises-cli-refusals.ts):
 *
 * - every bounded value flag (documented-flags.ts' tables) at its least and
 *   its most value, alone: it starts (one step past is refused: the
 *   refusal probes);
 * - every documented relation between two flags (documented-flags.ts
 *   RELATIONS: timeout > interval, ceiling >= timeout, backoff cap >= first
 *   delay, ...) at its boundary, which starts, and one step past, which is
 *   refused naming the flag moved;
 * - the worker flags whose value goes into a protocol field (the
 *   register's workerId and concurrency: WORKER_PROTOCOL_BOUNDS, read from
 *   the protocol schema): at the schema's bound it starts, one past it is
 *   refused, by the command and, its own check lifted, by the worker's
 *   config resolver too (what `new Worker` runs: a library or harness worker
 *   would otherwise register in vain forever, closed 4400).
 */
import { type Bound, COORDINATOR_BOUNDS, documentedCoordinatorRefusal, documentedWorkerRefusal, RELATIONS, WORKER_BOUNDS, WORKER_PROTOCOL_BOUNDS } from './documented-flags.js';
import { commandRefusal } from './command-accepts.js';
import { COMPANIONS, type FlagRefusal, MORE_COORDINATOR, MORE_WORKER } from './deploy-probe-refusals.js';

type Cmd = 'coordinator' | 'worker';
const documented = (command: Cmd, args: readonly string[]): string | undefined => (command === 'coordinator' ? documentedCoordinatorRefusal(args) : documentedWorkerRefusal(args));

/** The value of `bound`'s grammar at `n` (a text of n characters). */
const valueAt = (b: Bound, n: number): string => (b.grammar === 'text' ? 'w'.repeat(n) : String(n));

function probe(command: Cmd, layer: FlagRefusal['layer'], flag: string, args: string[], expect: 'refused' | 'started', bound: string, o: { also?: string[]; text?: boolean } = {}): FlagRefusal {
  const refusal = commandRefusal(command, args, layer === 'resolver' ? { lift: flag, liftText: o.text === true } : {});
  return { command, layer, flag, args, refusal: refusal ?? null, expect, bound, ...(o.also === undefined ? {} : { also: o.also }) };
}

/** Each bounded flag alone at its least and most value, when the documentation accepts it alone there (else a relation holds it: RELATIONS probes it). */
function atBounds(command: Cmd, table: Readonly<Record<string, Bound>>): FlagRefusal[] {
  const out: FlagRefusal[] = [];
  for (const [flag, b] of Object.entries(table)) {
    for (const [n, side] of [[b.min, 'least'], ...(b.max === undefined ? [] : [[b.max, 'most']])] as [number, string][]) {
      const args = [...(COMPANIONS[flag] ?? []), flag, valueAt(b, n)];
      if (documented(command, args) === undefined) out.push(probe(command, 'parse', flag, args, 'started', `${flag}'s documented ${side} value, ${n}`));
    }
  }
  return out;
}

/** Each documented relation at its boundary (starts) and one step past (refused, naming the flag moved). */
function atRelations(): FlagRefusal[] {
  return RELATIONS.flatMap((r) => {
    const also = [...r.fixed.filter((a) => a.startsWith('--')), ...(r.names ?? [])];
    const bound = `the documented relation of ${r.moved} with ${also.join(', ')} (its last value accepted: ${r.at})`;
    return [probe(r.command, 'parse', r.moved, [...r.fixed, r.moved, r.at], 'started', bound, { also }), probe(r.command, 'parse', r.moved, [...r.fixed, r.moved, r.past], 'refused', bound, { also })];
  });
}

/** The worker's flags that become protocol fields, at the schema's bound and one past, by the command and by the worker's resolver. */
function atProtocolBounds(): FlagRefusal[] {
  const out: FlagRefusal[] = [];
  for (const [flag, b] of Object.entries(WORKER_PROTOCOL_BOUNDS)) {
    const max = b.max as number;
    const bound = `the bound the protocol's ${b.field} sets (${b.grammar === 'text' ? 'a length of ' : ''}${b.min} to ${max})`;
    const text = b.grammar === 'text';
    for (const layer of ['parse', 'resolver'] as const) {
      out.push(probe('worker', layer, flag, [flag, valueAt(b, max)], 'started', bound, { text }));
      out.push(probe('worker', layer, flag, [flag, valueAt(b, max + 1)], 'refused', bound, { text }));
    }
    if (text) out.push(probe('worker', 'parse', flag, [flag, valueAt(b, b.min)], 'started', bound, { text }));
  }
  return out;
}

/** Every probe above, for both commands. */
export function boundaryResults(): FlagRefusal[] {
  return [...atBounds('coordinator', { ...COORDINATOR_BOUNDS, ...MORE_COORDINATOR }), ...atBounds('worker', { ...WORKER_BOUNDS, ...MORE_WORKER }), ...atRelations(), ...atProtocolBounds()];
}
