/** Wire protocol: schemas and types (messages), codec (edge validation), close codes. */
export * from './messages.js';
export * from './codec.js';
export * from './close-codes.js';
export * from './handshake.js';
export * from './hello.js';
