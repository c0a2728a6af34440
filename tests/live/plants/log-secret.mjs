// Planted defect (tests/live/secrets-live.test.ts): a coordinator that logs its
// configuration at start, the workers' secret included, as a JSON log line on
// stderr. Preloaded with `node --import` through LiveRunOptions.wiring.
import process from 'node:process';

process.stderr.write(`${JSON.stringify({ level: 'info', msg: 'starting with config', config: { secret: process.env.SQUALL_SECRET ?? '' } })}\n`);
