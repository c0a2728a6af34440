/** The repository root (bin/, harness/, benchmarks/ ...): the cwd of every child we spawn. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
