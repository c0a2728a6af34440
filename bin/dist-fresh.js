// Whether the compiled system build (dist/, `npm run build`) is present and
// newer than every source file under system/ (tests excluded; folders count:
// a deleted file changes its folder's time). One rule for the `squall` entry
// point (bin/squall.js) and for the benchmarks (benchmarks/lib/sut.ts).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const distManifest = `${root}dist/package.json`;
const systemDir = `${root}system/`;

/** The newest modification time under system/ (0 without sources). */
function newestSource() {
  if (!existsSync(systemDir)) return 0;
  let newest = 0;
  for (const f of readdirSync(systemDir, { recursive: true, encoding: 'utf8' })) {
    if (f.endsWith('.test.ts')) continue;
    newest = Math.max(newest, statSync(systemDir + f).mtimeMs);
  }
  return newest;
}

/** built: dist/ exists; fresh: and no system/ source is newer. */
export function distFreshness() {
  const built = existsSync(distManifest);
  return { built, fresh: built && statSync(distManifest).mtimeMs >= newestSource() };
}
