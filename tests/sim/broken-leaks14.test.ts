/**
 * Blind set 14's leaks and runtime-hygiene misses (#21, #22, #25), each
 * planted by a module mock local to this file, switched on per test (the
 * real modules run otherwise), and reported at idle-leaks@1, where the real
 * system passes:
 *
 * - #25: sleep() no longer removes its abort listener when its timer fires:
 *   a checkpointing sleep's chunks pile listeners on the attempt's signal
 *   until Node warns (MaxListenersExceededWarning, promise 35 hygiene);
 * - #22: every new dashboard client re-arms the event hub's keep-alive
 *   interval over the live one: the earlier one stays armed after every
 *   client is gone (promise 35, the idle interval count);
 * - #21: after a stall the worker's ping schedule is not moved to "now": it
 *   fires the pings it missed back to back (promise 10, ping pace);
 * - #18: request bodies decoded chunk by chunk (ws-server.ts readBody, on the
 *   simulation's path through harness/sim/http-plumbing.ts): a multi-byte
 *   character cut between chunks comes back as U+FFFD in an echo's value
 *   (promise 16, task-contract);
 * - #19: a stream's closers not run when its client disconnects
 *   (ws-server.ts startStream): every closed dashboard stays in the event
 *   hub, with its keep-alive interval (promise 35).
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type * as ClockModule from '../../system/core/clock.js';
import type * as HubModule from '../../system/coordinator/ui/event-hub.js';
import type * as HeartbeatModule from '../../system/worker/heartbeat.js';
import type * as ServerModule from '../../system/transport/ws-server.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { simVerdict } from './broken/verdict.js';

const broken = vi.hoisted(() => ({ sleep: false, hub: false, heartbeat: false, body: false, closers: false }));

vi.mock('../../system/transport/ws-server.js', async (importOriginal) => {
  const real = await importOriginal<typeof ServerModule>();
  /** #18: each chunk decoded on its own. */
  function readBody(req: ServerModule.BodySource, limit: number, held?: Buffer[]): Promise<string | 'too_large'> {
    if (!broken.body) return real.readBody(req, limit, held);
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => void chunks.push(c));
      req.on('end', () => resolve(chunks.map((c) => c.toString('utf8')).join('')));
    });
  }
  /** #19: the response's 'close' never reaches the closers. */
  function startStream(response: Parameters<typeof real.startStream>[0], res: ServerModule.StreamTarget): void {
    if (!broken.closers) return real.startStream(response, res);
    const deaf: ServerModule.StreamTarget = {
      get writableEnded() {
        return res.writableEnded;
      },
      get destroyed() {
        return res.destroyed;
      },
      on: () => deaf,
      writeHead: (status, headers) => res.writeHead(status, headers),
      flushHeaders: () => res.flushHeaders(),
      write: (chunk) => res.write(chunk),
      end: () => res.end(),
    };
    real.startStream(response, deaf);
  }
  return { ...real, readBody, startStream };
});

vi.mock('../../system/core/clock.js', async (importOriginal) => {
  const real = await importOriginal<typeof ClockModule>();
  /** #25: the timer resolves without removing the abort listener. */
  function sleep(clock: ClockModule.Clock, ms: number, signal?: AbortSignal): Promise<void> {
    if (!broken.sleep) return real.sleep(clock, ms, signal);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return void reject(signal.reason);
      const handle = clock.setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => (handle.cancel(), reject(signal.reason)), { once: true });
    });
  }
  return { ...real, sleep };
});

vi.mock('../../system/coordinator/ui/event-hub.js', async (importOriginal) => {
  const real = await importOriginal<typeof HubModule>();
  /** #22: `keepAlive =` instead of `??=`: the handle of the live interval is dropped, never cancelled, and a new one armed. */
  class EventHub extends real.EventHub {
    override attach(sink: Parameters<HubModule.EventHub['attach']>[0]): void {
      if (broken.hub) (this as unknown as { keepAlive: unknown }).keepAlive = undefined;
      super.attach(sink);
    }
  }
  return { ...real, EventHub };
});

vi.mock('../../system/worker/heartbeat.js', async (importOriginal) => {
  const real = await importOriginal<typeof HeartbeatModule>();
  interface Inside {
    nextPingAt: number;
    timer: { cancel(): void } | undefined;
    stopped: boolean;
    policy: { intervalMs: number };
    clock: { monotonic(): number };
    arm(now: number): void;
  }
  const proto = real.Heartbeat.prototype as unknown as Inside & { fire(): void };
  const fire = proto.fire;
  /** #21: the schedule keeps its old slot after a stall (no "on from now"): every missed ping fires back to back. */
  proto.fire = function (this: Inside & { fire(): void }): void {
    const before = this.nextPingAt;
    fire.call(this);
    const now = this.clock.monotonic();
    if (!broken.heartbeat || this.stopped || before > now || before + this.policy.intervalMs > now) return;
    this.nextPingAt = before + this.policy.intervalMs;
    this.timer?.cancel();
    this.arm(now);
  };
  return real;
});

const scenario = () => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'idle-leaks.yaml'));

describe('hygiene and ping pace: set 14 leaks at idle-leaks@1', () => {
  it('#18 a body decoded chunk by chunk is reported by the echo values read back (task-contract)', { timeout: 60_000 }, async () => {
    broken.body = true;
    const v = await simVerdict(await scenario()).finally(() => (broken.body = false));
    expect(v.promises).toEqual(['task-contract']);
    expect(v.text).toMatch(/echo \{"value":"tidy ✓ é 𝄞 ünïcödé 日本"\}: completed with "[^"]*\uFFFD[^"]*", but echo returns its value unchanged/);
  });

  it('#19 streams whose closers never run on disconnect are reported at idle (hygiene)', { timeout: 60_000 }, async () => {
    broken.closers = true;
    const v = await simVerdict(await scenario()).finally(() => (broken.closers = false));
    expect(v.promises).toEqual(['hygiene']);
    expect(v.text).toMatch(/the coordinator's event hub holds 3 dashboard stream\(s\), but its clients hold 0 open/);
  });

  it('the real system passes', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await scenario())).text).toBe('');
  });

  it('#25 an abort listener left per sleep chunk is reported as a process warning (hygiene)', { timeout: 60_000 }, async () => {
    broken.sleep = true;
    const v = await simVerdict(await scenario()).finally(() => (broken.sleep = false));
    expect(v.promises).toEqual(['hygiene']);
    expect(v.text).toMatch(/the system emitted a process warning at t=\d+: MaxListenersExceededWarning: Possible EventTarget memory leak detected\. 11 abort listeners added to \[AbortSignal\]/);
  });

  it('#22 a keep-alive interval re-armed per dashboard client is reported at idle (hygiene)', { timeout: 60_000 }, async () => {
    broken.hub = true;
    const v = await simVerdict(await scenario()).finally(() => (broken.hub = false));
    expect(v.promises).toEqual(['hygiene']);
    expect(v.text).toMatch(/at the final read \(t=\d+\) the coordinator has 4 interval\(s\) armed, but it had 2 when it started listening and no stream is open/);
  });

  it('#21 a burst of catch-up pings after a stall is reported (liveness)', { timeout: 60_000 }, async () => {
    broken.heartbeat = true;
    const v = await simVerdict(await scenario()).finally(() => (broken.heartbeat = false));
    expect(v.promises).toEqual(['liveness']);
    expect(v.text).toMatch(/w1 sent pings \d+ and \d+ on connection \S+ \d ms apart .* three pings within its heartbeat interval of 200 ms/);
  });
});
