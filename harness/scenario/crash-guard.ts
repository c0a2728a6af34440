/**
 * A crash of the system or the harness during a run is a failed run, not a
 * dead process (issue 10): an exception out of the run, or an unhandled
 * rejection / uncaught exception anywhere while it runs, ends the run with a
 * RunCrash the caller turns into a failed verdict, its seed and an artifact.
 * While a guard is active it owns the process-level handlers (Node would
 * otherwise exit on them); they are removed when the run settles.
 */

/** What crashed a run. */
export interface RunCrash {
  origin: 'exception' | 'unhandledRejection' | 'uncaughtException';
  message: string;
  stack?: string;
  /** What was thrown (a caller may recognise its own errors); not serialised. */
  cause?: unknown;
}

function crashOf(origin: RunCrash['origin'], err: unknown): RunCrash {
  const e = err instanceof Error ? err : new Error(String(err));
  return { origin, message: `${e.name}: ${e.message}`, ...(e.stack === undefined ? {} : { stack: e.stack.split('\n').slice(0, 12).join('\n') }), cause: err };
}

/** Runs fn; resolves with its value, or with the crash that ended it. Never rejects. */
export async function guardRun<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; crash: RunCrash }> {
  let onRejection: ((reason: unknown) => void) | undefined;
  let onException: ((err: unknown) => void) | undefined;
  const crashed = new Promise<RunCrash>((resolve) => {
    onRejection = (reason) => resolve(crashOf('unhandledRejection', reason));
    onException = (err) => resolve(crashOf('uncaughtException', err));
  });
  process.on('unhandledRejection', onRejection as (reason: unknown) => void);
  process.on('uncaughtException', onException as (err: unknown) => void);
  try {
    const run = fn().then(
      (value) => ({ ok: true as const, value }),
      (err: unknown) => ({ ok: false as const, crash: crashOf('exception', err) }),
    );
    return await Promise.race([run, crashed.then((crash) => ({ ok: false as const, crash }))]);
  } finally {
    process.off('unhandledRejection', onRejection as (reason: unknown) => void);
    process.off('uncaughtException', onException as (err: unknown) => void);
  }
}
