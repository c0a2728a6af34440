/**
 * Parsing helpers for CLI flags: every bad value is rejected with a message
 * naming the flag and what would be right.
 */
import { readFileSync } from 'node:fs';
import { envSetting } from './env.js';
import { InvalidArgumentError } from 'commander';
import { DANGEROUS_KINDS } from '../tasks/kind.js';
import { checkEnvAllowList } from '../tasks/command.js';

/**
 * The numeric flags' grammar (README "Operating it from the command line"):
 * plain decimal digits, no sign, exponent, hex, blanks or fraction; a
 * multiplier may have a decimal fraction. `1e3`, `0x10` and ` 5` are
 * refused, not read as 1000, 16 and 5.
 */
const INTEGER_GRAMMAR = /^[0-9]+$/;
const DECIMAL_GRAMMAR = /^[0-9]+(\.[0-9]+)?$/;

/** Commander parser for an integer flag within [min, max], written in plain decimal digits. */
export function intOption(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!INTEGER_GRAMMAR.test(value)) throw new InvalidArgumentError(`${name} takes plain decimal digits (an integer between ${min} and ${max}), got "${value}"`);
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer between ${min} and ${max}, got "${value}"`);
    }
    return n;
  };
}

export function choiceOption<T extends string>(name: string, choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${name} must be one of ${choices.join(', ')}, got "${value}"`);
    }
    return value as T;
  };
}

export function jsonOption(name: string) {
  return (value: string): unknown => {
    try {
      return JSON.parse(value) as unknown;
    } catch (err) {
      throw new InvalidArgumentError(`${name} must be JSON: ${(err as Error).message}`);
    }
  };
}

/** Reads a secret from a file: trimmed, non-empty, and named in the error when not. */
function readSecretFile(path: string, flag: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`${flag} ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const s = text.trim();
  if (s === '') throw new InvalidArgumentError(`${flag} ${path} is empty; put the secret in it`);
  return s;
}

/** Where a secret-like value may come from, most explicit first. */
export interface SecretSources {
  /** --secret / --token value (visible in ps: warned about). */
  flag: string | undefined;
  /** --secret-file / --token-file path. */
  file: string | undefined;
  /** Environment variable names: the value itself, then a file path (e.g. SQUALL_SECRET, SQUALL_SECRET_FILE). */
  env: string;
  envFile: string;
  flagName: string;
  fileFlagName: string;
}

/**
 * A secret from the first source given: --x-file, --x (with a warning on
 * stderr: the command line is visible to every user in ps), $ENV_FILE, $ENV.
 * Empty means none (a variable empty or blank too: env.ts).
 */
export function resolveSecretFrom(src: SecretSources, warn: (msg: string) => void = (m) => process.stderr.write(`warning: ${m}\n`), env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (src.file !== undefined) return readSecretFile(src.file, src.fileFlagName);
  if (src.flag !== undefined && src.flag !== '') {
    warn(`${src.flagName} on the command line is visible to other users (ps, /proc); prefer ${src.fileFlagName} or $${src.env}`);
    return src.flag;
  }
  const envFile = envSetting(env, src.envFile);
  if (envFile !== undefined) return readSecretFile(envFile, `$${src.envFile}`);
  return envSetting(env, src.env);
}

/** The shared worker secret: --secret-file, --secret (warned), $SQUALL_SECRET_FILE, $SQUALL_SECRET (of `env`: the process's, or a probe's own). */
export function resolveSecret(flag: string | undefined, file?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return resolveSecretFrom({ flag, file, env: 'SQUALL_SECRET', envFile: 'SQUALL_SECRET_FILE', flagName: '--secret', fileFlagName: '--secret-file' }, undefined, env);
}

/** The API token a client sends: --token-file, --token (warned), $SQUALL_TOKEN_FILE, $SQUALL_TOKEN. */
export function resolveToken(flag: string | undefined, file: string | undefined): string | undefined {
  return resolveSecretFrom({ flag, file, env: 'SQUALL_TOKEN', envFile: 'SQUALL_TOKEN_FILE', flagName: '--token', fileFlagName: '--token-file' });
}

/** A comma-separated list flag ("a,b , c" → [a, b, c]). */
export function listOption(value: string): string[] {
  return value.split(',').map((x) => x.trim()).filter((x) => x !== '');
}

/** Reads a PEM file for a TLS flag, naming the flag when it cannot. */
export function readPemFile(path: string, flag: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`${flag} ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!text.includes('-----BEGIN ')) throw new InvalidArgumentError(`${flag} ${path} is not a PEM file (no "-----BEGIN" line)`);
  return text;
}

/** Commander parser for a number flag within [min, max], written as decimal digits with an optional fraction (2, 2.5). */
export function numberOption(name: string, min: number, max = Infinity) {
  const range = max === Infinity ? `a number >= ${min}` : `a number between ${min} and ${max}`;
  return (value: string): number => {
    if (!DECIMAL_GRAMMAR.test(value)) throw new InvalidArgumentError(`${name} takes a plain decimal number like 2 or 2.5 (${range}), got "${value}"`);
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be ${range}, got "${value}"`);
    return n;
  };
}

/** Commander parser for a non-empty text flag of at most `max` characters. */
export function textOption(name: string, max: number) {
  return (value: string): string => {
    if (value === '' || value.length > max) throw new InvalidArgumentError(`${name} must be 1 to ${max} characters, got ${value.length}`);
    return value;
  };
}

/** Commander parser for a coordinator URL: ws:// or wss:// (worker/config.ts refuses any other). */
export function wsUrlOption(name: string) {
  return (value: string): string => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InvalidArgumentError(`${name} must be a URL like ws://127.0.0.1:7070, got "${value}"`);
    }
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new InvalidArgumentError(`${name} must use ws:// or wss://, got "${value}"`);
    return value;
  };
}

/** Commander parser for --allow-kinds: a list of the kinds that need opting in (DANGEROUS_KINDS). */
export function allowKindsOption(value: string): string[] {
  const kinds = listOption(value);
  for (const k of kinds) if (!DANGEROUS_KINDS.has(k)) throw new InvalidArgumentError(`--allow-kinds takes ${[...DANGEROUS_KINDS].join(', ')} (the kinds that need opting in), got "${k}"`);
  return kinds;
}

/** Commander parser for --command-env-allow: variable names, never a worker secret (tasks/command.ts). */
export function envAllowOption(value: string): string[] {
  try {
    return checkEnvAllowList(listOption(value));
  } catch (err) {
    throw new InvalidArgumentError(`--command-env-allow: ${(err as Error).message}`);
  }
}
