/**
 * The checker's own copy of how README "Dashboard" says the page writes its
 * numbers, and a judge of a shown text against the true value (promise 29,
 * promises-ui-numbers.ts). The true value is known up to an interval
 * [lo, hi] (a relative time rendered at some instant between two pushes);
 * the text is consistent when some value of it reads as shown: the unit the
 * README gives that value's range, and the number rounded to the decimals
 * shown. Never the page's own formatter: a wrong unit, a scale off by 1000
 * or 100, a sign flipped or clamped each read as a different value.
 */

/** A unit the page may write: its suffix, its size in the value's base unit, the values it is used below, and a rounding done before (an age is rounded to seconds first). */
interface Unit {
  suffix: string;
  scale: number;
  below: number;
  pre: number;
}

/** Durations and round trips, in ms: µs below 1 ms, ms below 10 s, s beyond (README "Dashboard"). */
export const DURATION: readonly Unit[] = [
  { suffix: 'µs', scale: 0.001, below: 1, pre: 0 },
  { suffix: 'ms', scale: 1, below: 10_000, pre: 0 },
  { suffix: 's', scale: 1000, below: Infinity, pre: 0 },
];

/** Relative times, in ms: whole seconds under a minute, minutes under an hour, hours beyond ("12 s ago"). */
export const AGE: readonly Unit[] = [
  { suffix: 's ago', scale: 1000, below: 59_500, pre: 0 },
  { suffix: 'min ago', scale: 60_000, below: 3_599_500, pre: 500 },
  { suffix: 'h ago', scale: 3_600_000, below: Infinity, pre: 500 },
];

/** What the page shows for no value. */
const NONE = '–';

const unitOf = (units: readonly Unit[], v: number): number => units.findIndex((u) => v < u.below);

/**
 * Why `text` does not read as a value in [lo, hi] written in `units`, or
 * undefined when it does (lo and hi null: no value, shown as NONE).
 */
export function misread(text: string, lo: number | null, hi: number | null, units: readonly Unit[]): string | undefined {
  if (lo === null || hi === null) return text === NONE ? undefined : `shows ${JSON.stringify(text)} for no value (${NONE})`;
  const m = /^(-?\d+(?:\.(\d+))?) (.+)$/.exec(text.trim());
  const want = units.slice(unitOf(units, lo), unitOf(units, hi) + 1).map((u) => u.suffix);
  const range = lo === hi ? `${round(lo)} ms` : `${round(lo)} to ${round(hi)} ms`;
  if (m === null) return `shows ${JSON.stringify(text)} for ${range}, not a number and a unit (${want.join(' or ')})`;
  const unit = units.find((u) => u.suffix === m[3]);
  if (unit === undefined || !want.includes(unit.suffix)) return `shows ${JSON.stringify(text)} for ${range}: in ${want.join(' or ')} at that value`;
  const n = Number(m[1]);
  const half = 0.5 * 10 ** -(m[2]?.length ?? 0);
  const from = (n - half) * unit.scale - unit.pre;
  const to = (n + half) * unit.scale + unit.pre;
  const eps = 1e-9 * Math.max(1, Math.abs(hi));
  if (to < lo - eps || from > hi + eps) return `shows ${JSON.stringify(text)} for ${range}`;
  return undefined;
}

/** Why `text` is not the percentage of completed among completed + failed (NONE when neither), or undefined. */
export function misreadRate(text: string, completed: number, failed: number): string | undefined {
  if (completed + failed === 0) return text === NONE ? undefined : `shows ${JSON.stringify(text)} as the success rate of a kind with no completion or failure (${NONE})`;
  const pct = (100 * completed) / (completed + failed);
  const m = /^(\d+(?:\.\d+)?) ?%$/.exec(text.trim());
  if (m !== null && Math.abs(Number(m[1]) - pct) <= 0.5 + 1e-9) return undefined;
  return `shows ${JSON.stringify(text)} as the success rate of ${completed} completed and ${failed} failed: ${round(pct)} %`;
}

const round = (v: number): string => String(Math.round(v * 1000) / 1000);
