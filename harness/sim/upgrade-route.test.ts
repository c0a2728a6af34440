import { describe, expect, it } from 'vitest';
import type { ListenerEntry } from './host.js';
import { upgradeTarget } from './upgrade-route.js';

const entry = { port: 7000, incarnation: 1, opts: { wsPath: '/ws' }, accepted: new Set(), closed: false } as unknown as ListenerEntry;
const at = (p: number): ListenerEntry | null => (p === 7000 ? entry : null);
const route = { port: 8080, prefix: '/squall', to: 7000 };

describe('upgradeTarget: upgrades routed by path, as the real server and an ingress route them', () => {
  it('reaches the listener at its wsPath only; 404 at any other path', () => {
    expect(upgradeTarget(at, undefined, 7000, '/ws', '')).toEqual({ listener: entry, path: '/ws' });
    expect(upgradeTarget(at, undefined, 7000, '/ws', '?pool=a')).toEqual({ listener: entry, path: '/ws?pool=a' });
    expect(upgradeTarget(at, undefined, 7000, '/squall/ws', '')).toEqual({ status: 404 });
    expect(upgradeTarget(at, undefined, 7000, '/', '')).toEqual({ status: 404 });
    expect(upgradeTarget(at, undefined, 7001, '/ws', '')).toBeNull();
  });

  it('forwards the proxy\'s prefix + wsPath with the prefix stripped; refuses the bare /ws there (set 19 #16)', () => {
    expect(upgradeTarget(at, route, 8080, '/squall/ws', '')).toEqual({ listener: entry, path: '/ws' });
    expect(upgradeTarget(at, route, 8080, '/ws', '')).toEqual({ status: 404 });
    expect(upgradeTarget(at, route, 8080, '/squallx/ws', '')).toEqual({ status: 404 });
    expect(upgradeTarget(at, route, 8080, '/squall/ws/', '')).toEqual({ status: 404 });
  });
});
