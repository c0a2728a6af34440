/**
 * What the simulated Docker engine and process table record of every
 * operation on what the `container` and `command` kinds create, with its
 * attempt: the history's `resources` notes (harness/check/promises-resources.ts
 * judges them). Environment values are never recorded: only the names, and
 * which of them carry one of the worker's secrets.
 */

/** The attempt a container or process was made for (the task context's). */
export interface AttemptRef {
  execution: string;
  attempt: number;
}

/** One operation, as the engine or the operating system saw it. */
export interface ResourceRecord {
  resource: 'container' | 'process';
  /**
   * container: pull, create, start, kill, exit, logs, remove, refused (an
   * operation the engine refused: missing image, not running, unknown id);
   * process: spawn, spawn-failed, signal, exit.
   */
  op: string;
  /** The worker whose engine / operating system it is. */
  host: string;
  /** Container id or pid (absent for a pull or a refused create). */
  id?: string;
  execution?: string;
  attempt?: number;
  /** The rest: image, argv, envNames, leaked, code, signal, stdout, stderr, cause, why... */
  [field: string]: unknown;
}

/** Where records go (the run's HistoryRecorder as a `resources` note). */
export type ResourceSink = (r: ResourceRecord) => void;

/** The entries of `env` whose value carries one of `secrets` (the names of the secret variables they carry). */
export function leakedSecrets(env: Record<string, string>, secrets: Readonly<Record<string, string>>): string[] {
  const out = new Set<string>();
  for (const value of Object.values(env)) {
    for (const [name, secret] of Object.entries(secrets)) if (secret.length >= 4 && value.includes(secret)) out.add(name);
  }
  return [...out].sort();
}

/**
 * The command kind's documented clean base (docs/TASK-KINDS.md, "A child's
 * environment"): what a child gets of the worker's own environment, each
 * variable the worker has, unless the task's env gives it another value.
 */
const COMMAND_BASE_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'LOGNAME', 'SHELL'] as const;

/**
 * How a child's environment stands against the worker's: the documented base
 * variables the worker has that the child lacks (baseMissing), and the
 * worker's other variables the child got though neither the base, the task's
 * env nor an allow-list named them (workerEnvLeaked). Empty lists are left out.
 */
export function envAgainstWorker(env: Readonly<Record<string, string>>, worker: Readonly<Record<string, string>>, task: Readonly<Record<string, string>> | undefined, allowed: readonly string[] = []): Record<string, string[]> {
  const base = new Set<string>(COMMAND_BASE_ENV);
  const given = task ?? {};
  const missing = Object.keys(worker).filter((k) => base.has(k) && !(k in given) && env[k] !== worker[k]).sort();
  const leaked = Object.keys(worker).filter((k) => !base.has(k) && !(k in given) && !allowed.includes(k) && k in env).sort();
  return { ...(missing.length === 0 ? {} : { baseMissing: missing }), ...(leaked.length === 0 ? {} : { workerEnvLeaked: leaked }) };
}

/**
 * How an environment stands against the task's own `env`: the names whose
 * value is not the task's (taskEnvIgnored), and with `only` (a container's
 * environment is the task's env only) the names the task did not give
 * (extraEnv). Empty lists are left out of the record.
 */
export function envAgainstTask(env: Readonly<Record<string, string>>, task: Readonly<Record<string, string>> | undefined, only: boolean): Record<string, string[]> {
  const given = task ?? {};
  const ignored = Object.keys(given).filter((k) => env[k] !== given[k]).sort();
  const extra = only ? Object.keys(env).filter((k) => !(k in given)).sort() : [];
  return { ...(ignored.length === 0 ? {} : { taskEnvIgnored: ignored }), ...(extra.length === 0 ? {} : { extraEnv: extra }) };
}
