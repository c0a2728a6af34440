/**
 * A failed task's error message longer than the protocol allows (blind set
 * 13 #28): engine-features runs a `fail` task whose message is 4100
 * characters (messageChars). The real worker cuts it to 4000 and the
 * coordinator records the result; a worker that cuts at 4096
 * (tests/sim/broken/result-cut-variants.ts) sends a result the coordinator
 * refuses as malformed on every re-send: an honest frame refused (8 auth),
 * a spurious disconnect (10) and work never recorded (1). The real system's
 * pass at seed 1 is asserted in broken-api13.test.ts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { errorCutAt4096 } from './broken/result-cut-variants.js';
import { simVerdict } from './broken/verdict.js';

describe('a failure message cut past the protocol limit', () => {
  it('is refused on every re-send and reported (engine-features: long-error)', { timeout: 90_000 }, async () => {
    const s = await loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'engine-features.yaml'));
    const broken = await simVerdict(s, { onWorker: errorCutAt4096 });
    expect(broken.promises).toEqual(expect.arrayContaining(['auth', 'no-lost-work']));
    expect(broken.text).toMatch(/refused a frame on \w+ as malformed at t=\d+ \(invalid "result" message: Too big: expected string to have <=4000 characters at "error\.message"\).*an honest frame refused as damaged/);
  });
});
