/**
 * The HTTP API's routes and the token scope each needs, read from the README
 * (its "HTTP API" table and the "Tokens have a scope" line), never from the
 * system's own policy (system/coordinator/http-auth.ts SCOPE_RULES): the
 * checker judges that policy, so it must not share it. Parsed at load, so
 * the table cannot drift from the documentation; a README whose table or
 * scope line no longer reads as expected throws here, naming what changed,
 * rather than silently judging less.
 *
 * The scope line says `read` (GET), `submit` (+ submit, cancel, pause,
 * resume), `admin` (+ `/api/v1/tokens`): a row described as "admin: ..." needs
 * admin, a row described as "(open" needs nothing, any other GET read and any
 * other POST submit.
 */
import { readFileSync } from 'node:fs';

/** A token scope, lowest first; each includes the ones before it. */
const API_SCOPES = ['read', 'submit', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** One documented route: method, path (placeholders as `{id}`) and the scope it needs (null: open). */
export interface ApiRoute {
  method: 'GET' | 'POST';
  path: string;
  scope: ApiScope | null;
}

/** The process name of the HTTP scope adversary's notes (harness/scenario/adversary-http.ts). */
export const HTTP_ADVERSARY = 'http-adversary';

/** The scope line as the rule below reads it; a change to it must change the rule too. */
const SCOPE_LINE = '`read` (GET), `submit` (+ submit, cancel, pause,\n  resume), `admin` (+ `/api/v1/tokens`)';

/** Whether `held` is at least `needed`. */
export function scopeAtLeast(held: ApiScope, needed: ApiScope): boolean {
  return API_SCOPES.indexOf(held) >= API_SCOPES.indexOf(needed);
}

/** The paths of a table cell: backticked, split by `,` or `\|`; a bare segment replaces the previous path's last one; queries dropped. */
function pathsOf(cell: string): string[] {
  const out: string[] = [];
  for (const m of cell.matchAll(/`([^`]+)`/g)) {
    const raw = (m[1] as string).split('?')[0] as string;
    const prev = out[out.length - 1];
    out.push(raw.startsWith('/') ? raw : `${(prev ?? '').replace(/\/[^/]*$/, '')}/${raw}`);
  }
  return out;
}

function scopeOf(method: 'GET' | 'POST', description: string): ApiScope | null {
  if (/^admin\b/.test(description.trim())) return 'admin';
  if (description.includes('(open')) return null;
  return method === 'GET' ? 'read' : 'submit';
}

/** Parses the README's HTTP API table and checks its scope line (exported for tests). */
export function parseApiRoutes(readme: string): ApiRoute[] {
  if (!readme.includes(SCOPE_LINE)) throw new Error(`README: the token scope line no longer reads ${JSON.stringify(SCOPE_LINE)}; update harness/check/api-scopes.ts to the new scope model`);
  const start = readme.indexOf('### HTTP API');
  if (start < 0) throw new Error('README: no "### HTTP API" section; harness/check/api-scopes.ts reads its table');
  const lines = readme.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('| method | path |'));
  if (first < 0) throw new Error('README: the HTTP API section has no "| method | path |" table');
  const routes: ApiRoute[] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    const [, methodCell = '', pathCell = '', description = ''] = cells;
    for (const method of methodCell.split(',').map((x) => x.trim())) {
      if (method !== 'GET' && method !== 'POST') throw new Error(`README HTTP API table: method "${method}" in row ${line.slice(0, 80)}`);
      for (const path of pathsOf(pathCell)) routes.push({ method, path, scope: scopeOf(method, description) });
    }
  }
  if (routes.length === 0) throw new Error('README: the HTTP API table has no rows');
  return routes;
}

let cached: readonly ApiRoute[] | undefined;

/** The documented routes (README.md at the repository root, read once). */
export function apiRoutes(): readonly ApiRoute[] {
  cached ??= Object.freeze(parseApiRoutes(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')));
  return cached;
}

/** The documented route a request was sent to (its method and path template), if any. */
export function documentedRoute(method: string, template: string): ApiRoute | undefined {
  return apiRoutes().find((r) => r.method === method && r.path === template);
}
