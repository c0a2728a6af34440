/**
 * Coverage marks (FoundationDB's code probes, TigerBeetle's coverage marks):
 * the coordinator, engine and worker say "this rare situation just happened"
 * through a Marks seam, so the simulation can count which situations a run
 * reached and the suite can fail when a situation that matters was never
 * exercised. Production binds `noMarks`, a frozen no-op: a hit costs one call.
 * The catalog below is the one list of mark names; the harness keeps which of
 * them the default suite must reach (harness/sim/marks.ts).
 */

/** Every mark, with the situation it stands for (shown in the unreached-marks table). */
export const MARK_CATALOG = {
  'worker.resume-resend': 'a resumed session: the worker re-sent reliable messages the coordinator had not acknowledged',
  'worker.session-renumbered': 'a new session (resume refused): the worker renumbered unacknowledged messages from seq 1',
  'worker.duplicate-dropped': 'the worker received a reliable message it had already handled and only re-acknowledged it',
  'worker.backoff-cap': 'a reconnect delay drawn with the backoff strategy at its cap (maxMs)',
  'worker.heartbeat-timeout': 'the worker detected a silent (half-open) link by its heartbeat timeout',
  'worker.task-revoked': 'a lease the worker held was revoked by the coordinator at sync',
  'worker.cancel-received': 'a cancel abort reached the worker while the attempt was running',
  'worker.checkpoint-resumed': 'the worker started an attempt from a checkpoint handed over with the assignment',
  'worker.frame-rejected': 'the worker rejected a corrupted or unverifiable frame from the coordinator',
  'worker.early-sync': 'the worker sent its held-task report right behind register (nothing to re-send first) and was answered without an extra round trip',
  'worker.retry-after': "the worker honoured the coordinator's retry-after hint (admission control, close 4503) in its next delay",
  'coordinator.admission-refused': 'a herd exceeded the handshakes the coordinator admits at once; a connection was told to retry after a hint',
  'coordinator.resume-resend': 'a resumed session: the coordinator re-sent reliable messages the worker had not acknowledged',
  'coordinator.session-replaced': 'a second connection registered the same worker id; the old one was closed 4409',
  'coordinator.heartbeat-timeout': 'the coordinator detected a silent (half-open) link by its heartbeat timeout',
  'coordinator.frame-rejected': 'the coordinator rejected a corrupted, oversized or unverifiable frame',
  'coordinator.duplicate-dropped': 'the coordinator received a reliable message it had already admitted and only re-acknowledged it',
  'coordinator.duplicate-in-commit': "a resumed worker re-sent a reliable message whose first copy was still committing; the re-send was dropped, not admitted again",
  'engine.stale-result-fenced': 'a result under a superseded lease token was refused (fencing)',
  'engine.duplicate-result-ignored': 'a second result for an already recorded lease was acknowledged and ignored',
  'engine.started-folded': "a result carried its attempt's start (no separate started): running and the outcome committed together",
  'engine.lease-expired': 'a lease expired and its execution was re-queued',
  'engine.retry-delay-scheduled': 'a failed attempt was scheduled for a retry after a non-zero delay',
  'engine.checkpoint-handed-over': 'a reassigned attempt was handed the latest saved checkpoint',
  'engine.cancel-running': 'a running execution was cancelled and its holder told to abort',
  'engine.timeout-enforced': 'an attempt ran past its timeout and was ended by the engine',
  'engine.lease-renewed-long': "a lease was renewed after its attempt had run longer than one lease period (kept alive only by its holder's traffic)",
  'worker.refused-at-capacity': 'the worker refused an assignment because its concurrency was full (the coordinator re-queues it)',
  'sim.crash-in-commit-window': 'the coordinator was killed with store operations issued but not yet committed',
} as const;

/** A mark name (a key of MARK_CATALOG). */
export type MarkName = keyof typeof MARK_CATALOG;

/** All mark names, in catalog order. */
export const MARK_NAMES = Object.keys(MARK_CATALOG) as MarkName[];

/** The seam: `hit` says the situation happened once more. Must never throw. */
export interface Marks {
  hit(name: MarkName): void;
}

/** The production binding: does nothing. */
export const noMarks: Marks = Object.freeze({ hit: (): void => {} });
