/**
 * A coordinator impostor's listener (adversary-onpath.ts, adversary-wire.ts):
 * on the adversary host, at the coordinator's port, with the victim's
 * connects to the coordinator routed to it until `stopRouting` (the victim's
 * next connect then reaches the real coordinator) or `close`.
 */
import type { Connection } from '../../system/core/index.js';
import type { Simulation } from '../sim/index.js';

/** The host the adversaries run on. */
const ADVERSARY_HOST = 'adversary';

export interface ImpostorListener {
  stopRouting(): void;
  close(): Promise<void>;
}

/** Listens as the coordinator for `victim`; `onConnection` gets each connection the victim opens meanwhile. */
export async function listenAsCoordinator(sim: Simulation, victim: string, onConnection: (c: Connection) => void): Promise<ImpostorListener> {
  const port = Number(new URL(sim.coordinator.url).port);
  const route = sim.net.redirect(victim, 'coordinator', ADVERSARY_HOST);
  const listener = await sim.host(ADVERSARY_HOST).transport.listen({ host: ADVERSARY_HOST, port, maxPayloadBytes: 1 << 20, perMessageDeflate: false, onConnection });
  return {
    stopRouting: () => route.remove(),
    close: async () => {
      route.remove();
      await listener.close();
    },
  };
}
