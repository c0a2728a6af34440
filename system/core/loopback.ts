/**
 * Which addresses only this machine can reach. Both sides use it for their
 * secure defaults: a coordinator without auth listens only there, a worker
 * without a secret connects only there.
 */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** True for a host name or address only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}
