import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { coordinatorCommand } from './coordinator.js';
import { createLogger, logsPretty } from './logger.js';
import { workerCommand } from './worker.js';

describe('logsPretty', () => {
  it('is pretty on a terminal only: a pipe or a file (isTTY absent, as node leaves it) gets JSON lines', () => {
    expect(logsPretty({}, { isTTY: true })).toBe(true);
    expect(logsPretty({}, {})).toBe(false);
    expect(logsPretty({ pretty: true }, {})).toBe(true);
    expect(logsPretty({ pretty: false }, { isTTY: true })).toBe(false);
  });
});

describe('the log level', () => {
  it('is refused naming where it came from, not by pino: --log-level or $SQUALL_LOG_LEVEL', () => {
    expect(() => createLogger({ name: 't', level: 'bogus', pretty: false })).toThrow('--log-level must be one of trace, debug, info, warn, error, fatal, silent, got "bogus"');
    const saved = process.env.SQUALL_LOG_LEVEL;
    process.env.SQUALL_LOG_LEVEL = 'WARN';
    try {
      expect(() => createLogger({ name: 't', pretty: false })).toThrow('$SQUALL_LOG_LEVEL must be one of');
    } finally {
      if (saved === undefined) delete process.env.SQUALL_LOG_LEVEL;
      else process.env.SQUALL_LOG_LEVEL = saved;
    }
    expect(createLogger({ name: 't', level: 'silent', pretty: false }).info).toBeTypeOf('function');
  });

  it('a bad --log-level is refused as `squall coordinator` and `squall worker` parse, naming the flag', () => {
    for (const [make, argv] of [
      [coordinatorCommand, ['--log-level', 'bogus']],
      [workerCommand, ['--coordinator', 'ws://127.0.0.1:7070', '--id', 'w', '--log-level', 'bogus']],
    ] as const) {
      let err = '';
      const cmd = make(new Command('c').exitOverride().configureOutput({ writeErr: (x) => void (err += x), writeOut: () => {} }), () => {}, {});
      expect(() => cmd.parse([...argv], { from: 'user' })).toThrow();
      expect(err).toMatch(/--log-level must be one of trace, debug, info, warn, error, fatal, silent, got "bogus"/);
    }
  });
});
