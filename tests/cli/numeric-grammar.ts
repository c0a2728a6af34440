/**
 * The class rule of "a numeric flag reads more than its documented grammar":
 * every value option of `squall coordinator`, `squall worker`, `squall
 * submit` (and the client commands' `--limit`, `--poll-ms`) whose
 * placeholder says it is a number is fed generated strings (fast-check, a
 * fixed seed): what it accepts must match the grammar README "Operating it
 * from the command line" documents, read here on its own: integers are plain
 * decimal digits (`<ms>`, `<n>`, `<port>`, `<bytes>`), factors digits with
 * an optional fraction (`<k>`, `<x>`), durations digits and an optional unit
 * ms|s|m|h|d (`<duration>`). A lax parser anywhere (`1e3` read as 1000,
 * `0x10` as 16, ` 5` as 5, `` as 0) is a finding naming the flag and the value.
 *
 * Used by tests/cli/numeric-grammar.property.test.ts and
 * tests/sim/broken-flags34.test.ts (a lax intOption: caught).
 */
import { Command, type Option } from 'commander';
import fc from 'fast-check';
import { registerSystemCommands } from '../../system/cli/index.js';

/** The documented grammar of each numeric placeholder. */
const GRAMMAR: Readonly<Record<string, RegExp>> = {
  '<ms>': /^[0-9]+$/,
  '<n>': /^[0-9]+$/,
  '<port>': /^[0-9]+$/,
  '<bytes>': /^[0-9]+$/,
  '<k>': /^[0-9]+(\.[0-9]+)?$/,
  '<x>': /^[0-9]+(\.[0-9]+)?$/,
  '<duration>': /^[0-9]+(ms|s|m|h|d)?$/,
};

/** Every numeric option of the system's commands, with its command path and grammar. */
function numericOptions(): { where: string; option: Option; grammar: RegExp }[] {
  const program = new Command('squall');
  registerSystemCommands(program);
  const out: { where: string; option: Option; grammar: RegExp }[] = [];
  const walk = (cmd: Command, path: string): void => {
    for (const option of cmd.options) {
      const placeholder = /<[^>]+>/.exec(option.flags)?.[0];
      const grammar = placeholder === undefined ? undefined : GRAMMAR[placeholder];
      if (grammar !== undefined) out.push({ where: `${path} ${option.long ?? option.flags}`, option, grammar });
    }
    for (const sub of cmd.commands) walk(sub, `${path} ${sub.name()}`);
  };
  walk(program, 'squall');
  return out;
}

/** Strings near the grammar's edge: digits with exponents, hex, signs, blanks, fractions, units, junk. */
const candidate: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'0123456789.eExXb+- _msdhD'.split('')), maxLength: 8 }),
  fc.tuple(fc.constantFrom('', ' ', '+', '-', '0x', '0b', '0o', '\t'), fc.integer({ min: 0, max: 99_999 }).map(String), fc.constantFrom('', ' ', 'e3', 'e-1', '.0', '.5', 'ms', 's', 'm', 'h', 'd', 'D', '\n', 'n')).map(([a, b, c]) => `${a}${b}${c}`),
  fc.constantFrom('', 'Infinity', 'NaN', '1e3', '0x10', '١٢', '1_000'),
);

/** The first numeric option accepting a string outside its grammar, if any; and how many options and acceptances were checked. */
export function laxNumericFlag(seed: number, numRuns: number): { found?: string; options: number; accepted: number } {
  const options = numericOptions();
  let accepted = 0;
  const out = fc.check(
    fc.property(candidate, (value) => {
      for (const { where, option, grammar } of options) {
        let ok = true;
        try {
          option.parseArg?.(value, undefined as never);
        } catch {
          ok = false;
        }
        if (ok) accepted += 1;
        if (ok && !grammar.test(value)) throw new Error(`${where} accepted ${JSON.stringify(value)}, outside its documented grammar ${String(grammar)}`);
      }
    }),
    { seed, numRuns },
  );
  return out.failed ? { found: out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance), options: options.length, accepted } : { options: options.length, accepted };
}
