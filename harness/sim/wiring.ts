/**
 * The test-only wiring of a simulated run (SimWiring): the processes' seams
 * (processes.ts ProcessWiring) and the CLI client's (harness/scenario/client-cli.ts).
 * Nothing in system/ knows about it; absent members mean the production piece.
 */
import type { Command } from 'commander';
import type { CliIo } from '../../system/cli/index.js';
import type { SimWiring as ProcessWiring } from './processes.js';

/** Test-only seams of the simulated CLI client; absent means the real commands as `squall` runs them. */
export interface CliWiring {
  /** Rewrites the CliIo each command gets (e.g. a sleep that does not wait). */
  io?: (io: CliIo) => CliIo;
  /** Sees the program once the real commands are registered (e.g. replaces a command's action). */
  program?: (program: Command, io: CliIo) => void;
  /** The exit code of a command's error, in place of system/cli's exitCodeOf (undefined: a bug). */
  exitCodeOf?: (err: unknown) => number | undefined;
}

/** Every test-only seam of a simulated run. */
export interface SimWiring extends ProcessWiring {
  /** The CLI client's commands: a broken watch, sleep or exit-code mapping. */
  cli?: CliWiring;
}
