/**
 * The toxic registry: Toxiproxy 2.x's TCP toxics plus our `corrupt`.
 * A type not listed here is "invalid toxic type" (400).
 */
import { bandwidthToxic } from './bandwidth.js';
import { corruptToxic } from './corrupt.js';
import { latencyToxic } from './latency.js';
import { limitDataToxic } from './limit-data.js';
import { noopToxic } from './noop.js';
import { resetPeerToxic } from './reset-peer.js';
import { slicerToxic } from './slicer.js';
import { slowCloseToxic } from './slow-close.js';
import { timeoutToxic } from './timeout.js';
import type { ToxicDefinition } from './types.js';

export type { Chunk, Pending, StageContext, ToxicBehaviour, ToxicDefinition } from './types.js';
export { passThrough } from './types.js';

const all: readonly ToxicDefinition[] = [
  noopToxic,
  latencyToxic,
  bandwidthToxic,
  slowCloseToxic,
  timeoutToxic,
  resetPeerToxic,
  slicerToxic,
  limitDataToxic,
  corruptToxic,
];

/** Toxic definitions by type name. */
export const toxicRegistry: ReadonlyMap<string, ToxicDefinition> = new Map(all.map((d) => [d.type, d]));
