/**
 * Defence in depth for the worker's secrets: whatever a task returns or
 * fails with is scrubbed of them before it becomes a result (results are
 * stored by the coordinator and shown over the API). The clean command
 * environment already keeps them from tasks; this catches any other path.
 * A secret with blanks or a line end around it (a `$SQUALL_SECRET` filled
 * from a file that ends in a newline) is also redacted trimmed: a failure's
 * stderr tail is trimmed before it becomes the error message, and would
 * carry all of the secret but its line end.
 */

/** Replaces every occurrence of each secret (at least 4 chars), then of it trimmed (redactionList), in a JSON-safe value with "[redacted]". */
export function redactSecrets<T>(value: T, secrets: readonly string[]): T {
  return redactTexts(value, secrets.flatMap((s) => redactionList(s)));
}

/** redactSecrets of exactly these texts. */
function redactTexts<T>(value: T, secrets: readonly string[]): T {
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
  return changed ? parsedOrWalked(text, value, secrets) : value;
}

/**
 * The redacted JSON text parsed back; when a match began inside one of the
 * text's escapes (a secret "nabcd" in a value holding a line end then
 * "abcd": `\nabcd`), the text no longer parses, and each string of the value
 * is redacted on its own instead.
 */
function parsedOrWalked<T>(text: string, value: T, secrets: readonly string[]): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return walked(JSON.parse(JSON.stringify(value)) as unknown, secrets) as T;
  }
}

/** A JSON value with every secret replaced in each of its strings and keys. */
function walked(v: unknown, secrets: readonly string[]): unknown {
  const inText = (t: string): string => secrets.reduce((acc, s) => (s.length < 4 ? acc : acc.split(s).join('[redacted]')), t);
  if (typeof v === 'string') return inText(v);
  if (Array.isArray(v)) return v.map((x) => walked(x, secrets));
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [inText(k), walked(x, secrets)]));
}

/** What a worker redacts for `secret`: the secret, then, when blanks or line ends surround it, the secret trimmed (4 characters or more). */
function redactionList(secret: string): string[] {
  const trimmed = secret.trim();
  return trimmed !== secret && trimmed.length >= 4 ? [secret, trimmed] : [secret];
}
