/**
 * HTTP API tokens: bearer tokens with a scope (read < submit < admin). A
 * token is `sqt_<id>_<secret>` with 256 random bits of secret; only its
 * SHA-256 is stored (TokenStore), so a leaked store file gives no working
 * token. Verification looks the id up and compares hashes in constant time.
 * Storage is a seam: system/coordinator/token-file.ts keeps them in the data dir
 * (survives restarts, shared with `squall tokens`); tests use memoryTokenStore.
 */
import { safeEqualHex, sha256Hex } from '../core/crypto.js';
import { InvalidArgumentError } from '../core/errors.js';
import type { Random } from '../core/random.js';

/** What a token may do; each scope includes the ones before it. */
export const TOKEN_SCOPES = ['read', 'submit', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** A stored token: never the token itself, only its hash. */
export interface TokenRecord {
  id: string;
  name: string;
  scope: TokenScope;
  /** SHA-256 of the whole token string, hex. */
  hash: string;
  createdAt: number;
  revokedAt?: number;
}

/** Where token records live (file in the data dir, or memory). */
export interface TokenStore {
  /** The record with this id, as of now (a file store re-reads after external changes). */
  find(id: string): TokenRecord | undefined;
  list(): TokenRecord[];
  add(record: TokenRecord): void;
  /** Marks a token revoked; false if no such id. */
  revoke(id: string, at: number): boolean;
}

/** Who made an HTTP request: the token's id, name and scope (or anonymous when auth is off). */
export interface Principal {
  tokenId: string | null;
  name: string;
  scope: TokenScope;
}

const TOKEN_RE = /^sqt_([0-9a-f]{16})_([0-9a-f]{64})$/;

/** True if `held` covers `needed` (admin covers submit covers read). */
export function scopeCovers(held: TokenScope, needed: TokenScope): boolean {
  return TOKEN_SCOPES.indexOf(held) >= TOKEN_SCOPES.indexOf(needed);
}

/** Parses a scope name, naming the field and the valid values when wrong. */
export function parseScope(s: string, path = 'scope'): TokenScope {
  if (!(TOKEN_SCOPES as readonly string[]).includes(s)) {
    throw new InvalidArgumentError(`${path} must be one of ${TOKEN_SCOPES.join(', ')} (got ${JSON.stringify(s)})`, path);
  }
  return s as TokenScope;
}

/** Makes a new token: the secret string (shown once) and the record to store. */
export function createToken(random: Random, name: string, scope: TokenScope, now: number): { token: string; record: TokenRecord } {
  if (name.trim() === '' || name.length > 100) throw new InvalidArgumentError('token name must be 1 to 100 characters', 'name');
  const id = Buffer.from(random.bytes(8)).toString('hex');
  const token = `sqt_${id}_${Buffer.from(random.bytes(32)).toString('hex')}`;
  return { token, record: { id, name, scope, hash: sha256Hex(token), createdAt: now } };
}

/** Why a presented token was refused: stable codes for the 401 body. */
export type TokenRefusal = { code: 'invalid_token' | 'token_revoked'; message: string };

/** Checks a presented token string against the store. */
export function verifyToken(store: TokenStore, token: string): { ok: true; principal: Principal } | ({ ok: false } & TokenRefusal) {
  const m = TOKEN_RE.exec(token);
  if (m === null) return { ok: false, code: 'invalid_token', message: 'the bearer token is not a squall token (expected sqt_<16 hex>_<64 hex>)' };
  const record = store.find(m[1] as string);
  // Hash compared in constant time; an unknown id is as invalid as a wrong secret.
  if (record === undefined || !safeEqualHex(sha256Hex(token), record.hash)) {
    return { ok: false, code: 'invalid_token', message: 'the bearer token is not known to this coordinator (mistyped, or from another data dir)' };
  }
  if (record.revokedAt !== undefined) return { ok: false, code: 'token_revoked', message: `token ${record.id} ("${record.name}") was revoked` };
  return { ok: true, principal: { tokenId: record.id, name: record.name, scope: record.scope } };
}

/** Token records in memory (tests, simulation, embedding). */
export function memoryTokenStore(initial: TokenRecord[] = []): TokenStore {
  const byId = new Map(initial.map((r) => [r.id, { ...r }]));
  return {
    find: (id) => byId.get(id),
    list: () => [...byId.values()],
    add: (r) => void byId.set(r.id, { ...r }),
    revoke: (id, at) => {
      const r = byId.get(id);
      if (r === undefined) return false;
      r.revokedAt ??= at;
      return true;
    },
  };
}
