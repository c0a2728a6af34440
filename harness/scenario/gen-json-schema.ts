/**
 * Generates scenarios/schema.json (JSON Schema for editors, e.g. the YAML
 * language server: `# yaml-language-server: $schema=./schema.json`) from the
 * zod schema. Run: `npx tsx harness/scenario/gen-json-schema.ts`; a test fails
 * when the committed file is out of date. Cross-field rules (targets exist,
 * faults end within the phase) are not expressible here; the loader checks them.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ACTION_NAMES, FaultActionObject } from './faults.js';
import { applyLimitsToJsonSchema } from './limits.js';
import { ScenarioObject } from './schema.js';

/** Where the generated schema lives. */
export const JSON_SCHEMA_PATH = fileURLToPath(new URL('../../scenarios/schema.json', import.meta.url));

/** The JSON Schema text (stable, pretty-printed, trailing newline). */
export function scenarioJsonSchemaText(): string {
  const schema = z.toJSONSchema(ScenarioObject, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      // The action may also be given by name alone (`action: down`).
      if (ctx.zodSchema === FaultActionObject) {
        const objectForm = { ...ctx.jsonSchema };
        for (const k of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Record<string, unknown>)[k];
        ctx.jsonSchema.anyOf = [{ type: 'string', enum: [...ACTION_NAMES] }, objectForm];
      }
    },
  });
  applyLimitsToJsonSchema(schema as Record<string, unknown>);
  return `${JSON.stringify({ ...schema, title: 'squall scenario', description: 'A squall chaos scenario (harness/scenario/schema.ts).' }, null, 2)}\n`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(JSON_SCHEMA_PATH, scenarioJsonSchemaText());
  console.log(`wrote ${JSON_SCHEMA_PATH}`);
}
