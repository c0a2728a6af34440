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
    good.rec.recordInfo({ specBound: { ...base, probe: 'past', value: 0, status: 400, code: 'invalid_argument', path: 'params.checkpointEveryMs' } }, 'http-adversary');
    expect(messages(good)).toEqual([]);
    const bad = new H().at(10);
    bad.rec.recordInfo({ specBound: { ...base, probe: 'at', value: 1, status: 400, code: 'invalid_argument' } }, 'http-adversary');
    bad.rec.recordInfo({ specBound: { ...base, probe: 'past', value: 0, status: 201 } }, 'http-adversary');
    expect(messages(bad)).toEqual([
      expect.stringMatching(/^a submission with the sleep kind's checkpointEveryMs 1 was answered 400 invalid_argument: documented >= 1 \(docs\/TASK-KINDS.md\) allows it/),
      expect.stringMatching(/^a submission with the sleep kind's checkpointEveryMs 0 was answered 201: documented >= 1 \(docs\/TASK-KINDS.md\), so it must be refused 400 invalid_argument/),
    ]);
  });

  const BODIES = `### Execution spec (\`POST /api/v1/executions\`)

| \`taskId\` | string | no | length >= 1, length <= 256 | name |

### Batch body

| \`executions\` | array of object | yes | items >= 1, items <= 10000 |  |

### Graph body

| \`tasks\` | object of object | yes | names length >= 1, names length <= 256 |  |

### Control body

| \`reason\` | string | no | length <= 1000 |  |

### Something else

| \`ignored\` | string | no | length <= 5 |  |
`;

  it('parses the request bodies around the spec (batch, graph, control; names length), and no other section', () => {
    expect(parseSpecBounds(BODIES).map((b) => `${b.owner}.${b.field} ${b.of} ${b.op} ${b.bound}`)).toEqual([
      'spec.taskId length >= 1', 'spec.taskId length <= 256', 'batch.executions items >= 1', 'batch.executions items <= 10000',
      'graph.tasks names >= 1', 'graph.tasks names <= 256', 'control.reason length <= 1000',
    ]);
    // The committed doc's (generated from coordinator/http-schemas.ts): the reason bound of set 22 #06 among them.
    expect(documentedSpecBounds()).toContainEqual({ owner: 'control', field: 'reason', of: 'length', op: '<=', bound: 1000, integer: false });
  });

  it('passes a refusal naming the field with no effect; reports one past the bound accepted, one naming another field, one that changed the state', () => {
    const reason = { owner: 'control', field: 'reason', of: 'length', op: '<=', bound: 1000, integer: false, control: 'cancel' };
    const messages = (h: H): string[] => checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);
    const good = new H().at(10);
    good.rec.recordInfo({ specBound: { ...reason, probe: 'past', value: 1001, status: 400, code: 'invalid_argument', path: 'reason' } }, 'http-adversary');
    good.rec.recordInfo({ specBound: { ...reason, probe: 'at', value: 1000, status: 200 } }, 'http-adversary');
    expect(messages(good)).toEqual([]);
    const bad = new H().at(10);
    bad.rec.recordInfo({ specBound: { ...reason, probe: 'past', value: 1001, status: 200 } }, 'http-adversary');
    bad.rec.recordInfo({ specBound: { ...reason, probe: 'past', value: 1001, status: 400, code: 'invalid_argument', path: 'body' } }, 'http-adversary');
    bad.rec.recordInfo({ specBound: { ...reason, probe: 'past', value: 1001, status: 400, code: 'invalid_argument', path: 'reason', sideEffect: 'status scheduled before, cancelled after' } }, 'http-adversary');
    expect(messages(bad)).toEqual([
      expect.stringMatching(/^a cancel \(POST \/api\/v1\/executions\/\{id\}\/cancel\) with the control body's reason of length 1001 was answered 200: documented length <= 1000 \(docs\/TASK-KINDS.md\), so it must be refused 400 invalid_argument/),
      expect.stringMatching(/^a cancel .* was refused 400 naming "body": a refusal over documented length <= 1000 .* names the field \("reason"\)/),
      expect.stringMatching(/^a cancel .* was refused 400 but changed the state all the same \(status scheduled before, cancelled after\)/),
    ]);
  });
});

