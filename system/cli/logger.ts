/**
 * Production logger: pino, pretty on a TTY, JSON lines otherwise (CI, files,
 * log shippers). Level from --log-level or SQUALL_LOG_LEVEL (default info).
 */
import { pino } from 'pino';
import type { Logger } from '../core/logger.js';

/** Whether logs are pretty: on a terminal only (node leaves `isTTY` absent on a pipe or a file: JSON there). */
export function logsPretty(opts: { pretty?: boolean }, stderr: { readonly isTTY?: boolean } = process.stderr): boolean {
  return opts.pretty ?? stderr.isTTY === true;
}

export function createLogger(opts: { name: string; level?: string; pretty?: boolean }): Logger {
  const level = opts.level ?? process.env.SQUALL_LOG_LEVEL ?? 'info';
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
