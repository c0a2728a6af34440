/** The squall version stamped into artifacts and reports (package.json's). */
import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
export const SQUALL_VERSION: string = pkg.version;
