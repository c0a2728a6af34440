/**
 * The live Buggify of the simulation (FoundationDB's BUGGIFY): system/ only
 * has the interface and the never-firing noBuggify (system/core/buggify.ts);
 * this is the one implementation that fires. Per run, each point is switched
 * on or off once from its own seeded stream (so a run stresses some windows
 * and leaves others alone, and adding a point never changes another's
 * activation); an active point then fires on a fraction of its calls. Seeded
 * from the run's seed: a buggified run replays to the same trace hash.
 */
import { BUGGIFY_POINTS, type Buggify, type BuggifyPoint, type Random } from '../../system/core/index.js';

/** Odds of a point being active in a run, and of an active point firing on a call. */
export interface BuggifyOdds {
  activation: number;
  firing: number;
}

/** FoundationDB's defaults: a quarter of the points per run, a quarter of their calls; ours activate half. */
const DEFAULT_BUGGIFY_ODDS: BuggifyOdds = { activation: 0.5, firing: 0.25 };

/** A seeded, firing Buggify that counts how often each point fired (for the run's report). */
export class SeededBuggify implements Buggify {
  private readonly activeByPoint = new Map<BuggifyPoint, boolean>();
  private readonly firedByPoint = new Map<BuggifyPoint, number>();
  private readonly draws: Random;

  constructor(
    private readonly random: Random,
    private readonly odds: BuggifyOdds = DEFAULT_BUGGIFY_ODDS,
  ) {
    this.draws = random.fork('firing');
  }

  /** Is the point switched on in this run (decided once, from the point's own stream)? */
  active(point: BuggifyPoint): boolean {
    let on = this.activeByPoint.get(point);
    if (on === undefined) {
      on = this.random.fork(`activation:${point}`).float() < this.odds.activation;
      this.activeByPoint.set(point, on);
    }
    return on;
  }

  fires(point: BuggifyPoint): boolean {
    if (!this.active(point) || this.draws.float() >= this.odds.firing) return false;
    this.firedByPoint.set(point, (this.firedByPoint.get(point) ?? 0) + 1);
    return true;
  }

  extraMs(point: BuggifyPoint, maxMs: number): number {
    return this.fires(point) ? Math.round(this.draws.float() * Math.max(0, maxMs)) : 0;
  }

  /** How often each point fired, every point listed (0: inactive or never reached). */
  fired(): Record<BuggifyPoint, number> {
    const out = {} as Record<BuggifyPoint, number>;
    for (const p of BUGGIFY_POINTS) out[p] = this.firedByPoint.get(p) ?? 0;
    return out;
  }
}
