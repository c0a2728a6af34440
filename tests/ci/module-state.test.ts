/**
 * The class of session 33's child-spawn hook: no mutable module-level
 * binding in system/ (eslint.config.js, no-restricted-syntax). A module is
 * shared by every process a simulation runs, so a hook the harness sets in
 * one (the routed spawn) is a hook every other sees; state goes through a
 * process's deps instead (TaskContext.spawn from WorkerDeps.spawn). The rule
 * refuses the hook as it was and accepts the seam that replaced it.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const HOOK = `import { spawn as childSpawn } from 'node:child_process';
export type RawSpawn = (program: string, args: readonly string[], options: object) => unknown;
let routed: RawSpawn | undefined;
export const spawn = (program: string, args: readonly string[], options: object): unknown => (routed ?? childSpawn)(program, [...args], options);
export function routeSpawn<T>(raw: RawSpawn, fn: () => T): T {
  const before = routed;
  routed = raw;
  try {
    return fn();
  } finally {
    routed = before;
  }
}
`;

/** Messages of the module-state rule for `code` linted as system/tasks/child-spawn.ts. */
async function moduleStateErrors(code: string, filePath = 'system/tasks/child-spawn.ts'): Promise<string[]> {
  const [result] = await new ESLint({ cwd: process.cwd() }).lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => `${m.line}: ${m.message}`);
}

describe('system/ keeps no mutable module-level state', () => {
  it('refuses the routed-spawn hook (a module-level let the harness set around one call)', { timeout: 60_000 }, async () => {
    expect(await moduleStateErrors(HOOK)).toEqual([expect.stringMatching(/^3: No mutable module-level binding in system\/: a module is shared by every simulated process/)]);
    expect(await moduleStateErrors(HOOK.replace('let routed', 'export let routed'))).toHaveLength(1);
  });

  it('accepts the seam that replaced it, and the same hook outside system/', { timeout: 60_000 }, async () => {
    const seam = `import { spawn as childSpawn } from 'node:child_process';
export const nodeSpawn = (program: string, args: readonly string[], options: object): unknown => childSpawn(program, [...args], options);
`;
    expect(await moduleStateErrors(seam)).toEqual([]);
    expect(await moduleStateErrors(HOOK, 'harness/sim/resources/hook.ts')).toEqual([]);
  });
});
