/**
 * A process that refuses, at start, the config the scenario gives it (the
 * system's own validation: resolveCoordinatorConfig, the engine's,
 * workerConfigWithDefaults) does not crash the run: the run fails promise 8
 * ("a config the docs accept starts", as the deployment probes judge the
 * commands' configs), naming the process, the field and the system's reason.
 * The scenario schema accepts only what the docs accept, so such a refusal
 * is the system refusing its own documented config (blind set 17 #12 refused
 * month-long-drain's 180 s heartbeat timeout over a ceiling no one gave).
 */
import { ErrorCode, SquallError } from '../../system/core/index.js';
import type { Violation } from '../check/violation.js';
import { violation } from '../check/violation.js';

/** The config `process` was given was refused by the system as it started (`when`: at start, or at a restart a fault made). */
export class ConfigRefused extends Error {
  constructor(
    readonly process: string,
    readonly refusal: SquallError,
    readonly when = 'at start',
  ) {
    super(`${process} refused its config ${when}: ${refusal.message}`);
    this.name = 'ConfigRefused';
  }
}

const isRefusal = (err: unknown): err is SquallError => err instanceof SquallError && err.code === ErrorCode.InvalidArgument;

/** Starts `process` with `start`; a config refusal becomes a ConfigRefused (other errors pass as they are). */
export function startOrRefused<T>(process: string, start: () => T, when?: string): T {
  try {
    return start();
  } catch (err) {
    throw isRefusal(err) ? new ConfigRefused(process, err, when) : err;
  }
}

/** The async form of startOrRefused (the coordinator starts asynchronously). */
export async function startOrRefusedAsync<T>(process: string, start: () => Promise<T>, when?: string): Promise<T> {
  try {
    return await start();
  } catch (err) {
    throw isRefusal(err) ? new ConfigRefused(process, err, when) : err;
  }
}

/**
 * A fault step's error: a restart whose new process refused its config ends
 * the run as a refusal at start does (promise 8, configRefusedViolation), the
 * fault named (`fault`); any other error is left to the caller (a refused fault).
 */
export function rethrowRefusal(err: unknown, fault: string): void {
  const named = namedRefusal(err, fault);
  if (named !== undefined) throw named;
}

/** A ConfigRefused with the fault that caused it named (`fault`), or undefined for any other error. */
export function namedRefusal(err: unknown, fault: string): ConfigRefused | undefined {
  return err instanceof ConfigRefused ? new ConfigRefused(err.process, err.refusal, `${err.when} (${fault})`) : undefined;
}

/** A start's error as a ConfigRefused of `process` when it is a config refusal (a supervised start hands its raw error), else undefined. */
export function asRefusal(process: string, err: unknown, when: string): ConfigRefused | undefined {
  return err instanceof ConfigRefused ? err : isRefusal(err) ? new ConfigRefused(process, err, when) : undefined;
}

/** Promise 8's verdict on a run whose process refused its config. */
export function configRefusedViolation(e: ConfigRefused, scenario: string): Violation {
  const field = e.refusal.path === undefined ? '' : ` (field ${e.refusal.path})`;
  return violation([], 'auth', `the ${e.process} refused the config scenario ${scenario} gave it ${e.when}${field}: ${e.refusal.message}. A config the docs accept must start (the scenario schema accepts only documented values), so the run could not test anything`, e.process === 'coordinator' ? {} : { workerId: e.process.replace(/^worker /, '') });
}
