/**
 * The coordinator config module with its resolver planted to refuse while a
 * file's plant is on (promise 8 variants: broken-config34, broken-restart34,
 * broken-trigger35). Each file's `vi.mock` factory is hoisted per file and
 * imports this inside it; this module imports config only as a type, so the
 * mock it builds does not load itself.
 */
import type * as CoordinatorConfigModule from '../../../system/coordinator/config.js';
import { InvalidArgumentError } from '../../../system/core/errors.js';

type Config = CoordinatorConfigModule.CoordinatorConfig;

/** `real` with resolveCoordinatorConfig refusing, while `plant.on`, whatever `refuses` names (a message and field). */
export function refusingConfig(real: typeof CoordinatorConfigModule, plant: { on: boolean }, refuses: (c: Config) => [string, string] | undefined): typeof CoordinatorConfigModule {
  return {
    ...real,
    resolveCoordinatorConfig: (c: Config = {}) => {
      const refusal = plant.on ? refuses(c) : undefined;
      if (refusal !== undefined) throw new InvalidArgumentError(...refusal);
      return real.resolveCoordinatorConfig(c);
    },
  };
}

/** Broken: a resolver that refuses on a later start what it accepted on the first. */
export const leaseRefused = (c: Config): [string, string] => [`leaseMs (${c.leaseMs ?? 'default'}) must exceed heartbeatTimeoutMs`, 'leaseMs'];
