/** The types the engine's layers share (core-state.ts, core-leases.ts, core.ts). */
import type { Clock } from '../core/clock.js';
import type { EventSink } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import type { Marks } from '../core/marks.js';
import type { ExecutionRecord } from '../core/model.js';
import type { Random } from '../core/random.js';
import type { Store } from '../store/store.js';

/** The seams the engine runs on. */
export interface EngineDeps {
  store: Store;
  clock: Clock;
  random: Random;
  logger: Logger;
  events: EventSink;
  /** Coverage marks (default noMarks; the simulation counts them). */
  marks?: Marks;
}

export type TerminalStatus = 'completed' | 'failed' | 'cancelled' | 'timeout';
export type ErrorInfo = { code: string; message: string };
/** One pending ending in finish()'s worklist. */
export interface FinishWork {
  rec: ExecutionRecord;
  to: TerminalStatus;
  reason: string;
  error: ErrorInfo | undefined;
}
