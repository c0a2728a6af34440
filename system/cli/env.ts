/**
 * The documented environment variables as the commands read them: one set
 * but empty or blank (`export SQUALL_URL=`, an env file's `KEY=` line, a
 * CI template left unfilled) is as unset (README "Operating it from the
 * command line"), never a value: an empty URL, a blank token, a log level
 * "" or a fault file named "  ".
 */
export function envSetting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v;
}
