/**
 * The coordinator's half of the 0-RTT register (protocol/hello.ts,
 * docs/PROTOCOL.md "0-RTT register"): which frames of an upgrade request's
 * hello it takes. It takes a hello only without a shared secret (a register
 * MAC needs the welcome's nonce, which the worker cannot have before the
 * upgrade: with a secret the handshake stays on the 2-RTT path) and only when
 * its first frame decodes as a `register` exactly as a register frame would;
 * the connection then feeds the frames through its ordinary frame path
 * (connection-handler.ts), so every check a register meets (version, kinds,
 * limits, admission) runs unchanged. Anything else: a plain welcome, and the
 * worker registers as without a hello.
 */
import { decodeToCoordinator } from '../protocol/codec.js';
import { decodeHello } from '../protocol/hello.js';
import type { ResolvedCoordinatorConfig } from './config.js';
import type { CoordinatorContext } from './context.js';

/** The frames to feed behind the welcome (register, then the early sync if taken), or undefined: no 0-RTT. */
export function acceptedHello(config: Pick<ResolvedCoordinatorConfig, 'secret' | 'zeroRtt' | 'earlySync' | 'maxFrameBytes'>, hello: string | undefined): string[] | undefined {
  if (hello === undefined || !config.zeroRtt || config.secret !== undefined) return undefined;
  const frames = decodeHello(hello);
  const [register, sync] = frames ?? [];
  if (register === undefined) return undefined;
  const reg = decodeToCoordinator(register, config.maxFrameBytes);
  if (!reg.ok || reg.msg.type !== 'register' || reg.msg.auth !== undefined) return undefined;
  if (sync === undefined || !config.earlySync) return [register];
  // The early sync is taken where a frame would be: right behind register, seq-less, when offered.
  const s = decodeToCoordinator(sync, config.maxFrameBytes);
  return s.ok && s.msg.type === 'sync' && s.msg.seq === undefined ? [register, sync] : [register];
}

/**
 * The frames an admitted connection takes from its hello, or undefined (a plain
 * welcome): counted against admission like a frame register, a hello beyond
 * the admission's room for it (Admission.helloRoom) falls back to the 2-RTT
 * path, where the connection waits in admission until its register frame.
 */
export function takenHello(ctx: Pick<CoordinatorContext, 'config' | 'admission' | 'marks'>, hello: string | undefined): string[] | undefined {
  const frames = acceptedHello(ctx.config, hello);
  if (frames === undefined) return undefined;
  if (!ctx.admission.helloRoom()) {
    ctx.marks.hit('coordinator.hello-deferred');
    return undefined;
  }
  ctx.marks.hit('coordinator.hello-register');
  return frames;
}
