/**
 * Production logger: pino, pretty on a TTY, JSON lines otherwise (CI, files,
 * log shippers). Level from --log-level or SQUALL_LOG_LEVEL (default info).
 */
import { pino } from 'pino';
import { InvalidArgumentError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { envSetting } from './env.js';

/** The levels --log-level and SQUALL_LOG_LEVEL take (pino's). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Whether logs are pretty: on a terminal only (node leaves `isTTY` absent on a pipe or a file: JSON there). */
export function logsPretty(opts: { pretty?: boolean }, stderr: { readonly isTTY?: boolean } = process.stderr): boolean {
  return opts.pretty ?? stderr.isTTY === true;
}

export function createLogger(opts: { name: string; level?: string; pretty?: boolean }): Logger {
  const level = opts.level ?? envSetting(process.env, 'SQUALL_LOG_LEVEL') ?? 'info';
  // Refused naming where it came from: pino's own refusal ("default level:x must be included in custom levels") names neither.
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new InvalidArgumentError(`${opts.level === undefined ? '$SQUALL_LOG_LEVEL' : '--log-level'} must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  if (logsPretty(opts)) {
    return pino({
      name: opts.name,
      level,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'HH:MM:ss.l' } },
    });
  }
  // Synchronous: a process that exits right after logging (a refused start, Ctrl-C) still shows its last lines.
  return pino({ name: opts.name, level }, pino.destination({ dest: 2, sync: true }));
}
