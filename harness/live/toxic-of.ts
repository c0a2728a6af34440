/** Network fault actions as Toxiproxy toxics: the toxic type and attributes of each. */
import { type FaultAction, kbpsToRate } from '../scenario/faults.js';

/** Bytes per frame assumed to turn the scenario's per-frame corrupt probability into the proxy's per-bit one. */
const ASSUMED_FRAME_BYTES = 200;

/** Per-frame probability → per-bit flip probability (proxy `corrupt` flips bits independently). */
export function perBitProbability(perFrame: number): number {
  if (perFrame >= 1) return 1;
  return 1 - Math.pow(1 - perFrame, 1 / (ASSUMED_FRAME_BYTES * 8));
}

/** The actions that become a toxic (not down, partition, process or storage faults). */
export type NetAction = Exclude<FaultAction, { type: 'down' | 'partition' | 'pause' | 'kill' | 'restart' | 'clock_skew' | 'drain' | 'oom_kill' | 'disk_full' | 'disk_error' | 'slow_disk' | 'store_thread_death' | 'revoke_token' }>;

/** The toxic type and attributes of a network action (Toxiproxy names). */
export function toxicOf(a: NetAction): { type: string; attributes: Record<string, number> } {
  switch (a.type) {
    case 'latency':
      return { type: 'latency', attributes: { latency: a.ms, jitter: a.jitterMs } };
    case 'bandwidth':
      return { type: 'bandwidth', attributes: { rate: kbpsToRate(a.kbps) } };
    case 'timeout':
      return { type: 'timeout', attributes: { timeout: a.timeoutMs } };
    case 'reset_peer':
      return { type: 'reset_peer', attributes: { timeout: a.timeoutMs } };
    case 'slow_close':
      return { type: 'slow_close', attributes: { delay: a.delayMs } };
    case 'slicer':
      return { type: 'slicer', attributes: { average_size: a.averageSize, size_variation: a.sizeVariation, delay: a.delayUs } };
    case 'limit_data':
      return { type: 'limit_data', attributes: { bytes: a.bytes } };
    case 'corrupt':
      return { type: 'corrupt', attributes: { probability: perBitProbability(a.probability) } };
  }
}
