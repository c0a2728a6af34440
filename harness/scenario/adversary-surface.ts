/**
 * The HTTP adversary's surface probes (part of attack `http-scopes`): beyond
 * the README's API table, every other route the coordinator serves, and the
 * Host guard.
 *
 * Routes: the dashboard's page and assets (open: they hold no data), its data
 * routes `/ui/events` and `/ui/graph/{id}` (README, "Dashboard": data goes
 * through the API's authentication, so a read token), and paths no one
 * documents (under /ui, /api/v1 and elsewhere: a token first, whatever the
 * path), each with no token, garbage, a forged token, a read and a submit
 * token. Recorded as `httpSurface` notes ({method, path, route, needs, held,
 * status, code}).
 *
 * Hosts: GET /api/v1/stats with a read token and each Host header (the
 * coordinator's names, the allowed ones, other names, IP literals, with and
 * without a port); recorded as `httpHost` notes with the listen address and
 * allowed hosts the scenario gave the coordinator, so the checker judges them
 * by the README's rule alone (harness/check/promises-surface.ts, promise 8).
 */
import type { HistoryRecorder } from '../check/history.js';
import { HTTP_ADVERSARY } from '../check/api-scopes.js';
import type { Simulation } from '../sim/index.js';
import { probeCall, type SimClient } from './sim-client.js';

/** What a route needs, as the README gives it: nothing, a read token, or (undocumented path) a token at all. */
type SurfaceNeed = 'open' | 'read' | 'token';

/** The routes beyond the API table: the dashboard's (README, "Dashboard") and paths no one documents. */
const SURFACE: readonly { path: string; needs: SurfaceNeed }[] = [
  { path: '/ui', needs: 'open' },
  { path: '/ui/', needs: 'open' },
  { path: '/ui/assets/app.js', needs: 'open' },
  { path: '/ui/events', needs: 'read' },
  { path: '/ui/graph/probe-unknown-id', needs: 'read' },
  { path: '/ui/probe-unknown', needs: 'token' },
  { path: '/api/v1/probe-unknown', needs: 'token' },
  { path: '/api/v2/executions', needs: 'token' },
  { path: '/probe-unknown', needs: 'token' },
];

type Held = 'none' | 'garbage' | 'forged' | 'read' | 'submit';
const HELD: readonly Held[] = ['none', 'garbage', 'forged', 'read', 'submit'];

/** The gate configuration the scenario gave the coordinator (for the Host probes' notes). */
export interface GateSetting {
  listen: string;
  allowedHosts: readonly string[];
}

/** The Host headers sent: names, allowed and not, IP literals, with and without a port. */
const HOSTS = [
  'coordinator', 'coordinator:7000', 'localhost:7000', '127.0.0.1', '[::1]:7000', 'squall.example', 'squall.example:7000',
  'evil.example', 'evil.example:7000', '127.0.0.1.evil.example', '10.9.8.7', '10.9.8.7:7000', '[fd00::7]:7000',
];

function errorCode(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

/** One round of the surface probes (skipped while the coordinator is down). */
export async function probeSurface(sim: Simulation, client: SimClient, recorder: HistoryRecorder, gate: GateSetting): Promise<void> {
  for (const route of SURFACE) {
    for (const held of HELD) {
      const c = sim.coordinator.instance;
      if (c === null) return;
      const token = held === 'none' ? undefined : held === 'garbage' ? 'not-a-squall-token' : client.probe[held];
      const res = await probeCall(c)({ method: 'GET', path: route.path, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
      const code = errorCode(res.body);
      recorder.recordInfo({ httpSurface: { method: 'GET', path: route.path, needs: route.needs, held, status: res.status, ...(code === undefined ? {} : { code }) } }, HTTP_ADVERSARY);
    }
  }
  for (const host of HOSTS) {
    const c = sim.coordinator.instance;
    if (c === null) return;
    const res = await probeCall(c)({ method: 'GET', path: '/api/v1/stats', headers: { host, authorization: `Bearer ${client.probe.read}` } });
    const code = errorCode(res.body);
    recorder.recordInfo({ httpHost: { host, listen: gate.listen, allowedHosts: [...gate.allowedHosts], status: res.status, ...(code === undefined ? {} : { code }) } }, HTTP_ADVERSARY);
  }
}
