/**
 * Part of 29, api-contract: token administration over HTTP (README, "HTTP
 * API": `GET /api/v1/tokens` lists id, name, scope, createdAt, revokedAt,
 * never hashes; a token is shown once, at its creation), judged on the token
 * administrator's steps (scenario `clientReads` read `tokens`,
 * harness/scenario/client-tokens.ts):
 *
 * - a listing entry holds only the documented fields, and no value in it is
 *   secret material: not the hash of a token the administrator holds, not
 *   its secret, nothing shaped like a SHA-256 or a whole token (blind set
 *   12 #16: the stored records listed as they are);
 * - a token's `revokedAt` never moves once set: every revoke answer (the
 *   first and each repeat) and every listing shows the value the first
 *   revoke gave (blind set 12 #15: a repeat revoke overwrote it);
 * - a revoked token authenticates nothing: presented after its revoke it is
 *   refused 401 token_revoked;
 * - a token made is listed from then on, and a revoke of it is answered 200;
 * - a revoke of an id no token has (a mistyped id, the token pasted for its
 *   id) is answered 404 not_found, never 200 (blind set 13 #23: every revoke
 *   answered 200, so a mistyped id read as done while the token kept
 *   working).
 */
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** One step of the token administrator, as noted in the history. */
export interface TokenStep {
  at: number;
  /** Revoke answers: `repeat` when an earlier step's revoke of it was answered 200. */
  revokes: { id: string; repeat: boolean; status: number; revokedAt: number | null }[];
  /** Revoked tokens presented on a read route, and what they got. */
  presented: { id: string; status: number; code?: string }[];
  /** The token made at this step, when the API made one (its answer showed it). */
  created?: string;
  /** The status POST /api/v1/tokens was answered at this step. */
  createStatus?: number;
  /** GET /api/v1/tokens's entries as they came (empty when refused: listingStatus). */
  listing: Record<string, unknown>[];
  listingStatus?: number;
  /** The tokens the administrator holds: id, SHA-256 of the token, its secret part. */
  held: { id: string; hash: string; secret: string }[];
  /** The answer to a revoke of an id no token has (a made-up id, or a token pasted for its id). */
  unknownRevoke?: { id: string; status: number; code?: string };
}

/** The fields the README gives a listing entry. */
const LISTED_FIELDS: ReadonlySet<string> = new Set(['id', 'name', 'scope', 'createdAt', 'revokedAt']);

function stepsOf(view: HistoryView): { rec: HistoryRecord; step: TokenStep }[] {
  const out: { rec: HistoryRecord; step: TokenStep }[] = [];
  for (const rec of view.records) if (rec.f === 'note' && typeof rec.value.tokenStep === 'object' && rec.value.tokenStep !== null) out.push({ rec, step: rec.value.tokenStep as TokenStep });
  return out;
}

/** Every token administrator step judged (see the file comment). */
export function checkTokenSteps(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  /** The revokedAt the first answered revoke gave each token, and when. */
  const revokedAt = new Map<string, { at: number; value: number | null }>();
  const made = new Set<string>();
  for (const { rec, step } of stepsOf(view)) {
    const v = (message: string): Violation => violation(view.records, 'api-contract', `token administration at t=${step.at}: ${message}`, { index: rec.index });
    for (const r of step.revokes) {
      if (r.status !== 200) {
        out.push(v(`POST /api/v1/tokens/${r.id}/revoke${r.repeat ? ' (a repeat)' : ''} was answered ${r.status}: revoking a token that exists is answered 200, again or not`));
        continue;
      }
      const first = revokedAt.get(r.id);
      if (first === undefined) revokedAt.set(r.id, { at: step.at, value: r.revokedAt });
      else if (first.value !== r.revokedAt) out.push(v(`a repeat revoke of ${r.id} answered revokedAt ${r.revokedAt}, but its first revoke (t=${first.at}) answered ${first.value}: revokedAt never moves once set`));
    }
    for (const p of step.presented) {
      if (p.status === 401 && p.code === 'token_revoked') continue;
      out.push(v(`token ${p.id}, revoked, was answered ${p.status}${p.code === undefined ? '' : ` ${p.code}`} on GET /api/v1/stats: a revoked token must be refused 401 token_revoked`));
    }
    if (step.created !== undefined) made.add(step.created);
    const u = step.unknownRevoke;
    if (u !== undefined && !(u.status === 404 && u.code === 'not_found') && u.status !== 503) out.push(v(`POST /api/v1/tokens/${u.id.slice(0, 40)}/revoke, an id no token has, was answered ${u.status}${u.code === undefined ? '' : ` ${u.code}`}: a revoke of an unknown id is answered 404 not_found (a 200 tells an admin a mistyped id was revoked)`));
    if (step.listingStatus !== undefined) {
      out.push(v(`GET /api/v1/tokens with an admin token was answered ${step.listingStatus}`));
      continue;
    }
    out.push(...listingViolations(step, revokedAt, made, v));
  }
  return out;
}

function listingViolations(step: TokenStep, revokedAt: ReadonlyMap<string, { at: number; value: number | null }>, made: ReadonlySet<string>, v: (m: string) => Violation): Violation[] {
  const out: Violation[] = [];
  const secrets = new Map(step.held.flatMap((h) => [[h.hash, `the SHA-256 of token ${h.id}`], [h.secret, `the secret of token ${h.id}`]]));
  const listed = new Set<string>();
  for (const entry of step.listing) {
    const id = String(entry.id);
    listed.add(id);
    const extra = Object.keys(entry).filter((k) => !LISTED_FIELDS.has(k));
    if (extra.length > 0) out.push(v(`GET /api/v1/tokens lists ${id} with field(s) ${extra.join(', ')}: an entry holds only ${[...LISTED_FIELDS].join(', ')} (never hashes)`));
    for (const [k, value] of Object.entries(entry)) {
      if (typeof value !== 'string') continue;
      const known = secrets.get(value);
      if (known !== undefined || /^[0-9a-f]{64}$/i.test(value) || /sqt_[0-9a-f]{16}_[0-9a-f]{64}/.test(value)) out.push(v(`GET /api/v1/tokens shows secret material in ${id}.${k}: ${known ?? 'a SHA-256 or a whole token'}`));
    }
    const first = revokedAt.get(id);
    if (first !== undefined && entry.revokedAt !== first.value) out.push(v(`GET /api/v1/tokens lists ${id} with revokedAt ${JSON.stringify(entry.revokedAt ?? null)}, but its first revoke (t=${first.at}) answered ${first.value}: revokedAt never moves once set`));
  }
  for (const id of made) if (!listed.has(id)) out.push(v(`token ${id}, made by POST /api/v1/tokens, is not listed by GET /api/v1/tokens`));
  return out;
}
