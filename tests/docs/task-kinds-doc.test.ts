/**
 * docs/TASK-KINDS.md's generated part is exactly what the schemas say
 * (squall kinds --markdown): a changed kind or spec field fails here until
 * the docs are refreshed with `npx squall kinds --write docs/TASK-KINDS.md`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BEGIN, END, kindsJsonSchema, kindsMarkdown, replaceGenerated } from '../../system/cli/kinds-doc.js';
import { defineTaskKind, type TaskKind } from '../../system/tasks/kind.js';
import { builtinTaskKinds } from '../../system/tasks/registry.js';

const DOC = 'docs/TASK-KINDS.md';

function generatedPart(doc: string): string {
  return doc.slice(doc.indexOf(BEGIN) + BEGIN.length, doc.indexOf(END)).trim();
}

describe('docs/TASK-KINDS.md', () => {
  it('holds exactly the reference generated from the zod schemas', () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(doc.indexOf(BEGIN)).toBeGreaterThan(0);
    expect(generatedPart(doc), `${DOC} is stale: run npx squall kinds --write ${DOC}`).toBe(kindsMarkdown(builtinTaskKinds()).trim());
  });

  it('would catch a drift: a kind whose schema gained a field no longer matches the committed doc', () => {
    const kinds = builtinTaskKinds();
    const fail = kinds.get('fail') as TaskKind<unknown>;
    const changed = defineTaskKind({ ...fail, params: z.strictObject({ times: z.number().int(), jitter: z.boolean().optional() }) }) as TaskKind<unknown>;
    kinds.set('fail', changed);
    const doc = readFileSync(DOC, 'utf8');
    expect(generatedPart(doc)).not.toBe(kindsMarkdown(kinds).trim());
    expect(kindsMarkdown(kinds)).toContain('`jitter`');
  });

  it('names every built-in kind and every spec field, and --write replaces only the generated part', () => {
    const md = kindsMarkdown(builtinTaskKinds());
    for (const k of builtinTaskKinds().keys()) expect(md).toContain(`### \`${k}\``);
    for (const f of ['kind', 'params', 'priority', 'retry.maxRetries', 'timeoutMs', 'idempotencyKey', 'dependsOn']) expect(md).toContain(`| \`${f}\` |`);
    const doc = `intro\n${BEGIN}\nold\n${END}\noutro\n`;
    expect(replaceGenerated(doc, 'new')).toBe(`intro\n${BEGIN}\n\nnew\n\n${END}\noutro\n`);
    expect(replaceGenerated('no markers', 'new')).toBeUndefined();
  });

  it('exports JSON Schema for each kind (required fields and limits from zod)', () => {
    const schemas = kindsJsonSchema(builtinTaskKinds()) as Record<string, { required?: string[]; properties?: Record<string, { maximum?: number }> }>;
    expect(Object.keys(schemas)).toEqual(['command', 'container', 'cpu', 'echo', 'fail', 'sleep']);
    expect(schemas.sleep?.required).toEqual(['durationMs']);
    expect(schemas.fail?.properties?.times?.maximum).toBe(1000);
  });
});
