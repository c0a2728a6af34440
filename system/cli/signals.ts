/**
 * Clean shutdown on SIGINT/SIGTERM: run the close function once, exit 0
 * when it ends, 1 when it fails (README: a failed stop, e.g. the store's
 * last commit or close, is not a clean one); a second signal forces exit 130.
 * What it asks of the process (signal handlers, the exit) goes through
 * ProcessControl: the real process by default, the simulation's own
 * (harness/scenario/process-stop.ts) to run the same path on virtual time.
 */
import type { Logger } from '../core/logger.js';

/** What the long-running commands (`squall coordinator`, `squall worker`) do with their process. */
export interface ProcessControl {
  /** Calls `handler` on each delivery of the signal. */
  on(signal: 'SIGINT' | 'SIGTERM', handler: (signal: NodeJS.Signals) => void): unknown;
  /** Ends the process with this code. */
  exit(code: number): void;
}

const nodeProcess: ProcessControl = process;

/** Installs the handlers: the first signal runs `close` and exits 0 or 1 by its outcome, a second exits 130. */
export function onShutdownSignal(logger: Logger, close: () => Promise<void>, process: ProcessControl = nodeProcess): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
      return;
    }
    closing = true;
    logger.info({ signal }, 'shutting down (a second Ctrl-C or SIGTERM exits now)');
    // The "closed" line is the proof the stop ran to its end (the store closed, its WAL checkpointed): a process that exits before it never logs it.
    const stop = async (): Promise<void> => {
      await close();
      logger.info({ signal }, 'closed: every step of the stop ended; exiting 0');
    };
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
