/**
 * Parsing helpers for CLI flags: every bad value is rejected with a message
 * naming the flag and what would be right.
 */
import { InvalidArgumentError } from 'commander';

export function intOption(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
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

/** The shared secret: --secret wins, then SQUALL_SECRET; empty means none. */
export function resolveSecret(flag: string | undefined): string | undefined {
  const s = flag ?? process.env.SQUALL_SECRET;
  return s === undefined || s === '' ? undefined : s;
}
