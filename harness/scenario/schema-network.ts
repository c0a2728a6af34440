/**
 * The simulated network's own shape (not a fault): `network.latencyMs`, a
 * one-way delay every frame of every link takes in simulation, in
 * milliseconds with a fraction (0.35: a round trip of 0.7 ms). Without it a
 * frame takes the next whole millisecond and round trips are whole
 * milliseconds or 0 (the dashboard's µs branch then only ever shows "0 µs");
 * with it the simulated clock carries fractions of a millisecond (monotonic
 * time only: a process's wall clock, like Date.now, stays in whole ms).
 * Opt-in, so every scenario without it keeps its trace hash. Simulation
 * only: a live run is refused (harness/scenario/validate.ts), since the real
 * network has a latency of its own.
 */
import { z } from 'zod';

/** The network block of a scenario. */
const Network = z.strictObject({
  /** One-way delay of every frame on every link, ms (fractions allowed), added before any fault's. */
  latencyMs: z.number().positive().max(60_000),
});

/** The scenario fields this file adds (schema.ts ScenarioObject). */
export const NETWORK_SCENARIO_FIELDS = {
  network: Network.optional(),
};
