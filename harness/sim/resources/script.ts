/**
 * The tiny interpreter a simulated container or child process "runs" its
 * command with, on virtual time: `echo WORDS` (`>&2` last: to stderr),
 * `printf FORMAT [ARGS...]` (escapes \n \t \\ \" \' and `%%` in FORMAT,
 * each `%s` the next argument as given: a text with tabs, line ends, quotes
 * and backslashes printed from pieces; `>&2` last: to stderr),
 * `seq [FIRST] LAST` (one number a line: megabytes of output for nothing,
 * past the kinds' 64 KiB output tails; `>&2` last: to stderr),
 * `utf8text BYTES SEED` (simulation only: exactly BYTES bytes of text in
 * 1-4 byte UTF-8 characters drawn from SEED, no line end, harness/sim/
 * utf8-text.ts: output tails judged in bytes at a character boundary),
 * `sleep SECONDS`, `exit N`, `true`, `false`, `trap '' TERM` (ignore
 * SIGTERM) and `kill -SIG $$` (the program dies by that signal: SIGKILL as
 * from the OOM killer, SIGSEGV, SIGABRT; the close a real child gives:
 * code null and the signal), alone or as `sh -c 'a; b; c'`. Anything else is not found:
 * as a program it cannot be started, inside `sh -c` it exits 127 as a shell
 * does. Enough to make a task succeed, fail, print, outlast its timeout or
 * shrug off a polite kill, deterministically.
 */
import type { TimerHandle } from '../../../system/core/index.js';
import { utf8Text } from '../utf8-text.js';

/** One statement of a script. */
type Step = { do: 'echo'; text: string; fd: 1 | 2 } | { do: 'sleep'; ms: number } | { do: 'exit'; code: number } | { do: 'status'; code: number } | { do: 'trap-term' } | { do: 'die'; signal: DeathSignal };

/** The signals a program can die by here (`kill -SIG $$`, a kill from outside). */
export type DeathSignal = 'SIGTERM' | 'SIGKILL' | 'SIGSEGV' | 'SIGABRT';
/** Their numbers (a container's exit code is 128 + the number, as Docker reports it). */
export const SIGNAL_NUMBERS: Readonly<Record<DeathSignal, number>> = { SIGTERM: 15, SIGKILL: 9, SIGSEGV: 11, SIGABRT: 6 };

/** How a run ended: an exit code, or the signal that ended it. */
export type ExitStatus = { code: number; signal: null } | { code: null; signal: DeathSignal };

/** What a script needs from its host: a timer and where its output goes. */
export interface ScriptHost {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  out(fd: 1 | 2, text: string): void;
  exited(status: ExitStatus): void;
}

