/**
 * Blind set 16's dashboard misses (#10, #24), each as a broken variant
 * (./broken/ui16-variants.ts) caught by the simulated browser's reads at the
 * end of a run (harness/scenario/ui-browser.ts, judged by
 * harness/check/promises-ui-reads.ts under promise 29): dependency-states
 * passes on the real system and fails, naming api-contract, with the
 * defect planted.
 *
 * - the page and assets without the security headers: every /ui answer is
 *   read with its headers and held to the README's copy;
 * - a join that also waits on an execution outside the graph left out of
 *   GET /ui/graph/:id: late-mixed waits on root-completed and root-running,
 *   and the graph of either root (or of a chain hanging off root-completed)
 *   shows it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { graphJoinsDropped, uiAssetsWithoutHeaders } from './broken/ui16-variants.js';
import { simVerdict } from './broken/verdict.js';

const scenario = (name: string) => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', `${name}.yaml`));

describe('api-contract: the dashboard endpoints as a browser reads them', () => {
  it('dependency-states: the real system passes; assets without security headers and graphs without their joins are reported', { timeout: 60_000 }, async () => {
    const s = await scenario('dependency-states');
    expect((await simVerdict(s)).text).toBe('');
    const headers = await simVerdict(s, { wrapHttp: uiAssetsWithoutHeaders });
    expect(headers.promises).toEqual(['api-contract']);
    expect(headers.text).toMatch(/GET \/ui\/assets\/app\.js \(dashboard, t=\d+\) was answered with no Content-Security-Policy \(documented: .*frame-ancestors 'none'\)/);
    expect(headers.text).toMatch(/GET \/ui \(dashboard, t=\d+\) was answered with x-content-type-options null, documented nosniff/);
    const joins = await simVerdict(s, { wrapHttp: graphJoinsDropped });
    expect(joins.promises).toEqual(['api-contract']);
    expect(joins.text).toMatch(/GET \/ui\/graph\/\w+ \(t=\d+\) misses \w+ \(depends on \w+, \w+\): the graph holds .* every execution depending on any shown node, whatever else it waits on/);
  });

  it('dashboard-graphs: the real system passes; a diamond whose root also waits outside the graph, left out with what hangs off it, is reported', { timeout: 60_000 }, async () => {
    const s = await scenario('dashboard-graphs');
    expect((await simVerdict(s)).text).toBe('');
    const joins = await simVerdict(s, { wrapHttp: graphJoinsDropped });
    expect(joins.promises).toEqual(['api-contract']);
    // The join's root and its three other nodes (a diamond of 4) are missing from the first diamond's graph.
    expect(joins.text).toMatch(/GET \/ui\/graph\/\w+ \(t=\d+\) misses \w+ \(depends on \w+, \w+\), \w+ \(depends on \w+\), \w+ \(depends on \w+\), \w+ \(depends on \w+, \w+\)/);
  });
});
