// `node --import tsx --import ./bin/plain-names-register.mjs FILE.ts`: tsx's
// TypeScript loading without the cost of its name helper (bin/plain-names.mjs;
// SQUALL_KEEP_NAMES=1 keeps it).
import { register } from 'node:module';

if (process.env.SQUALL_KEEP_NAMES !== '1') register('./plain-names.mjs', import.meta.url);
