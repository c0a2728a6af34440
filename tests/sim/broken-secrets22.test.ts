/**
 * Blind set 22 #19's class, awkward secrets (promise 8): the workers' secret
 * of scenario awkward-secret.yaml holds a tab, quotes, a backslash,
 * non-ASCII, `/ % + =` and a final line end. Broken variants through a
 * `vi.mock` of system/worker/redact.ts: #19's own mechanism (the raw secret
 * looked for in the JSON text, where it is escaped), a worker that
 * redacts the secret only as given (a failure's trimmed stderr tail then
 * carries all of it but its line end) and one that sends a task's progress
 * messages unredacted. The real system passes at seed 1;
 * each variant fails naming auth.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Redact from '../../system/worker/redact.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const planted = vi.hoisted(() => ({ rawInJson: false, untrimmed: false, progressAsSaid: false }));

vi.mock('../../system/worker/redact.js', async (importOriginal) => {
  const real = await importOriginal<typeof Redact>();
  // #19: each secret looked for raw in the value's JSON text (never JSON-escaped first).
  const rawInJson = <T>(value: T, secrets: readonly string[]): T => {
    if (value === undefined) return value;
    let text = JSON.stringify(value);
    for (const s of secrets) if (s.length >= 4) text = text.split(s).join('[redacted]');
    return JSON.parse(text) as T;
  };
  const redactSecrets: typeof real.redactSecrets = (value, secrets) => {
    // A progress message sent as the task said it (the only string attempt-context redacts).
    if (planted.progressAsSaid && typeof value === 'string' && new Error().stack?.includes('attempt-context') === true) return value;
    return planted.rawInJson ? rawInJson(value, secrets) : real.redactSecrets(value, secrets);
  };
  const redactionList: typeof real.redactionList = (secret) => (planted.untrimmed && secret !== undefined ? [secret] : real.redactionList(secret));
  return { ...real, redactSecrets, redactionList };
});

describe('blind set 22: awkward secrets (auth)', () => {
  it('awkward-secret: the real system passes; a redaction looking for the raw secret in JSON text lets it through (#19)', { timeout: 120_000 }, async () => {
    const scenario = await loadScenario('scenarios/awkward-secret.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await withPlanted(flagOn(planted, 'rawInJson'), () => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('auth');
    expect(broken.text).toMatch(/the workers' secret showed on the wire at t=\d+: a frame w\d sent to coordinator/);
    expect(broken.text).toMatch(/the workers' secret showed in an HTTP answer at t=\d+: the 200 answer to GET \/api\/v1\/executions: .*"note":"\[the workers' secret\]"/);
  });

  it('awkward-secret: a worker redacting its secret only as given leaks it through a trimmed stderr tail', { timeout: 120_000 }, async () => {
    const scenario = await loadScenario('scenarios/awkward-secret.yaml');
    const broken = await withPlanted(flagOn(planted, 'untrimmed'), () => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('auth');
    expect(broken.text).toMatch(/the workers' secret showed on the wire at t=\d+: a frame w\d sent to coordinator: .*"message":"command \\"sh\\" exited with code 3: \[the workers' secret\]"/);
  });

  it('awkward-secret: a worker sending progress messages as the task said them puts the secret on the wire', { timeout: 120_000 }, async () => {
    const scenario = await loadScenario('scenarios/awkward-secret.yaml');
    const broken = await withPlanted(flagOn(planted, 'progressAsSaid'), () => simVerdict(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toEqual(['auth']);
    expect(broken.text).toMatch(/the workers' secret showed on the wire at t=\d+: a frame w\d sent to coordinator: .*"fraction":0\.5,"message":"\[the workers' secret\]"/);
  });
});