/** Splits a statement on blanks, keeping '...' quoted words whole ('' is an empty word). */
function words(statement: string): string[] {
  return [...statement.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** At most this many bytes from one `utf8text`. */
const UTF8TEXT_MAX_BYTES = 4 * 1024 * 1024;

/** At most this many lines from one `seq` (4 MiB of output or so). */
const SEQ_MAX_LINES = 500_000;

/** `seq [FIRST] LAST`'s output (empty when LAST < FIRST), or undefined for arguments seq refuses. */
function seqText(args: readonly string[]): string | undefined {
  const [first, last] = args.length === 1 ? [1, Number(args[0])] : [Number(args[0]), Number(args[1])];
  if (args.length < 1 || args.length > 2 || !Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last - first >= SEQ_MAX_LINES) return undefined;
  const lines: string[] = [];
  for (let n = first; n <= last; n++) lines.push(`${n}\n`);
  return lines.join('');
}

/** FORMAT's escapes. */
const PRINTF_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', '\\': '\\', '"': '"', "'": "'" };

/** What `printf FORMAT ARGS...` prints (FORMAT used once; a missing argument is empty). */
function printfText([format = '', ...args]: readonly string[]): string {
  let next = 0;
  return format.replace(/\\(.)|%(.)/g, (m, esc?: string, conv?: string) => {
    if (esc !== undefined) return PRINTF_ESCAPES[esc] ?? m;
    if (conv === '%') return '%';
    return conv === 's' ? (args[next++] ?? '') : m;
  });
}

/** One statement's step, or undefined when its program does not exist. */
function stepOf([program, ...words]: string[]): Step | undefined {
  const toErr = words.at(-1) === '>&2';
  const args = toErr ? words.slice(0, -1) : words;
  const fd = toErr ? 2 : 1;
  switch (program) {
    case 'echo':
      return { do: 'echo', text: `${args.join(' ')}\n`, fd };
    case 'printf':
      return { do: 'echo', text: printfText(args), fd };
    case 'utf8text': {
      const [bytes, seed] = args.map(Number);
      return args.length === 2 && Number.isSafeInteger(bytes) && Number.isSafeInteger(seed) && (bytes ?? 0) >= 0 && (bytes ?? 0) <= UTF8TEXT_MAX_BYTES ? { do: 'echo', text: utf8Text(bytes ?? 0, seed ?? 0), fd } : { do: 'status', code: 1 };
    }
    case 'seq': {
      const text = seqText(args);
      return text === undefined ? { do: 'status', code: 1 } : { do: 'echo', text, fd };
    }
    case 'sleep': {
      const s = Number(args[0]);
      return Number.isFinite(s) && s >= 0 ? { do: 'sleep', ms: Math.round(s * 1000) } : { do: 'status', code: 1 };
    }
    case 'exit':
      return { do: 'exit', code: Number.parseInt(args[0] ?? '0', 10) || 0 };
    case 'true':
      return { do: 'status', code: 0 };
    case 'false':
      return { do: 'status', code: 1 };
    case 'trap':
      return args[0] === '' && args[1] === 'TERM' ? { do: 'trap-term' } : { do: 'status', code: 2 };
    case 'kill':
      return killSelf(args);
    default:
      return undefined;
  }
}

/** `kill -SIG $$` (or `kill -N $$`): the program's own death by that signal; anything else kill refuses (status 1). */
function killSelf(args: readonly string[]): Step {
  const sig = (args[0] ?? '').replace(/^-/, '');
  const named = (Object.keys(SIGNAL_NUMBERS) as DeathSignal[]).find((s) => s === sig || s === `SIG${sig}` || String(SIGNAL_NUMBERS[s]) === sig);
  return named !== undefined && args[1] === '$$' && args.length === 2 ? { do: 'die', signal: named } : { do: 'status', code: 1 };
}

/** The steps argv runs, or null when argv[0] is no program the interpreter knows (ENOENT). */
export function parseCommand(argv: readonly string[]): Step[] | null {
  if (argv[0] === 'sh' && argv[1] === '-c') {
    return (argv[2] ?? '').split(';').map((s) => words(s)).filter((w) => w.length > 0).flatMap((w): Step[] => {
      const step = stepOf(w);
      return step === undefined ? [{ do: 'echo', text: `sh: 1: ${w[0]}: not found\n`, fd: 2 }, { do: 'status', code: 127 }] : [step];
    });
  }
  const step = stepOf([...argv]);
  return step === undefined ? null : [step];
}

/**
 * A shell's reading of one command line (`sh -c LINE`, as node's spawn with
 * `shell` runs a joined argv): `$NAME` and `${NAME}` expand from `env`
 * (unset: empty), then statements split on `;` and words on blanks as
 * `sh -c` does here; an unbalanced single or double quote is sh's syntax
 * error (exit 2).
 */
export function shellLine(line: string, env: Readonly<Record<string, string>>): Step[] {
  if ((line.match(/'/g) ?? []).length % 2 === 1 || (line.match(/"/g) ?? []).length % 2 === 1) {
    return [{ do: 'echo', text: 'sh: 1: Syntax error: Unterminated quoted string\n', fd: 2 }, { do: 'exit', code: 2 }];
  }
  const expanded = line.replace(/\$\{(\w+)\}|\$([A-Za-z_]\w*)/g, (_m, a?: string, b?: string) => env[a ?? b ?? ''] ?? '');
  return parseCommand(['sh', '-c', expanded.replace(/"/g, "'")]) ?? [];
}

/** A script running on virtual time; signal() delivers a signal. */
export class ScriptRun {
  private pc = 0;
  private status = 0;
  private timer: TimerHandle | undefined;
  private ignoresTerm = false;
  private done = false;

  constructor(
    private readonly steps: readonly Step[],
    private readonly host: ScriptHost,
  ) {}

  /** Runs until the first sleep (or the end). */
  start(): void {
    this.advance();
  }

  get running(): boolean {
    return !this.done;
  }

  /** SIGKILL ends it; SIGTERM too unless it trapped TERM. Returns whether it was running. */
  signal(sig: 'SIGTERM' | 'SIGKILL'): boolean {
    if (this.done) return false;
    if (sig === 'SIGTERM' && this.ignoresTerm) return true;
    this.timer?.cancel();
    this.finish({ code: null, signal: sig });
    return true;
  }

  private advance(): void {
    while (!this.done) {
      const step = this.steps[this.pc++];
      if (step === undefined) return this.finish({ code: this.status, signal: null });
      switch (step.do) {
        case 'echo':
          this.host.out(step.fd, step.text);
          this.status = 0;
          break;
        case 'sleep':
          this.status = 0;
          this.timer = this.host.setTimeout(() => this.advance(), step.ms);
          return;
        case 'exit':
          return this.finish({ code: step.code, signal: null });
        case 'status':
          this.status = step.code;
          break;
        case 'trap-term':
          this.ignoresTerm = true;
          break;
        case 'die':
          return this.finish({ code: null, signal: step.signal });
      }
    }
  }

  private finish(status: ExitStatus): void {
    if (this.done) return;
    this.done = true;
    this.host.exited(status);
  }
}
