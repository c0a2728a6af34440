import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.js';
import { FaultyStore } from '../store/faulty-store.js';
import { addClientOptions } from './client-options.js';
import { openCoordinatorStore } from './coordinator-store.js';
import { envSetting } from './env.js';
import { secretGiven } from './flag-rules.js';
import { createLogger } from './logger.js';
import { resolveSecret } from './options.js';

const saved = { SQUALL_LOG_LEVEL: process.env.SQUALL_LOG_LEVEL, SQUALL_URL: process.env.SQUALL_URL };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('a documented variable set but empty or blank is as unset', () => {
  it('envSetting: undefined for unset, empty and blank; the value otherwise, as given', () => {
    expect([envSetting({}, 'X'), envSetting({ X: '' }, 'X'), envSetting({ X: ' \t ' }, 'X'), envSetting({ X: ' a b ' }, 'X')]).toEqual([undefined, undefined, undefined, ' a b ']);
  });

  it('the worker secret: blank $SQUALL_SECRET / $SQUALL_SECRET_FILE give none (no secret "  ", no file "  " read)', () => {
    expect(resolveSecret(undefined, undefined, { SQUALL_SECRET: '  ' })).toBeUndefined();
    expect(resolveSecret(undefined, undefined, { SQUALL_SECRET_FILE: ' ', SQUALL_SECRET: 's3' })).toBe('s3');
    expect(secretGiven({}, { SQUALL_SECRET: '  ', SQUALL_SECRET_FILE: '' })).toBe(false);
  });

  it('an empty $SQUALL_LOG_LEVEL logs at info (not refused as level "")', () => {
    process.env.SQUALL_LOG_LEVEL = '';
    expect((createLogger({ name: 'env-test', pretty: false }) as unknown as { level: string }).level).toBe('info');
  });

  it('a blank $SQUALL_STORE_FAULTS plants no fault file', async () => {
    const { store } = openCoordinatorStore({ store: 'memory' }, silentLogger, { SQUALL_STORE_FAULTS: '  ' });
    expect(store).not.toBeInstanceOf(FaultyStore);
    await store.close();
  });

  it('a blank $SQUALL_URL gives the default --url (not a URL of spaces refused in --url\'s name)', () => {
    const urlOf = (v: string): unknown => {
      process.env.SQUALL_URL = v;
      return addClientOptions(new Command('x')).opts().url;
    };
    expect([urlOf(''), urlOf('  '), urlOf('http://h:1')]).toEqual(['http://127.0.0.1:7070', 'http://127.0.0.1:7070', 'http://h:1']);
  });
});
