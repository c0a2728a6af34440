/**
 * A token administrator working while the run goes on (scenario
 * `clientReads` read `tokens`), in simulation, through the coordinator's
 * HTTP handler with the client's admin token. At each step, on the
 * coordinator of the moment:
 *
 * 1. every token this administrator made before is revoked (again, for the
 *    ones an earlier step revoked already: a repeat revoke is allowed and
 *    must leave the token's `revokedAt` where it was);
 * 2. each token revoked so far is presented (GET /api/v1/stats, read scope):
 *    it must be refused 401 token_revoked;
 * 3. a new read token is made (POST /api/v1/tokens);
 * 4. the tokens are listed (GET /api/v1/tokens), every field of every entry
 *    noted as it came, with the hash of each token this administrator holds
 *    (the secret material a listing must never show);
 * 5. a token that does not exist is revoked, as an admin who mistypes an id
 *    or pastes the token for its id would (alternately): its answer is noted
 *    (`unknownRevoke`), a 404 not_found is due.
 *
 * Each step is one note (`tokenStep`); harness/check/promises-api-tokens.ts
 * judges them. Steps are apart in time, so a revokedAt a repeat revoke moves
 * shows as a different value.
 */
import { createHash } from 'node:crypto';
import type { HistoryRecorder } from '../check/history.js';
import type { TokenStep } from '../check/promises-api-tokens.js';
import type { Simulation } from '../sim/index.js';
import type { SimClient } from './sim-client.js';
import { probeTokenFile } from './token-file-probe.js';

/** A token this administrator made: its id and the secret string the API showed once. */
interface Made {
  id: string;
  token: string;
  revoked: boolean;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The administrator of one run: the tokens it made, across coordinator incarnations (the token store survives them). */
export class TokenAdmin {
  private readonly made: Made[] = [];

  constructor(private readonly recorder: HistoryRecorder) {}

  private probed = false;

  /** One step (see the file comment); nothing while the coordinator is down. The first also probes a token file with malformed entries (token-file-probe.ts). */
  async step(sim: Simulation, client: SimClient): Promise<void> {
    if (sim.coordinator.instance === null) return;
    if (!this.probed) {
      this.probed = true;
      await probeTokenFile(sim, client, this.recorder);
    }
    const step: TokenStep = { at: sim.simulatedMs, revokes: [], presented: [], listing: [], held: [] };
    for (const m of this.made) {
      const r = await client.asAdmin(sim, 'POST', `/api/v1/tokens/${m.id}/revoke`, '');
      const b = r.body as { revokedAt?: unknown } | null;
      step.revokes.push({ id: m.id, repeat: m.revoked, status: r.status, revokedAt: typeof b?.revokedAt === 'number' ? b.revokedAt : null });
      if (r.status === 200) m.revoked = true;
    }
    for (const m of this.made.filter((x) => x.revoked)) {
      const r = await client.call(sim, { method: 'GET', path: '/api/v1/stats', headers: { authorization: `Bearer ${m.token}` } });
      step.presented.push({ id: m.id, status: r.status, code: errorCode(r.body) });
    }
    const n = await client.asAdmin(sim, 'POST', '/api/v1/tokens', JSON.stringify({ name: `probe-${this.made.length + 1}`, scope: 'read' }));
    const nb = n.body as { token?: unknown; id?: unknown } | null;
    step.createStatus = n.status;
    // Any answer that shows a token made one (promise 29 wants it answered 201: promises-api-created.ts).
    if (n.status >= 200 && n.status < 300 && typeof nb?.token === 'string' && typeof nb.id === 'string') {
      this.made.push({ id: nb.id, token: nb.token, revoked: false });
      step.created = nb.id;
    }
    const l = await client.asAdmin(sim, 'GET', '/api/v1/tokens', '');
    const lb = l.body as { tokens?: unknown } | null;
    step.listing = l.status === 200 && Array.isArray(lb?.tokens) ? (lb.tokens as Record<string, unknown>[]) : [];
    if (l.status !== 200) step.listingStatus = l.status;
    step.unknownRevoke = await this.revokeUnknown(sim, client);
    step.held = this.made.map((m) => ({ id: m.id, hash: sha256(m.token), secret: m.token.slice(-64) }));
    this.recorder.recordInfo({ tokenStep: step });
  }

  /** Revokes an id no token has: a made-up one, or (every other step) the whole token of the newest one pasted for its id. */
  private async revokeUnknown(sim: Simulation, client: SimClient): Promise<{ id: string; status: number; code?: string }> {
    const newest = this.made[this.made.length - 1];
    const id = newest !== undefined && this.made.length % 2 === 0 ? newest.token : `tok_${'0'.repeat(15)}${this.made.length}`;
    const r = await client.asAdmin(sim, 'POST', `/api/v1/tokens/${encodeURIComponent(id)}/revoke`, '');
    const code = errorCode(r.body);
    return { id, status: r.status, ...(code === undefined ? {} : { code }) };
  }
}

function errorCode(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}
