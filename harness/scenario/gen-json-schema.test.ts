import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_PATH, scenarioJsonSchemaText } from './gen-json-schema.js';

describe('scenarios/schema.json', () => {
  it('is up to date with the zod schema (run: npx tsx harness/scenario/gen-json-schema.ts)', () => {
    expect(readFileSync(JSON_SCHEMA_PATH, 'utf8')).toBe(scenarioJsonSchemaText());
  });
  it('describes the top-level sections and rejects unknown keys', () => {
    const schema = JSON.parse(scenarioJsonSchemaText()) as { properties: Record<string, unknown>; required: string[]; additionalProperties: boolean };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['name', 'fleet', 'coordinator', 'workload', 'faults', 'swarm', 'phases', 'checks', 'slo']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'description', 'fleet']));
    expect(schema.additionalProperties).toBe(false);
  });
});
