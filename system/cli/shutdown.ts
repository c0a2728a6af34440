/**
 * What SIGINT/SIGTERM close in the long-running commands (signals.ts runs
 * it and exits): one definition for `squall coordinator` / `squall worker`
 * and for the simulation, which runs the same stop on its processes
 * (harness/scenario/process-stop.ts).
 */

interface Closable {
  close(): Promise<void>;
}

/** `squall coordinator`'s stop: the coordinator (loops, connections, port), then the store (its last commits, then the file), then the event file. A failing step fails the stop. */
export function coordinatorShutdown(parts: { coordinator: Closable; store: Closable; eventFile?: Closable }): () => Promise<void> {
  return async () => {
    await parts.coordinator.close();
    await parts.store.close();
    await parts.eventFile?.close();
  };
}

/** `squall worker`'s stop: drain (up to drainTimeoutMs, then hand back what still runs), then the event file. */
export function workerShutdown(parts: { worker: { stop(opts: { drain: boolean; timeoutMs: number }): Promise<void> }; drainTimeoutMs: number; eventFile?: Closable }): () => Promise<void> {
  return async () => {
    await parts.worker.stop({ drain: true, timeoutMs: parts.drainTimeoutMs });
    await parts.eventFile?.close();
  };
}
