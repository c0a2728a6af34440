// Module hooks chained after tsx's (bin/squall.js, npm run bench:sim):
// tsx compiles with esbuild's keepNames, which calls
// Object.defineProperty(fn, "name", ...) for every named function and
// closure as it is created. Without minified identifiers the names are
// JavaScript's own anyway (const f = () => {} is named f), so the call only
// costs: ~0.2 µs each, 143,000 per 500-worker herd simulation, and
// ~10% of its CPU with the maps and allocation it brings. The helper
// becomes `(target) => target`, padded to the same length so the source
// map of the (one-line) output stays exact. Code that does not carry the
// helper is passed through untouched.
// The price: a closure esbuild wrapped (`const g = __name(() => ..., "g")`)
// is now anonymous: `g.name` is '' and stack traces show its file and line
// without the name. Function declarations, classes and methods keep theirs.
// No code reads a closure's name; SQUALL_KEEP_NAMES=1 skips these hooks
// when a stack trace needs every name.
const HELPER = 'var __name=(target,value)=>__defProp(target,"name",{value,configurable:true});';
const PLAIN = 'var __name=(target,value)=>target;';
const REPLACEMENT = PLAIN.slice(0, -1) + ' '.repeat(HELPER.length - PLAIN.length) + ';';

/** The loaded module with tsx's name helper made an identity (see above); TypeScript modules only. */
export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context);
  if (loaded.format !== 'module' || loaded.source == null || !new URL(url).pathname.endsWith('.ts')) return loaded;
  const text = typeof loaded.source === 'string' ? loaded.source : Buffer.from(loaded.source).toString('utf8');
  return text.includes(HELPER) ? { ...loaded, source: text.replace(HELPER, REPLACEMENT) } : loaded;
}
