/**
 * The HTTP scope adversary (adversary attack `http-scopes`): a client that
 * holds no token, garbage, a forged one (the admin token's id with a made-up secret),
 * a read token and a submit token, and sends each of them to every route the
 * README's HTTP API table documents (harness/check/api-scopes.ts), through
 * the coordinator's own HTTP handler as the simulated client does
 * (sim-client.ts). The requests change nothing when refused or allowed: no
 * body where one is needed (400) and made-up ids (404). Each exchange is
 * recorded as an `httpProbe` note ({method, route, held, status, code});
 * promise 29 (harness/check/promises-api.ts) judges the status against the
 * scope the README gives the route: 401 without a valid token, 403
 * `insufficient_scope` below it, neither at or above it.
 */
import type { HistoryRecorder } from '../check/history.js';
import { apiRoutes, HTTP_ADVERSARY } from '../check/api-scopes.js';
import type { Simulation } from '../sim/index.js';
import { probeCall, type SimClient } from './sim-client.js';
import { probeDepth } from './adversary-depth.js';
import { probeValueCounts } from './adversary-json-values.js';
import { probeLimits } from './adversary-limits.js';
import { probeMediaTypes, probeMethodMatrix } from './adversary-methods.js';
import { probeSpecBounds } from './adversary-spec-bounds.js';
import { probeSurface, type GateSetting } from './adversary-surface.js';

/** What the adversary presents: no token, garbage, a forged token, or a real token of a lower scope. */
type HeldCredential = 'none' | 'garbage' | 'forged' | 'read' | 'submit';
const HELD_CREDENTIALS: readonly HeldCredential[] = ['none', 'garbage', 'forged', 'read', 'submit'];

/**
 * Bearer tokens of every malformed shape, each sent once a round to one read route (GET /api/v1/stats) and
 * judged as the garbage token is (401 invalid_token, never a 500 or a crash): non-ASCII in the id and in
 * the secret (longer in UTF-8 than in characters), non-hex, upper-case hex, a secret one short and one
 * long, a real token's id with a non-ASCII secret, a token cut at its separator.
 */
function malformedTokens(realId: string): Record<string, string> {
  const hex = (n: number): string => '0123456789abcdef'.repeat(8).slice(0, n);
  return {
    'non-ascii': `sqt_${'é'.repeat(16)}_${'é'.repeat(64)}`,
    'non-ascii-secret': `sqt_${realId}_${'é'.repeat(64)}`,
    'non-hex': `sqt_${'z'.repeat(16)}_${'z'.repeat(64)}`,
    'upper-hex': `sqt_${realId.toUpperCase()}_${hex(64).toUpperCase()}`,
    'short-secret': `sqt_${realId}_${hex(63)}`,
    'long-secret': `sqt_${realId}_${hex(65)}`,
    'cut': `sqt_${realId}_`,
  };
}

/** A route template with its placeholders filled by ids nothing has. */
function concrete(template: string): string {
  return template.replaceAll('{id}', 'probe-unknown-id');
}

