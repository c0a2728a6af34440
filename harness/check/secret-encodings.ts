/**
 * Every form a secret can take once the system has written it somewhere
 * (promise 8, blind set 22 #19: a redaction that looked for the raw secret
 * in JSON text missed one holding a quote, a backslash or a line end, which
 * JSON escapes). A leak is a leak whatever encoding carried it, so the
 * secret scans (promises-secrets.ts over the history's records,
 * harness/scenario/secret-watch.ts over frames, log lines and HTTP answers)
 * look for each of these:
 *  - raw;
 *  - JSON-escaped (a string inside a JSON text), with non-ASCII as \uXXXX
 *    too (as some serializers write it), and escaped twice (a JSON text
 *    carried as a string inside another);
 *  - URL-encoded (encodeURIComponent's, upper- and lower-case escapes; a
 *    form's, a blank as `+`);
 *  - base64 and base64url of its UTF-8 bytes, at each of the three byte
 *    offsets it can start at inside a longer encoded text (only the
 *    characters its own bytes decide);
 *  - hex of its UTF-8 bytes, lower- and upper-case;
 * and each of those of the secret trimmed, when blanks or a line end
 * surround it (a text trimmed before it is shown, as a failure's stderr
 * tail, carries all of the secret but its line end; the worker redacts the
 * trimmed secret too, system/worker/redact.ts).
 */

/** A base64 core shorter than this is not looked for (too short to mean the secret). */
const MIN_BASE64_CORE = 6;

/** `s` as it shows inside a JSON string (no quotes around it). */
export function jsonEscaped(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

/** JSON-escaped with every non-ASCII UTF-16 unit as \uXXXX. */
function jsonAsciiEscaped(s: string): string {
  return jsonEscaped(s).replace(/[^ -~]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The base64 characters decided by `bytes` alone when they start `offset` bytes into a longer text (0..2). */
function base64Core(bytes: Buffer, offset: number): string {
  const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
  const skip = offset === 0 ? 0 : offset + 1;
  const end = Math.floor((offset + bytes.length) / 3) * 4;
  return text.slice(skip, end);
}

/** The texts a worker redacts for `secret`: itself, then itself trimmed when that differs and keeps 4 characters or more. */
export function secretTexts(secret: string): string[] {
  const trimmed = secret.trim();
  return trimmed !== secret && trimmed.length >= 4 ? [secret, trimmed] : [secret];
}

/** Every encoded form of `secret` (and of it trimmed) a scan looks for (see the file header), distinct, the raw one first. */
export function secretEncodings(secret: string): string[] {
  return [...new Set(secretTexts(secret).flatMap(encodingsOf))];
}

/** Every encoded form of one text. */
function encodingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const url = encodeURIComponent(secret);
  const out = [secret, jsonEscaped(secret), jsonAsciiEscaped(secret), jsonEscaped(jsonEscaped(secret)), url, url.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()), url.replace(/%20/g, '+'), bytes.toString('hex'), bytes.toString('hex').toUpperCase()];
  for (const offset of [0, 1, 2]) {
    const core = base64Core(bytes, offset);
    if (core.length >= MIN_BASE64_CORE) out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}
