/**
 * API token records in a JSON file in the data dir (`<dataDir>/tokens.json`,
 * mode 0600), so tokens survive restarts and `squall tokens create|list|revoke`
 * works while the coordinator runs: every write replaces the file atomically
 * (temp file + rename) and readers re-read it when it changed (inode, size,
 * mtime), so a revoke takes effect at the coordinator's next request. Only
 * hashes are stored (system/coordinator/tokens.ts).
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { ErrorCode, SquallError } from '../core/errors.js';
import { TOKEN_SCOPES, type TokenRecord, type TokenStore } from './tokens.js';

/** The token file's name inside a data dir. */
export const TOKEN_FILE_NAME = 'tokens.json';

const EntrySchema = z.object({
  id: z.string().regex(/^[0-9a-f]{16}$/),
  name: z.string().min(1).max(100),
  scope: z.enum(TOKEN_SCOPES),
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hash is 64 lowercase hex digits'),
  createdAt: z.number(),
  revokedAt: z.number().optional(),
});

/** The file's frame; its entries are checked one by one (a bad entry is left out and reported, the others keep working). */
const FileSchema = z.object({ version: z.literal(1), tokens: z.array(z.unknown()) });

/** A malformed entry of the token file: its position, its id when it has a readable one, and what is wrong with it. */
export interface BadTokenEntry {
  index: number;
  id?: string;
  problem: string;
}

/** What a load found: the usable records, and the entries left out (kept as they were, so a rewrite does not lose them). */
interface Loaded {
  tokens: TokenRecord[];
  bad: { raw: unknown; report: BadTokenEntry }[];
}

function stamp(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function load(path: string): Loaded {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { tokens: [], bad: [] };
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch (err) {
    throw new SquallError(ErrorCode.Malformed, `token file ${path} is not valid JSON (${(err as Error).message}); restore it or delete it and create new tokens`);
  }
  const parsed = FileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SquallError(ErrorCode.Malformed, `token file ${path} is malformed: ${issue?.message ?? 'schema mismatch'} at "${issue?.path.join('.') ?? ''}"`);
  }
  const out: Loaded = { tokens: [], bad: [] };
  parsed.data.tokens.forEach((raw, index) => {
    const entry = EntrySchema.safeParse(raw);
    if (entry.success) return void out.tokens.push(entry.data);
    const issue = entry.error.issues[0];
    const id = (raw as { id?: unknown } | null)?.id;
    const problem = `${issue?.path.join('.') || 'entry'}: ${issue?.message ?? 'schema mismatch'}`;
    out.bad.push({ raw, report: { index, ...(typeof id === 'string' ? { id: id.slice(0, 40) } : {}), problem } });
  });
  return out;
}

function save(path: string, tokens: readonly unknown[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: 1, tokens }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/**
 * A TokenStore over `<dataDir>/tokens.json` (see the file comment). An entry
 * that is not a valid record (a hash that is not 64 hex digits, a bad id,
 * ...) is left out, so its token is refused like an unknown one (401), and
 * reported through `onBadEntry` at each load that finds it; a rewrite keeps
 * it in the file as it was (the operator's to fix).
 */
export function fileTokenStore(dataDir: string, onBadEntry?: (path: string, bad: BadTokenEntry) => void): TokenStore & { readonly path: string } {
  const path = join(dataDir, TOKEN_FILE_NAME);
  let seen: string | undefined | null = null;
  let loaded: Loaded = { tokens: [], bad: [] };
  const fresh = (): TokenRecord[] => {
    const now = stamp(path);
    if (now !== seen) {
      loaded = load(path);
      seen = now;
      for (const b of loaded.bad) onBadEntry?.(path, b.report);
    }
    return loaded.tokens;
  };
  const update = (fn: (all: TokenRecord[]) => boolean): boolean => {
    seen = null; // re-read right before changing: another process may have written meanwhile
    const all = fresh().map((t) => ({ ...t }));
    const changed = fn(all);
    if (changed) save(path, [...all, ...loaded.bad.map((b) => b.raw)]);
    seen = null;
    return changed;
  };
  return {
    path,
    find: (id) => fresh().find((t) => t.id === id),
    list: () => fresh().map((t) => ({ ...t })),
    add: (record) => void update((all) => all.push({ ...record }) > 0),
    revoke: (id, at) => {
      let found = false;
      update((all) => {
        const t = all.find((x) => x.id === id);
        if (t === undefined) return false;
        found = true;
        if (t.revokedAt !== undefined) return false;
        t.revokedAt = at;
        return true;
      });
      return found;
    },
  };
}
