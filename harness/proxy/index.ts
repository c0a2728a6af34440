/**
 * harness/proxy: a fault proxy whose HTTP API matches Toxiproxy 2.x, so the
 * live harness (and toxiproxy-node-client users) can inject latency, bandwidth
 * limits, stalls, resets, slicing, truncation and corruption on real TCP.
 * See docs/PROXY.md.
 */
export { startProxyServer, type ProxyServer, type ProxyServerOptions } from './server.js';
export { connectFaultProxy, type FaultProxy, type FaultProxyOptions, type ToxicInput } from './client.js';
export { ProxyCollection } from './collection.js';
export { ApiError } from './api-error.js';
export { TOXIPROXY_VERSION } from './api.js';
export type { ProxyJson } from './proxy.js';
export type { ToxicJson } from './toxic-spec.js';
export { serveProxy, type ServeProxyOptions } from './serve.js';
