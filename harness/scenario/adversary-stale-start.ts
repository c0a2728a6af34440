/**
 * The `stale-start` attack (scenario `adversaries`, promise 2): a zombie of
 * an earlier attempt. The adversary registers with the coordinator as a
 * worker of its own (`zombie-<victim>`, with the secret: it is a legitimate
 * process, like an old holder that was cut off, not an intruder), offering
 * no task kinds so it is never given work, and answers pings. For the round
 * (ROUND_MS) it watches the history: whenever an execution is claimed again
 * (a retry, a lost lease re-queued), it sends at once, in its own session, a
 * `started` for the lease that execution had before. It arrives while the
 * new attempt is still `preparing` (its holder's own start needs the assign
 * to reach it first). The coordinator must fence it by token: acknowledged,
 * ignored. Each is noted first as an `adversary` note {attack, victim,
 * executionId, leaseToken}; harness/check/promises-start-fencing.ts judges
 * every `running` against the starts its holder sent.
 */
import { hmacHex, type Connection } from '../../system/core/index.js';
import { decodeToWorker, encode, registrationMac, sessionSigningKey, PROTOCOL_VERSION, type Register, type Welcome } from '../../system/protocol/index.js';
import type { HistoryRecorder } from '../check/history.js';
import type { Simulation } from '../sim/index.js';

/** How long one round's zombie stays registered and watching (simulated ms). */
const ROUND_MS = 2500;
/** At most this many stale starts per round. */
const MAX_STARTS = 8;

type Connect = (onFrame: (frame: string) => void) => Promise<{ c: Connection; welcome: Welcome; closed: () => boolean } | undefined>;

/** One claim seen in the history: the lease it gave. */
interface Lease {
  attempt: number;
  token: string;
}

export class StaleStartAdversary {
  private rounds = 0;
  /** History records read so far, and the latest lease of each execution claimed in them. */
  private cursor = 0;
  private readonly leases = new Map<string, Lease>();

  constructor(
    private readonly sim: Simulation,
    private readonly recorder: HistoryRecorder,
    private readonly secret: string | undefined,
    private readonly connect: Connect,
  ) {}

  async attack(victim: string): Promise<void> {
    const round = ++this.rounds;
    let key: string | undefined;
    let registered = false;
    const sent: { c?: Connection } = {};
    const onFrame = (frame: string): void => {
      const d = decodeToWorker(frame, undefined, key);
      if (!d.ok) return;
      if (d.msg.type === 'registered') registered = true;
      else if (d.msg.type === 'ping') sent.c?.send(encode({ v: PROTOCOL_VERSION, type: 'pong', id: d.msg.id, t: d.msg.t }, key));
    };
    const conn = await this.connect(onFrame);
    if (conn === undefined) return;
    const c = conn.c;
    sent.c = c;
    const workerId = `zombie-${victim}`;
    const clientNonce = hmacHex('stale-start-client-nonce', `${victim}/${round}`);
    const reg: Register = { v: PROTOCOL_VERSION, type: 'register', protocolVersion: PROTOCOL_VERSION, workerId, clientNonce, capabilities: { kinds: [], concurrency: 1 } };
    const mac = this.secret === undefined ? undefined : registrationMac(this.secret, conn.welcome, reg);
    if (conn.welcome.signMessages && this.secret !== undefined) key = sessionSigningKey(this.secret, conn.welcome.nonce, clientNonce);
    c.send(encode(mac === undefined ? reg : { ...reg, auth: { mac } }));
    await this.sim.runUntil(() => registered || conn.closed(), { maxMs: 1000 });
    if (registered) await this.watch(c, conn.closed, victim, key);
    // Hung up like a worker that stops (a normal close), not dropped: the coordinator's side sees it leave.
    c.close(1000, 'zombie done');
    await this.sim.runUntil(conn.closed, { maxMs: 500 });
  }

  /** For ROUND_MS: a `started` for the previous lease of every execution claimed again. */
  private async watch(c: Connection, closed: () => boolean, victim: string, key: string | undefined): Promise<void> {
    const end = this.sim.simulatedMs + ROUND_MS;
    let seq = 0;
    while (!closed() && seq < MAX_STARTS && this.sim.simulatedMs < end) {
      let stale: { executionId: string; lease: Lease } | undefined;
      await this.sim.runUntil(() => closed() || (stale = this.nextStale()) !== undefined, { maxMs: end - this.sim.simulatedMs });
      if (stale === undefined || closed()) return;
      const { executionId, lease } = stale;
      this.recorder.recordInfo({ attack: 'stale-start', victim, executionId, leaseToken: lease.token }, 'adversary');
      c.send(encode({ v: PROTOCOL_VERSION, seq: ++seq, type: 'started', executionId, attempt: lease.attempt, leaseToken: lease.token }, key));
    }
  }

  /** The next claim in the history of an execution that had a lease before: that earlier lease. */
  private nextStale(): { executionId: string; lease: Lease } | undefined {
    while (this.cursor < this.recorder.length) {
      const r = this.recorder.recordAt(this.cursor++);
      const v = r?.value;
      if (r?.f !== 'claimed' || r.process !== 'coordinator' || typeof v?.executionId !== 'string' || typeof v.leaseToken !== 'string' || typeof v.attempt !== 'number') continue;
      const before = this.leases.get(v.executionId);
      this.leases.set(v.executionId, { attempt: v.attempt, token: v.leaseToken });
      if (before !== undefined && before.token !== v.leaseToken) return { executionId: v.executionId, lease: before };
    }
    return undefined;
  }
}
