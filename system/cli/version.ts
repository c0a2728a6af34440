/**
 * The system's version, from the nearest package.json two levels up: the
 * repository's when run from source (system/cli/), dist/package.json (written
 * by scripts/build-system.ts with the same version) when compiled
 * (dist/system/cli/). system/ cannot import harness/version.ts.
 */
import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
export const SYSTEM_VERSION: string = pkg.version;
