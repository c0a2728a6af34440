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
  'worker.hello-accepted': 'the coordinator took the register the upgrade request carried (0-RTT register): no register frame, registered right behind the welcome',
  'worker.retry-after': "the worker honoured the coordinator's retry-after hint (admission control, close 4503) in its next delay",
  'worker.outbox-full': 'the outbox refused a data message: its bounded messages (progress, data) filled its capacity (backpressure)',
  'worker.result-too-large': "a task's result could not fit the coordinator's frame limit and was replaced by a too_large failure",
  'coordinator.admission-refused': 'a herd exceeded the handshakes the coordinator admits at once; a connection was told to retry after a hint',
  'coordinator.hello-register': 'a worker registered with the register its upgrade request carried (0-RTT register), answered behind the 101 with the welcome',
  'coordinator.hello-deferred': 'a 0-RTT register beyond half the admission limit was not taken: a plain welcome, the worker registers with a frame (2-RTT) while it waits in admission',
  'coordinator.resume-resend': 'a resumed session: the coordinator re-sent reliable messages the worker had not acknowledged',
  'coordinator.session-replaced': 'a second connection registered the same worker id; the old one was closed 4409',
  'coordinator.heartbeat-timeout': 'the coordinator detected a silent (half-open) link by its heartbeat timeout',
  'coordinator.drain-received': 'a worker said it is draining; the coordinator gives it no more work',
  'coordinator.frame-rejected': 'the coordinator rejected a corrupted, oversized or unverifiable frame',
  'coordinator.duplicate-dropped': 'the coordinator received a reliable message it had already admitted and only re-acknowledged it',
  'coordinator.sync-holds-pending-assign': 'a worker synced while an assignment to it was still unacknowledged (or its claim committing); the sync counted the lease as held',
  'coordinator.abort-held-for-claim': "an abort (cancel, pause) came for a lease whose claim was still committing; it was held and sent right behind the lease's assign",
  'coordinator.pass-limit': 'an assignment pass stopped at its claim limit with work still ready and woke itself for the rest',
  'coordinator.send-backlog-watched': "a worker's socket had more than 2 MB queued after a send (the send backlog's watch line): the assignment loop tests it until it drains",
  'coordinator.assign-backlogged': 'the assignment loop gave a worker no new work because its socket had more than 4 MB queued (the high-water mark)',
  'coordinator.duplicate-in-commit': "a resumed worker re-sent a reliable message whose first copy was still committing; the re-send was dropped, not admitted again",
  'engine.stale-result-fenced': 'a result under a superseded lease token was refused (fencing)',
  'engine.duplicate-result-ignored': 'a second result for an already recorded lease was acknowledged and ignored',
  'engine.started-folded': "a result carried its attempt's start (no separate started): running and the outcome committed together",
  'engine.lease-expired': 'a lease expired and its execution was re-queued',
  'engine.retry-delay-scheduled': 'a failed attempt was scheduled for a retry after a non-zero delay',
  'engine.checkpoint-handed-over': 'a reassigned attempt was handed the latest saved checkpoint',
  'engine.cancel-running': 'a running execution was cancelled and its holder told to abort',
  'engine.timeout-enforced': 'an attempt ran past its timeout and was ended by the engine',
  'engine.delay-rearmed-earlier': 'the delay queue re-armed its timer for an entry due before the one it was armed for',
  'engine.pause-pending-dependent': 'an execution waiting for its dependencies (pending) was paused; its resume must wait for them too',
  'engine.repeat-waited-commit': "an idempotent repeat arrived while the original submission was still committing and waited for that commit",
  'engine.lease-kept-at-recovery': 'a restarted coordinator recovered a committed lease from the store and kept it for its holder (expiry re-armed)',
  'engine.recovered-timeout-armed': "a restarted coordinator re-armed the timeout of a recovered lease's attempt",
  'engine.dependency-failed-at-recovery': 'a dependent recovered pending from the store had a dependency that already ended unsuccessfully, and was failed (dependency_failed)',
  'engine.scheduled-dependent-unready-at-recovery': "a dependent recovered scheduled from the store had a dependency whose completion the store never kept, and went back to pending",
  'engine.stale-checkpoint-fenced': "a checkpoint sent under a superseded lease token arrived while another attempt held the lease, and was refused",
  'coordinator.handshake-closed-before-register': 'an admitted handshake was closed between welcome and register (a 0-RTT one: before the worker\'s first answer); its admission slot was given back',
  'engine.lease-renewed-long': "a lease was renewed after its attempt had run longer than one lease period (kept alive only by its holder's traffic)",
  'worker.refused-at-capacity': 'the worker refused an assignment because its concurrency was full (the coordinator re-queues it)',
  'sim.crash-in-commit-window': 'the coordinator was killed with store operations issued but not yet committed',
  // What the container and command kinds create, on the simulated engine and process table (harness/sim/resources).
  'sim.container-killed': 'a running container was killed (its attempt timed out or was aborted)',
  'sim.child-sigkilled': 'a child that ignored SIGTERM was killed by SIGKILL (the command kind\'s 2 s grace ran out)',
  'sim.container-outlived-worker': 'a worker was killed or restarted while a container it started was running; Docker kept it',
  // Adversaries rejected (issue 10, harness/scenario/adversary-onpath.ts).
  'worker.impostor-rejected': 'the worker refused a coordinator that could not prove the secret (a `registered` whose proof was missing or wrong: an impostor) and closed 4403',
  'coordinator.registration-refused': 'the coordinator refused a registration whose MAC was missing or wrong (no secret, a replay, or a welcome edited in transit) with 4401',
  'coordinator.signature-refused': 'the coordinator refused a frame on a signing session whose signature was missing or wrong (an injected, unsigned or corrupted frame) with 4402',
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
