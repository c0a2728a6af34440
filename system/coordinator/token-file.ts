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

const FileSchema = z.object({
  version: z.literal(1),
  tokens: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{16}$/),
      name: z.string().min(1).max(100),
      scope: z.enum(TOKEN_SCOPES),
      hash: z.string().regex(/^[0-9a-f]{64}$/),
      createdAt: z.number(),
      revokedAt: z.number().optional(),
    }),
  ),
});

function stamp(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function load(path: string): TokenRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
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
  return parsed.data.tokens;
}

function save(path: string, tokens: TokenRecord[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: 1, tokens }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** A TokenStore over `<dataDir>/tokens.json` (see the file comment). */
export function fileTokenStore(dataDir: string): TokenStore & { readonly path: string } {
  const path = join(dataDir, TOKEN_FILE_NAME);
  let seen: string | undefined | null = null;
  let tokens: TokenRecord[] = [];
  const fresh = (): TokenRecord[] => {
    const now = stamp(path);
    if (now !== seen) {
      tokens = load(path);
      seen = now;
    }
    return tokens;
  };
  const update = (fn: (all: TokenRecord[]) => boolean): boolean => {
    seen = null; // re-read right before changing: another process may have written meanwhile
    const all = fresh().map((t) => ({ ...t }));
    const changed = fn(all);
    if (changed) save(path, all);
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
