/**
 * The spec-bounds rule of promise 29 (harness/check/spec-bounds.ts): the
 * documented bounds parsed from docs/TASK-KINDS.md's tables, the values at
 * and past each, and the judgement of each answer (blind set 20 #25).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { boundProbes, documentedSpecBounds, parseSpecBounds } from '../../harness/check/spec-bounds.js';
import { H, baseContext } from './builder.js';

const TABLE = `### \`sleep\`

| field | type | required | limits | meaning |
|---|---|---|---|---|
| \`durationMs\` | integer | yes | >= 0, <= 604800000 | how long |
| \`checkpointEveryMs\` | integer | no | >= 1, <= 604800000 | how often |

### \`container\`

| \`image\` | string | yes | length >= 1, length <= 500 | image |
| \`timeoutMs\` | integer | no | > 0, <= 86400000 | stop after |
`;

describe('29 api-contract: spec bounds', () => {
  it('parses each bound of each table and gives the value at and past it', () => {
    const bounds = parseSpecBounds(TABLE);
    expect(bounds.map((b) => `${b.owner}.${b.field} ${b.of} ${b.op} ${b.bound}`)).toEqual([
      'sleep.durationMs value >= 0', 'sleep.durationMs value <= 604800000', 'sleep.checkpointEveryMs value >= 1', 'sleep.checkpointEveryMs value <= 604800000',
      'container.image length >= 1', 'container.image length <= 500', 'container.timeoutMs value > 0', 'container.timeoutMs value <= 86400000',
    ]);
    expect(boundProbes(bounds[2]!)).toEqual({ at: 1, past: 0 });
    expect(boundProbes(bounds[5]!)).toEqual({ at: 500, past: 501 });
    expect(boundProbes(bounds[6]!)).toEqual({ at: 1, past: 0 });
    // The committed doc's own tables: the sleep bound of set 20 #25 among them.
    expect(documentedSpecBounds()).toContainEqual({ owner: 'sleep', field: 'checkpointEveryMs', of: 'value', op: '>=', bound: 1, integer: true });
  });

  it('passes a bound accepted and a step past it refused 400; reports the step past it accepted and the bound refused', () => {
    const base = { owner: 'sleep', field: 'checkpointEveryMs', of: 'value', op: '>=', bound: 1, integer: true };
    const messages = (h: H): string[] => checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);
    const good = new H().at(10);
    good.rec.recordInfo({ specBound: { ...base, probe: 'at', value: 1, status: 201 } }, 'http-adversary');
    good.rec.recordInfo({ specBound: { ...base, probe: 'past', value: 0, status: 400, code: 'invalid_argument' } }, 'http-adversary');
    expect(messages(good)).toEqual([]);
    const bad = new H().at(10);
    bad.rec.recordInfo({ specBound: { ...base, probe: 'at', value: 1, status: 400, code: 'invalid_argument' } }, 'http-adversary');
    bad.rec.recordInfo({ specBound: { ...base, probe: 'past', value: 0, status: 201 } }, 'http-adversary');
    expect(messages(bad)).toEqual([
      expect.stringMatching(/^a submission with the sleep kind's checkpointEveryMs 1 was answered 400 invalid_argument: documented >= 1 \(docs\/TASK-KINDS.md\) allows it/),
      expect.stringMatching(/^a submission with the sleep kind's checkpointEveryMs 0 was answered 201: documented >= 1 \(docs\/TASK-KINDS.md\), so it must be refused 400 invalid_argument/),
    ]);
  });
});
