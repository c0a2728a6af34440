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
  // Each secret looked for in the value's JSON text as `form` writes it (#19: raw, never JSON-escaped first).
  const inJson = <T>(value: T, secrets: readonly string[], form: (s: string) => string): T => {
    if (value === undefined) return value;
    let text = JSON.stringify(value);
    for (const s of secrets) if (s.length >= 4) text = text.split(form(s)).join('[redacted]');
    return JSON.parse(text) as T;
  };
  const redactSecrets: typeof real.redactSecrets = (value, secrets) => {
    // A progress message sent as the task said it (a string attempt-context redacts; this scenario's checkpoints are objects).
    if (planted.progressAsSaid && typeof value === 'string' && new Error().stack?.includes('attempt-context') === true) return value;
    if (planted.rawInJson) return inJson(value, secrets, (s) => s);
    // The secret redacted only as given, JSON-escaped, never trimmed.
    if (planted.untrimmed) return inJson(value, secrets, (s) => JSON.stringify(s).slice(1, -1));
    return real.redactSecrets(value, secrets);
  };
  return { ...real, redactSecrets };
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
