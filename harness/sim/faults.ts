/**
 * Fault rules for one direction of a link, in Toxiproxy's vocabulary (and
 * attribute names) plus our `corrupt`, so a scenario means the same thing in
 * simulation and live. A link direction holds an ordered list of rules; each
 * frame passes through them in order (turmoil's model: every rule says pass,
 * deliver-with-delay, hold or abort).
 *
 * How each rule acts on WebSocket frames in the simulation:
 * - latency {latency, jitter}: +latency ms ± uniform jitter per frame; order
 *   within a connection is kept (a frame never overtakes an earlier one).
 * - bandwidth {rate}: KB/s (1 KB = 1000 B, Toxiproxy's unit) per connection direction; frames queue behind
 *   each other (serialisation delay).
 * - timeout {timeout}: blackhole. Frames (and new connections) stop; they
 *   are held, not dropped, since a TCP stream cannot lose bytes mid-stream and
 *   stay valid. timeout > 0: the proxy closes the connection (1006 at both
 *   ends) that many ms after the rule met it or after the last frame that
 *   reached it, whichever is later (each frame restarts the timer, as in
 *   Toxiproxy). 0: held until removed.
 * - reset_peer {timeout}: a connection is reset (1006 at both ends)
 *   timeout ms after the first frame that reaches the rule in its direction
 *   (as Toxiproxy's reset_peer waits on its input; an idle connection is
 *   never reset).
 * - slow_close {delay}: close frames / FIN / RST are delayed by delay ms.
 * - slicer {average_size, size_variation, delay}: data is sliced into chunks
 *   with delay µs between them; a frame arrives whole once its last chunk
 *   does, so this adds ceil(bytes/average_size) × delay µs of latency.
 * - limit_data {bytes}: once more than `bytes` bytes went through this
 *   direction of a connection, the frame crossing the limit is lost and the
 *   connection is closed (1006 at both ends).
 * - down: the proxy is disabled: connects are refused and existing
 *   connections are closed (1006 at both ends) at once.
 * - corrupt {probability, fields?}: each frame, with that probability, has one bit
 *   flipped; the frame text the receiver gets differs from what was sent, so
 *   the receiver's codec must reject it. `fields` (sim only) aims the flip at
 *   the value of one of those top-level members when the frame has one
 *   (harness/sim/corrupt.ts).
 *
 * Every rule takes an optional `toxicity` (0..1, default 1): the probability,
 * rolled per connection direction from the seeded stream, that the rule
 * applies to that connection at all (Toxiproxy's meaning).
 */
import { InvalidArgumentError } from '../../system/core/index.js';
import { corruptFrameIn } from './corrupt.js';

interface Base {
  /** Probability per connection direction that the rule applies (default 1). */
  toxicity?: number;
}

/** One fault rule; `type` selects the variant. */
export type FaultRule = Base &
  (
    | { type: 'latency'; latency: number; jitter?: number }
    | { type: 'bandwidth'; rate: number }
    | { type: 'timeout'; timeout: number }
    | { type: 'reset_peer'; timeout: number }
    | { type: 'slow_close'; delay: number }
    | { type: 'slicer'; average_size: number; size_variation?: number; delay: number }
    | { type: 'limit_data'; bytes: number }
    | { type: 'down' }
    | { type: 'corrupt'; probability: number; fields?: readonly string[] }
  );
export type FaultRuleType = FaultRule['type'];

/** Removes an installed fault (rule, partition, link state); idempotent. */
export interface FaultHandle {
  remove(): void;
}

function nonNegative(value: number | undefined, path: string): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
    throw new InvalidArgumentError(`${path} must be a finite number >= 0, got ${String(value)}`, path);
  }
}

function probability(value: number | undefined, path: string): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= 1)) {
    throw new InvalidArgumentError(`${path} must be a probability in [0, 1], got ${String(value)}`, path);
  }
}

/** Rejects a rule with impossible attributes, naming the field. */
export function validateRule(rule: FaultRule): void {
  probability(rule.toxicity, `${rule.type}.toxicity`);
  switch (rule.type) {
    case 'latency':
      nonNegative(rule.latency, 'latency.latency');
      nonNegative(rule.jitter, 'latency.jitter');
      return;
    case 'bandwidth':
      if (!(Number.isFinite(rule.rate) && rule.rate > 0)) {
        throw new InvalidArgumentError(`bandwidth.rate must be > 0 KB/s (use timeout for no traffic), got ${rule.rate}`, 'bandwidth.rate');
      }
      return;
    case 'timeout':
    case 'reset_peer':
      nonNegative(rule.timeout, `${rule.type}.timeout`);
      return;
    case 'slow_close':
      nonNegative(rule.delay, 'slow_close.delay');
      return;
    case 'slicer':
      if (!(Number.isInteger(rule.average_size) && rule.average_size > 0)) {
        throw new InvalidArgumentError(`slicer.average_size must be a positive integer, got ${rule.average_size}`, 'slicer.average_size');
      }
      nonNegative(rule.size_variation, 'slicer.size_variation');
      nonNegative(rule.delay, 'slicer.delay');
      return;
    case 'limit_data':
      nonNegative(rule.bytes, 'limit_data.bytes');
      return;
    case 'down':
      return;
    case 'corrupt':
      probability(rule.probability, 'corrupt.probability');
      if (rule.fields !== undefined && !rule.fields.every((f) => typeof f === 'string' && f !== '')) {
        throw new InvalidArgumentError('corrupt.fields must be non-empty member names', 'corrupt.fields');
      }
      return;
    default: {
      const unknown: { type?: unknown } = rule;
      throw new InvalidArgumentError(
        `unknown fault rule type ${String(unknown.type)}; expected latency, bandwidth, timeout, reset_peer, slow_close, slicer, limit_data, down or corrupt`,
        'type',
      );
    }
  }
}

/** A canonical one-line description of a rule, for traces and fault logs. */
export function describeRule(rule: FaultRule): string {
  const entries = Object.entries(rule).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.map(([k, v]) => `${k}=${String(v)}`).join(',');
}

/**
 * Flips one bit of the frame's UTF-8 bytes (position from `pick`) and decodes
 * the result as the receiver would. Guaranteed to differ from the input for
 * any non-empty frame (tries the next bit if a flip decodes to the same text).
 */
export function corruptFrame(text: string, pick: (max: number) => number): string {
  return corruptFrameIn(text, pick).text;
}
