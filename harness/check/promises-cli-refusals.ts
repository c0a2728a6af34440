/**
 * Part of 31: how `squall coordinator` and `squall worker` take a setting,
 * judged on the deployment probes' notes (harness/scenario/deploy-probe-refusals.ts,
 * deploy-probe-ways.ts):
 *
 * - `flagRefusal`: a value outside a flag's documented grammar, range or
 *   choices, given alone, is refused at start (README "Operating it from the
 *   command line": a wrong value is refused naming its flag), and every
 *   refusal, the command's own or its processes' resolvers' (layer
 *   `resolver`), names that flag and no other: the user is told to fix the
 *   flag they gave (blind set 21 #10 blamed `--breaker-threshold` for a bad
 *   `--breaker-reset-ms`);
 * - at a documented bound (deploy-probe-bounds.ts: a flag at its least or
 *   most value, a relation between two flags at its boundary, a protocol
 *   field's bound): the value at the bound starts and the value one step
 *   past is refused naming the flag (a relation's refusal may name its
 *   other flags too): blind set 22 #02 (timeout equal to the interval
 *   accepted), #12 (worker ids past the register's 200 characters);
 * - `settingWays`: a configuration started with the same setting given each
 *   documented way (the worker secret: --secret-file, --secret,
 *   $SQUALL_SECRET_FILE, $SQUALL_SECRET; a client's API token: --token-file
 *   as shells and editors write it, --token, $SQUALL_TOKEN_FILE,
 *   $SQUALL_TOKEN) has the same outcome every way
 *   (blind set 21 #12: `--no-sign-messages` refused as inert when the secret
 *   came from the environment).
 */
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** A `flagRefusal` note (deploy-probe-refusals.ts FlagRefusal). */
interface FlagRefusalNote {
  command: string;
  layer: 'parse' | 'resolver';
  flag: string;
  args: string[];
  refusal: string | null;
  expect?: 'refused' | 'started';
  also?: string[];
  bound?: string;
}

/** A `settingWays` note (deploy-probe-ways.ts SettingWays). */
interface SettingWaysNote {
  command: string;
  setting: string;
  args: string[];
  outcomes: Record<string, string>;
}

/** The flags a message names (`--word`), each once. */
function flagsNamed(message: string): string[] {
  return [...new Set(message.match(/(?<![\w-])--[a-z][a-z0-9-]*/g) ?? [])];
}

/** A command line as a person reads it (a long value as its length). */
const shown = (n: FlagRefusalNote): string => `squall ${[...(n.command === 'client' ? [] : [n.command]), ...n.args.map((a) => (a.length > 40 ? `<${a.length} characters>` : a))].join(' ')}`;

/** A probe at a documented bound (deploy-probe-bounds.ts) the command answered against the documentation, or undefined. */
function boundProblem(n: FlagRefusalNote, line: string, where: string): string | undefined {
  if (n.expect === 'started' && n.refusal !== null) return `${line}${where} was refused "${n.refusal.slice(0, 200)}": it is within ${n.bound ?? 'its documented bound'}, so it starts`;
  if (n.expect === 'refused' && n.refusal === null) return `${line}${where} was accepted: it is one step past ${n.bound ?? 'its documented bound'}, so it is refused at start, naming ${n.flag}`;
  return undefined;
}

/** What is wrong with one refusal probe, or undefined. */
function refusalProblem(n: FlagRefusalNote): string | undefined {
  const line = shown(n);
  const where = n.layer === 'resolver' ? " (its value check lifted, the processes' resolvers refusing)" : '';
  const off = boundProblem(n, line, where);
  if (off !== undefined || n.expect === 'started') return off;
  if (n.refusal === null) return n.layer === 'parse' && n.expect === undefined ? `${line} was accepted: ${n.flag} ${n.args.at(-1)} is outside its documented grammar or range, so the command refuses it at start, naming ${n.flag}` : undefined;
  const named = flagsNamed(n.refusal);
  const others = named.filter((f) => f !== n.flag && !(n.also ?? []).includes(f));
  if (!named.includes(n.flag) || others.length > 0) {
    return `${line}${where} was refused "${n.refusal.slice(0, 200)}": ${named.includes(n.flag) ? 'it also names' : 'it names'} ${others.join(', ') || 'no flag'}${named.includes(n.flag) ? '' : ` instead of ${n.flag}`}; a refusal names the flag the user gave wrong, and no other`;
  }
  return undefined;
}

/** What is wrong with one configuration started each way, or undefined. */
function waysProblem(n: SettingWaysNote): string | undefined {
  const ways = Object.entries(n.outcomes);
  // A refusal's reason may be worded apart (it names the way); what started is compared whole.
  const verdict = (o: string): string => (o.startsWith('refused') ? o.replace(/:[\s\S]*$/, '') : o);
  const first = ways[0];
  const other = ways.find(([, o]) => verdict(o) !== verdict(first?.[1] ?? ''));
  if (first === undefined || other === undefined) return undefined;
  return `squall ${[...(n.command === 'client' ? [] : [n.command]), ...n.args].join(' ')} with ${n.setting} given as ${first[0]}: ${first[1]}; given as ${other[0]}: ${other[1]}; every documented way of giving ${n.setting} is the same setting, so the outcome is the same`;
}

/** 31. The refusal and setting-way probes (see the file comment). */
export function checkCliRefusals(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.f !== 'note') continue;
    const r = rec.value.flagRefusal as FlagRefusalNote | undefined;
    const w = rec.value.settingWays as SettingWaysNote | undefined;
    const m = (r === undefined ? undefined : refusalProblem(r)) ?? (w === undefined ? undefined : waysProblem(w));
    if (m !== undefined) out.push(violation(view.records, 'cli', m, { index: rec.index }));
  }
  return out;
}
