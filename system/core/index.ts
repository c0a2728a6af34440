/**
 * system/core: the seams (Clock, Random, Transport), errors, events, ids,
 * logging and the domain model every other folder builds on. This index is
 * how code outside system/ (the harness) reaches them; system/ itself
 * imports the modules directly.
 */
export * from './buggify.js';
export * from './clock.js';
export * from './cpu.js';
export * from './crypto.js';
export * from './errors.js';
export * from './events.js';
export * from './ids.js';
export * from './json-limits.js';
export * from './log-limiter.js';
export * from './logger.js';
export * from './long-timer.js';
export * from './loopback.js';
export * from './marks.js';
export * from './model.js';
export * from './random.js';
export * from './transport.js';
export * from './version.js';
export * from './stats.js';
