/**
 * Blind set 16's deployment misses (#06, #15, #19, #23), each as a broken
 * variant planted in the function the CLI runs, caught by the deployment
 * probes of the processes as the CLI configures them
 * (harness/scenario/deploy-probe-cli.ts, attack `deployment` of
 * adversarial-clients.yaml) under promise 8 (auth). Every variant is off
 * until its test turns it on, so the same file runs the real system first.
 */
import { chmodSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as CoordinatorCommand from '../../system/cli/coordinator.js';
import type * as CoordinatorSecurity from '../../system/cli/coordinator-security.js';
import type * as TokenFile from '../../system/coordinator/token-file.js';
import type * as SqliteSchema from '../../system/store/sqlite-schema.js';
import type * as WorkerConfig from '../../system/worker/config.js';
import { simVerdict } from './broken/verdict.js';

const broken = vi.hoisted(() => ({ unsignedByDefault: false, worldReadableTokens: false, lockReleased: false, oneMoreAttempt: false, timeoutTwiceHeartbeat: false }));

// #06: --sign-messages defaults to off even with a secret.
vi.mock('../../system/cli/coordinator-security.js', async (importOriginal) => {
  const real = await importOriginal<typeof CoordinatorSecurity>();
  return {
    ...real,
    securityConfig: (...args: Parameters<typeof real.securityConfig>) => {
      const out = real.securityConfig(...args);
      return broken.unsignedByDefault && args[0].signMessages === undefined ? { ...out, config: { ...out.config, signMessages: false } } : out;
    },
  };
});

// #15: tokens.json left world-readable after a write.
vi.mock('../../system/coordinator/token-file.js', async (importOriginal) => {
  const real = await importOriginal<typeof TokenFile>();
  return {
    ...real,
    fileTokenStore: (dataDir: string, onBadEntry?: Parameters<typeof real.fileTokenStore>[1]) => {
      const store = real.fileTokenStore(dataDir, onBadEntry);
      const add = store.add.bind(store);
      return { ...store, path: store.path, add: (r: Parameters<typeof add>[0]) => (add(r), broken.worldReadableTokens ? chmodSync(store.path, 0o644) : undefined) };
    },
  };
});

// #19: the exclusive lock taken and released at once (no locking_mode = EXCLUSIVE).
vi.mock('../../system/store/sqlite-schema.js', async (importOriginal) => {
  const real = await importOriginal<typeof SqliteSchema>();
  return {
    ...real,
    lockExclusively: (db: Parameters<typeof real.lockExclusively>[0], path: string) => {
      if (!broken.lockReleased) return real.lockExclusively(db, path);
      db.pragma('busy_timeout = 0');
      db.exec('BEGIN IMMEDIATE; COMMIT');
    },
  };
});

// #23: the worker gives up after maxAttempts + 1 failed attempts.
vi.mock('../../system/worker/config.js', async (importOriginal) => {
  const real = await importOriginal<typeof WorkerConfig>();
  return {
    ...real,
    workerConfigWithDefaults: (o: Parameters<typeof real.workerConfigWithDefaults>[0]) => {
      const c = real.workerConfigWithDefaults(o);
      return broken.oneMoreAttempt && Number.isFinite(c.maxAttempts) ? { ...c, maxAttempts: c.maxAttempts + 1 } : c;
    },
  };
});

// A CLI default drifting from its --help: the heartbeat timeout defaults to 2x the heartbeat instead of 3x.
vi.mock('../../system/cli/coordinator.js', async (importOriginal) => {
  const real = await importOriginal<typeof CoordinatorCommand>();
  return {
    ...real,
    coordinatorConfig: (...args: Parameters<typeof real.coordinatorConfig>) => {
      const out = real.coordinatorConfig(...args);
      return broken.timeoutTwiceHeartbeat && args[0].heartbeatTimeoutMs === undefined ? { ...out, heartbeatTimeoutMs: args[0].heartbeatMs * 2 } : out;
    },
  };
});

afterEach(() => Object.assign(broken, { unsignedByDefault: false, worldReadableTokens: false, lockReleased: false, oneMoreAttempt: false, timeoutTwiceHeartbeat: false }));

async function caught(variant: keyof typeof broken): Promise<string> {
  const scenario = await loadScenario('scenarios/adversarial-clients.yaml');
  broken[variant] = true;
  const v = await simVerdict(scenario);
  expect(v.passed).toBe(false);
  expect(v.promises).toContain('auth');
  return v.text;
}

describe('blind set 16: processes as the CLI configures them (auth)', () => {
  it('the real system passes the deployment probes at seed 1', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await loadScenario('scenarios/adversarial-clients.yaml'))).text).toBe('');
  });

  it('#06 squall coordinator with a secret and no --sign-messages runs crc-only frames', { timeout: 60_000 }, async () => {
    expect(await caught('unsignedByDefault')).toMatch(/coordinator-cli "--secret-file F: frames after registration": crc-only, but the README documents signed/);
  });

  it('#15 tokens.json written 0644', { timeout: 60_000 }, async () => {
    expect(await caught('worldReadableTokens')).toMatch(/coordinator-files "tokens\.json \(token hashes\) mode": 0644, but the README documents 0600/);
  });

  it('#19 a second coordinator on the same --data-dir is not refused', { timeout: 60_000 }, async () => {
    expect(await caught('lockReleased')).toMatch(/coordinator-data-dir configuration "a second coordinator on the same --data-dir while the first runs" started: the README forbids it/);
  });

  it('#23 a worker with maxAttempts 3 tries 4 times', { timeout: 60_000 }, async () => {
    expect(await caught('oneMoreAttempt')).toMatch(/worker "maxAttempts 3, coordinator refusing every connection": 4 attempts, gave up, but the README documents 3 attempts, gave up/);
  });

  it('a coordinator default drifting from its --help (heartbeat timeout 2x heartbeat)', { timeout: 60_000 }, async () => {
    expect(await caught('timeoutTwiceHeartbeat')).toMatch(/coordinator-defaults "heartbeat timeout ms \(3x heartbeat\)": 2000, but the README documents 3000/);
  });
});
