/**
 * `squall kinds`: the task kinds a coordinator accepts and their params,
 * from the zod schemas themselves (kinds-doc.ts). A table on a terminal;
 * --json-schema for JSON Schema; --markdown for the docs section; --write
 * FILE refreshes that section in a docs file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ErrorCode } from '../core/errors.js';
import { builtinTaskKinds } from '../tasks/registry.js';
import { DANGEROUS_KINDS } from '../tasks/kind.js';
import { type CliIo, processIo } from './cli-io.js';
import { CliError, EXIT } from './exit-codes.js';
import { renderTable } from './format.js';
import { BEGIN, END, jsonSchemaOf, kindsJsonSchema, kindsMarkdown, replaceGenerated } from './kinds-doc.js';

interface KindsFlags {
  jsonSchema?: boolean;
  markdown?: boolean;
  write?: string;
}

function summary(): string {
  const rows = [...builtinTaskKinds().values()].map((k) => {
    const schema = jsonSchemaOf(k.params);
    const required = new Set((schema.required ?? []) as string[]);
    const params = Object.keys((schema.properties ?? {}) as object).map((p) => (required.has(p) ? p : `${p}?`));
    return [k.name, DANGEROUS_KINDS.has(k.name) ? 'opt-in' : '', params.join(', '), k.description ?? ''];
  });
  return `${renderTable(['kind', 'dangerous', 'params (? = optional)', 'what it does'], rows)}\n\nFull reference: squall kinds --markdown (docs/TASK-KINDS.md); JSON Schema: squall kinds --json-schema`;
}

function writeDocs(path: string, io: CliIo): void {
  let doc: string;
  try {
    doc = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(ErrorCode.InvalidArgument, `--write ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`, EXIT.usage);
  }
  const next = replaceGenerated(doc, kindsMarkdown(builtinTaskKinds()));
  if (next === undefined) throw new CliError(ErrorCode.InvalidArgument, `--write ${path}: no generated section; put the lines\n${BEGIN}\n${END}\nwhere it belongs`, EXIT.usage);
  writeFileSync(path, next);
  io.out(`${next === doc ? 'unchanged' : 'updated'}: ${path}\n`);
}

/** Registers `squall kinds`. */
export function registerKindsCommand(program: Command, io: CliIo = processIo): void {
  program
    .command('kinds')
    .description('list the task kinds and their params (generated from the schemas submissions are checked against)')
    .option('--json-schema', 'print every kind\'s params as JSON Schema (draft 2020-12)')
    .option('--markdown', 'print the reference as Markdown (the generated part of docs/TASK-KINDS.md)')
    .option('--write <file>', 'refresh the generated section of a docs file')
    .action((flags: KindsFlags) => {
      if (flags.write !== undefined) return writeDocs(flags.write, io);
      if (flags.jsonSchema === true) return io.out(`${JSON.stringify(kindsJsonSchema(builtinTaskKinds()), null, 2)}\n`);
      io.out(`${flags.markdown === true ? kindsMarkdown(builtinTaskKinds()) : summary()}\n`);
    });
}
