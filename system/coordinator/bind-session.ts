/**
 * Binds an authenticated registration to its worker entry: replaces an older
 * connection of the same worker id (4409), resumes the session the worker
 * names if it is still within sessionTtlMs (else starts a new one), and
 * updates the registry entry. Kept apart from connection-handler.ts, which
 * owns the wire side of the handshake.
 */
import { newSessionId, type WorkerId } from '../core/ids.js';
import type { Register } from '../protocol/messages.js';
import type { CoordinatorContext } from './context.js';
import type { WorkerEntry } from './registry.js';
import type { Session } from './session.js';

/** The entry and session a registration is bound to; resumable: the worker's previous session continues. */
export function bindSession(
  ctx: CoordinatorContext,
  connectionId: string,
  workerId: WorkerId,
  msg: Register,
  now: number,
  mono: number,
): { entry: WorkerEntry; session: Session; resumable: boolean } {
  const { entry, known } = ctx.registry.getOrCreate(workerId);
  const wasConnected = entry.state === 'connected';

  if (entry.connectionId !== undefined && entry.connectionId !== connectionId) {
    const old = ctx.connections.get(entry.connectionId);
    ctx.emit({ type: 'worker_replaced', workerId, oldConnectionId: entry.connectionId, newConnectionId: connectionId });
    ctx.logger.warn({ workerId, oldConnectionId: entry.connectionId, newConnectionId: connectionId }, 'worker id re-registered; replacing the old connection');
    if (old !== undefined) ctx.marks.hit('coordinator.session-replaced');
    old?.replaceBy(connectionId);
    entry.session?.detach(now);
    entry.connectionId = undefined;
  }

  const prev = entry.session;
  const resumable =
    msg.resume !== undefined && prev !== undefined && prev.id === msg.resume.sessionId && (prev.detachedAt === undefined || now - prev.detachedAt <= ctx.config.sessionTtlMs);
  let session: Session;
  if (resumable) {
    session = prev;
  } else {
    prev?.dispose();
    session = ctx.policies.session(newSessionId(ctx.random), workerId, ctx.clock, ctx.config.ackDelayMs, ctx.emit, ctx.buggify);
    entry.draining = false;
    entry.heldBack = 0;
  }

  if (known) {
    entry.reconnects += 1;
    ctx.metrics.reconnects.inc();
    if (!wasConnected && entry.disconnectedMono !== undefined) ctx.metrics.reconnectDuration.observe(Math.max(0, mono - entry.disconnectedMono) / 1000);
  }
  entry.session = session;
  entry.connectionId = connectionId;
  entry.state = 'connected';
  entry.connectedAt = now;
  entry.lastSeenAt = now;
  entry.disconnectedMono = undefined;
  entry.concurrency = msg.capabilities.concurrency;
  entry.kinds = sharedKinds(msg.capabilities.kinds);
  return { entry, session, resumable };
}

/** Distinct kind lists remembered; past it a list gets a set of its own (no unbounded growth from odd workers). */
const MAX_SHARED_KIND_SETS = 256;
const kindSets = new Map<string, ReadonlySet<string>>();

/**
 * One read-only set per distinct kind list: a fleet advertises a handful of
 * lists, so a thousand workers share a few sets (and their strings) instead
 * of holding a set and a copy of every kind name each.
 */
function sharedKinds(kinds: readonly string[]): ReadonlySet<string> {
  const key = kinds.join('\n');
  const known = kindSets.get(key);
  if (known !== undefined) return known;
  const set: ReadonlySet<string> = new Set(kinds);
  if (kindSets.size < MAX_SHARED_KIND_SETS) kindSets.set(key, set);
  return set;
}
