/**
 * Tiny argv reader for the benchmark scripts (`--name value`, `--flag`), so
 * each script documents its knobs in one place without pulling in commander.
 */

/** The value after `--name`, or undefined. */
export function argString(name: string, argv: readonly string[] = process.argv): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  return v === undefined || v.startsWith('--') ? undefined : v;
}

/** A positive number after `--name`, else the fallback; a malformed value is an error, not silently ignored. */
export function argNumber(name: string, fallback: number, argv: readonly string[] = process.argv): number {
  const raw = argString(name, argv);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return v;
}

/** Comma-separated positive integers after `--name` (e.g. `--connections 10,50`). */
export function argList(name: string, fallback: number[], argv: readonly string[] = process.argv): number[] {
  const raw = argString(name, argv);
  if (raw === undefined) return fallback;
  const out = raw.split(',').map((s) => Number(s.trim()));
  if (out.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`--${name} must be positive integers separated by commas, got ${JSON.stringify(raw)}`);
  return out;
}

/** True when `--name` is present. */
export function argFlag(name: string, argv: readonly string[] = process.argv): boolean {
  return argv.includes(`--${name}`);
}
