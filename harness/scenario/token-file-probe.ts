/**
 * A tokens.json with malformed entries (promise 8): once per run with a token
 * file (scenario `clientReads` read `tokens`), the token administrator
 * (client-tokens.ts) writes three admin entries into the coordinator's
 * token file as a hand edit or a damaged disk leaves them, each with a
 * well-formed id and a token the harness holds, but a stored hash that is
 * truncated (40 hex digits), not hex (64 characters, one `z`), or too long
 * (66 hex digits); then presents each token on a read route. The
 * coordinator must refuse each with 401 (never accept it, never answer 500)
 * and report each bad entry when it loads the file (the store's report,
 * noted `tokenFileBad`). Noted `tokenFileProbe`; judged by
 * harness/check/promises-api-tokens.ts (checkTokenFileProbes).
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryRecorder } from '../check/history.js';
import type { Simulation } from '../sim/index.js';
import type { SimClient } from './sim-client.js';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The malformed hashes, by name, from a token's real hash. */
const VARIANTS: readonly [string, (h: string) => string][] = [
  ['truncated', (h) => h.slice(0, 40)],
  ['non-hex', (h) => `${h.slice(0, 63)}z`],
  ['wrong-length', (h) => `${h}00`],
];

/** Writes the malformed entries, presents their tokens, notes the answers. */
export async function probeTokenFile(sim: Simulation, client: SimClient, recorder: HistoryRecorder): Promise<void> {
  if (client.tokenDir === undefined || sim.coordinator.instance === null) return;
  const path = join(client.tokenDir, 'tokens.json');
  const file = JSON.parse(readFileSync(path, 'utf8')) as { version: number; tokens: unknown[] };
  const made = VARIANTS.map(([variant, bad], i) => {
    const id = sha256(`bad-hash-id-${i}`).slice(0, 16);
    const token = `sqt_${id}_${sha256(`bad-hash-secret-${i}`)}`;
    return { id, variant, token, entry: { id, name: `probe-bad-hash-${variant}`, scope: 'admin', hash: bad(sha256(token)), createdAt: 0 } };
  });
  const tmp = `${path}.probe.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ ...file, tokens: [...file.tokens, ...made.map((m) => m.entry)] }, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
  const written = sim.simulatedMs;
  const entries: { id: string; variant: string; status: number; code?: string }[] = [];
  for (const m of made) {
    const r = await client.call(sim, { method: 'GET', path: '/api/v1/stats', headers: { authorization: `Bearer ${m.token}` } });
    const code = (r.body as { error?: { code?: unknown } } | null)?.error?.code;
    entries.push({ id: m.id, variant: m.variant, status: r.status, ...(typeof code === 'string' ? { code } : {}) });
  }
  recorder.recordInfo({ tokenFileProbe: { written, entries } });
}
