/**
 * The coordinator's HTTP exposure in a scenario (simulation only): the
 * address it says it listens on and its `--allowed-hosts`. The virtual
 * network reaches the coordinator by its host name whatever it says; these
 * only change what its HTTP gate accepts as a Host, so the HTTP adversary's
 * Host probes (adversary-surface.ts) can judge the DNS-rebinding guard on a
 * wildcard listen address with allowed hosts (README, "Cross-site requests
 * are refused"). And a fleet's twins: two live workers with one id, its
 * private CA (`tlsCa`), and a worker whose id carries markup (`markupWorker`).
 * Both sides' `zeroRtt` turn the 0-RTT register off (an older peer's side of the handshake).
 */
import { z } from 'zod';
import { Ms } from './faults.js';

export const SECURITY_COORDINATOR_FIELDS = {
  /** The listen address the coordinator is given (e.g. 0.0.0.0); default its host name `coordinator`. */
  listen: z.string().min(1).optional(),
  /** Host names (or host:port) the API may be addressed as (--allowed-hosts); default none. */
  allowedHosts: z.array(z.string().min(1)).optional(),
  /** Takes a register carried in the upgrade request (the 0-RTT register, protocol/hello.ts); false: ignores the header, as an older coordinator does. Default true. */
  zeroRtt: z.boolean().optional(),
};

/** A CA certificate (PEM, not a real one: the virtual network has no TLS) the fleet's workers are given with `fleet.tlsCa`. */
export const SIM_TLS_CA_PEM = '-----BEGIN CERTIFICATE-----\nc3F1YWxsLXNpbXVsYXRlZC1wcml2YXRlLWNh\n-----END CERTIFICATE-----\n';

export const FLEET_SECURITY_FIELDS = {
  /**
   * Every worker is given a private CA (--tls-ca; SIM_TLS_CA_PEM) and dials wss:// (simulation only): the TLS
   * options each connect builds with the production builder are recorded and judged (promise 38, promises-wire-frames.ts).
   */
  tlsCa: z.boolean().default(false),
  /**
   * An operator's mistake (simulation only): at `at` ms into the fault phase a second live process starts
   * with worker `of`'s id and config, on its own host `<of>.twin`. The protocol says the newer connection
   * wins and the replaced process stops (close 4409, fatal): no flapping (promise 38, promises-wire.ts).
   */
  twins: z.array(z.strictObject({ of: z.string().min(1), at: Ms })).default([]),
  /**
   * One more worker (simulation only), on host `markup`, registering with an id that carries markup
   * (MARKUP_WORKER_ID): the dashboard must show it as text wherever it shows a worker id (promise 29,
   * harness/scenario/ui-page.ts). Not one of the fleet's ids: no fault or group names it.
   */
  markupWorker: z.boolean().default(false),
  /** The workers carry register in the upgrade request (the 0-RTT register; never with a secret); false: they register after the welcome, as older workers do. Default true. */
  zeroRtt: z.boolean().optional(),
};

/** The host and the registered id of `fleet.markupWorker`. */
export const MARKUP_WORKER_HOST = 'markup';
export const MARKUP_WORKER_ID = '<img src=x onerror=alert(1) data-injected><b data-injected>worker</b> &amp; &lt;1';
