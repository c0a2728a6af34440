/**
 * Defence in depth for the worker's secrets: whatever a task returns or
 * fails with is scrubbed of them before it becomes a result (results are
 * stored by the coordinator and shown over the API). The clean command
 * environment already keeps them from tasks; this catches any other path.
 */

/** Replaces every occurrence of each secret (at least 4 chars) in a JSON-safe value with "[redacted]". */
export function redactSecrets<T>(value: T, secrets: readonly string[]): T {
  if (value === undefined || secrets.length === 0) return value;
  let text = JSON.stringify(value);
  let changed = false;
  for (const s of secrets) {
    if (s.length < 4) continue;
    const escaped = JSON.stringify(s).slice(1, -1);
    if (text.includes(escaped)) {
      text = text.split(escaped).join('[redacted]');
      changed = true;
    }
  }
  return changed ? (JSON.parse(text) as T) : value;
}
