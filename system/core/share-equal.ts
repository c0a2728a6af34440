/**
 * Shares one value among equal ones: a small read-only settings object (a
 * backoff config, a heartbeat policy) or a string (a normalized URL) that
 * every worker of a process resolves to the same content is kept once, not
 * once per worker or per connection. Only the last value is remembered, so
 * nothing grows; a different value replaces it. Objects are compared field
 * by field (shallow), so callers must treat the result as read-only.
 */
export function shareEqual<T extends object | string>(): (value: T) => T {
  let last: T | undefined;
  return (value) => {
    if (last !== undefined && sameContent(last, value)) return last;
    last = value;
    return value;
  };
}

function sameContent<T extends object | string>(a: T, b: T): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  const ka = Object.keys(a) as Array<keyof T>;
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.is(a[k], b[k]));
}
