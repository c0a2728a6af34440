/**
 * Entry point of the standalone system build (`npm run build`, then
 * `node dist/system/cli/main.js coordinator ...`; the Docker image's
 * ENTRYPOINT). Runs without tsx, the harness or its dependencies.
 */
import { systemProgram } from './program.js';
import { runCli } from './run-cli.js';

await runCli(systemProgram(), process.argv);