function errorCode(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

/** One round: every credential against every documented route that needs a token. Skipped while the coordinator is down. */
export async function probeHttpScopes(sim: Simulation, client: SimClient, recorder: HistoryRecorder, gate: GateSetting, acked: (executionId: string) => void = () => {}): Promise<void> {
  for (const route of apiRoutes()) {
    if (route.scope === null) continue;
    for (const held of HELD_CREDENTIALS) {
      const c = sim.coordinator.instance;
      if (c === null) return;
      const token = held === 'none' ? undefined : held === 'garbage' ? 'not-a-squall-token' : client.probe[held];
      const headers: Record<string, string> = { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(route.method === 'POST' ? { 'content-type': 'application/json' } : {}) };
      const res = await probeCall(c)({ method: route.method, path: concrete(route.path), headers, body: '' });
      const code = errorCode(res.body);
      recorder.recordInfo({ httpProbe: { method: route.method, route: route.path, held, status: res.status, ...(code === undefined ? {} : { code }) } }, HTTP_ADVERSARY);
    }
  }
  await probeMalformedTokens(sim, client, recorder);
  await probeOrigins(sim, client, recorder);
  await probeBodies(sim, client, recorder);
  await probeDepth(sim, client, recorder);
  await probeValueCounts(sim, client, recorder);
  await probeLimits(sim, client, recorder);
  probeSpecBounds(sim, client, recorder, acked);
  await probeSurface(sim, client, recorder, gate);
  await probeMediaTypes(sim, client, recorder);
  probeMethodMatrix(sim, client, recorder, acked);
}

/** malformedTokens on GET /api/v1/stats, recorded as httpProbe notes held `malformed:<shape>` (judged as garbage: 401 invalid_token). */
async function probeMalformedTokens(sim: Simulation, client: SimClient, recorder: HistoryRecorder): Promise<void> {
  const realId = /^sqt_([0-9a-f]{16})_/.exec(client.probe.forged)?.[1] ?? '0'.repeat(16);
  for (const [shape, token] of Object.entries(malformedTokens(realId))) {
    const c = sim.coordinator.instance;
    if (c === null) return;
    const res = await probeCall(c)({ method: 'GET', path: '/api/v1/stats', headers: { authorization: `Bearer ${token}` } });
    const code = errorCode(res.body);
    recorder.recordInfo({ httpProbe: { method: 'GET', route: '/api/v1/stats', held: `malformed:${shape}`, status: res.status, ...(code === undefined ? {} : { code }) } }, HTTP_ADVERSARY);
  }
}

/** The Host the origin probes name, and the origins they send from it: the coordinator's own, another port, another host. */
const PROBE_HOST = 'coordinator:7000';
const ORIGINS = { same: `http://${PROBE_HOST}`, 'other-port': 'http://coordinator:7001', 'other-host': 'http://evil.example:7000' } as const;

/**
 * A browser page elsewhere calling the API with the operator's read token:
 * GET /api/v1/stats with each Origin (README, "HTTP API": a browser Origin
 * must be the API's own (host and port) or an allowed one). Recorded
 * as `httpOrigin` notes; promise 29 judges them (harness/check/promises-api.ts).
 */
async function probeOrigins(sim: Simulation, client: SimClient, recorder: HistoryRecorder): Promise<void> {
  for (const [from, origin] of Object.entries(ORIGINS)) {
    const c = sim.coordinator.instance;
    if (c === null) return;
    const res = await probeCall(c)({ method: 'GET', path: '/api/v1/stats', headers: { host: PROBE_HOST, origin, authorization: `Bearer ${client.probe.read}` } });
    const code = errorCode(res.body);
    recorder.recordInfo({ httpOrigin: { from, origin, status: res.status, ...(code === undefined ? {} : { code }) } }, HTTP_ADVERSARY);
  }
}
/**
 * What a page elsewhere can send without a CORS preflight: POST .../cancel
 * with the operator's submit token and a text/plain or form body, empty or
 * not (README, "HTTP API": bodies must be application/json, 415; an empty
 * body may come without a type). Also the allowed forms: empty without a
 * type, and JSON. The id is unknown, so nothing is cancelled. Recorded as
 * `httpBody` notes; promise 29 judges them (harness/check/promises-api.ts).
 */
const BODY_PROBES: readonly { type?: string; body: string }[] = [
  { type: 'text/plain', body: '' },
  { type: 'text/plain', body: '{}' },
  { type: 'application/x-www-form-urlencoded', body: '' },
  { body: '' },
  { type: 'application/json', body: '' },
];

async function probeBodies(sim: Simulation, client: SimClient, recorder: HistoryRecorder): Promise<void> {
  for (const p of BODY_PROBES) {
    const c = sim.coordinator.instance;
    if (c === null) return;
    const headers: Record<string, string> = { authorization: `Bearer ${client.probe.submit}`, ...(p.type === undefined ? {} : { 'content-type': p.type }) };
    const res = await probeCall(c)({ method: 'POST', path: `/api/v1/executions/${concrete('{id}')}/cancel`, headers, body: p.body });
    const code = errorCode(res.body);
    recorder.recordInfo({ httpBody: { ...(p.type === undefined ? {} : { type: p.type }), empty: p.body === '', status: res.status, ...(code === undefined ? {} : { code }) } }, HTTP_ADVERSARY);
  }
}
