/**
 * Every test file starts without the caller's SQUALL_* settings: the system
 * reads its secret, token, URL, log level, store faults (and bin/ its name
 * hooks) from the environment, so a shell with, say, SQUALL_SECRET_FILE set
 * changed what the commands and the deployment probes built in-process saw
 * (tests/sim/broken-deploy16 and -18 failed). Tests that mean a setting set it
 * themselves (in process.env for the test, or in a child's env). Kept: the
 * suite's own knobs below, which only choose what or how much a test runs.
 * Registered in vitest.config.ts (setupFiles).
 */
const SUITE_KNOBS: ReadonlySet<string> = new Set([
  'SQUALL_FC_SEED',
  'SQUALL_FC_RUNS',
  'SQUALL_SWEEP_SECONDS',
  'SQUALL_SWEEP_SEEDS',
  'SQUALL_SWEEP_BASE',
  'SQUALL_DOCKER_TESTS',
  'SQUALL_TEST_IMAGE',
  'SQUALL_CHROMIUM',
]);

for (const name of Object.keys(process.env)) if (name.startsWith('SQUALL_') && !SUITE_KNOBS.has(name)) delete process.env[name];
