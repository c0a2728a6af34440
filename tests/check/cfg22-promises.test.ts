/**
 * Blind set 22's configuration-bound rule on synthetic histories (promise
 * 31, promises-cli-refusals.ts): a `flagRefusal` probe at a documented
 * bound (deploy-probe-bounds.ts) that the command answers against the
 * documentation is reported: a value at the bound refused, a value one
 * step past it accepted (by the command, or by the resolver with the
 * command's own check lifted: #12), a relation's refusal naming a flag
 * outside the relation; each with its good neighbour.
 * tests/sim/broken-cfg22.test.ts shows them caught in the simulation.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { CLI_ENV } from '../../harness/scenario/deploy-probe-blank-env.js';
import { H, baseContext } from './builder.js';

function messages(notes: Record<string, unknown>[]): string[] {
  const h = new H().at(10);
  for (const n of notes) h.rec.recordInfo(n, 'deploy-probe');
  return checkHistory(h.history(), ['cli'], baseContext).map((v) => v.message);
}

const RELATION = 'the documented relation of --heartbeat-timeout-ms with --heartbeat-ms (its last value accepted: 2001)';
const probe = (layer: 'parse' | 'resolver', args: string[], expect: 'refused' | 'started', refusal: string | null, also?: string[]) => ({
  flagRefusal: { command: args[0] === '--id' ? 'worker' : 'coordinator', layer, flag: args.at(-2), args, refusal, expect, bound: RELATION, ...(also === undefined ? {} : { also }) },
});

describe('31 cli: a value at its documented bound starts, one step past is refused', () => {
  it('passes the boundary accepted, one past refused naming the flag (and the relation\'s other flag)', () => {
    expect(
      messages([
        probe('parse', ['--heartbeat-ms', '2000', '--heartbeat-timeout-ms', '2001'], 'started', null, ['--heartbeat-ms']),
        probe('parse', ['--heartbeat-ms', '2000', '--heartbeat-timeout-ms', '2000'], 'refused', '--heartbeat-timeout-ms (2000) must be greater than --heartbeat-ms (2000)', ['--heartbeat-ms']),
        probe('resolver', ['--id', 'w'.repeat(201)], 'refused', '--id must be a non-empty string of at most 200 characters'),
      ]),
    ).toEqual([]);
  });

  it('reports the value one past accepted (#02), by the resolver too (#12)', () => {
    expect(messages([probe('parse', ['--heartbeat-ms', '2000', '--heartbeat-timeout-ms', '2000'], 'refused', null, ['--heartbeat-ms'])])).toEqual([
      expect.stringMatching(/squall coordinator --heartbeat-ms 2000 --heartbeat-timeout-ms 2000 was accepted: it is one step past the documented relation .*, so it is refused at start, naming --heartbeat-timeout-ms/),
    ]);
    expect(messages([probe('resolver', ['--id', 'w'.repeat(201)], 'refused', null)])).toEqual([expect.stringMatching(/squall worker --id <201 characters> \(its value check lifted.*\) was accepted: it is one step past/)]);
  });

  it('reports the value at the bound refused, and a relation refusal naming a flag outside it', () => {
    expect(messages([probe('parse', ['--heartbeat-ms', '2000', '--heartbeat-timeout-ms', '2001'], 'started', '--heartbeat-timeout-ms (2001) must be greater than 2x --heartbeat-ms', ['--heartbeat-ms'])])).toEqual([
      expect.stringMatching(/--heartbeat-timeout-ms 2001 was refused ".*": it is within the documented relation .*, so it starts/),
    ]);
    expect(messages([probe('parse', ['--heartbeat-ms', '2000', '--heartbeat-timeout-ms', '2000'], 'refused', '--heartbeat-timeout-ms must exceed --lease-ms', ['--heartbeat-ms'])])).toEqual([expect.stringMatching(/it also names --lease-ms; a refusal names the flag/)]);
  });
});

describe('31 cli: a documented variable set but empty or blank is as unset', () => {
  const ways = (outcomes: Record<string, string>) => ({ settingWays: { command: 'client', setting: '$SQUALL_URL (empty or blank: as unset)', args: ['workers'], outcomes } });
  const asked = 'exit 0, GET http://127.0.0.1:7070/api/v1/workers (Authorization: none)';

  it('passes the same outcome unset and set empty, and reports an empty value taken as one (#30)', () => {
    expect(messages([ways({ unset: asked, 'set empty ("")': asked })])).toEqual([]);
    expect(messages([ways({ unset: asked, 'set empty ("")': 'refused: --url must be an http:// or https:// URL (got "")' })])).toEqual([
      expect.stringMatching(/squall workers with \$SQUALL_URL \(empty or blank: as unset\) given as unset: exit 0, GET .*; given as set empty \(""\): refused: --url must be/),
    ]);
  });

  it("probes every SQUALL_ variable the README documents for the commands (not the simulation's or the build's)", () => {
    const documented = new Set(readFileSync('README.md', 'utf8').match(/\bSQUALL_[A-Z_]+[A-Z]\b/g) ?? []);
    for (const other of ['SQUALL_COORDINATOR_URL', 'SQUALL_KEEP_NAMES']) documented.delete(other);
    expect(documented.size).toBeGreaterThanOrEqual(6);
    expect([...documented].filter((v) => !CLI_ENV.some(([name]) => name === v))).toEqual([]);
  });
});
