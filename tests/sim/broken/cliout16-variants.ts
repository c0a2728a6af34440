/**
 * Broken CLIs and feeds for promise 31's terminal output, event lines and
 * tokens (tests/sim/broken-cliout16.test.ts), as blind set 16 planted them
 * in system/ (#07, #08, #20), each through a seam:
 *
 * - `tokens revoke` of an unknown id that prints its error but exits 0
 *   (#07): the revoke command's action replaced through the CLI wiring;
 * - ages whose second unit is taken modulo the small unit (#08: 1h30m shows
 *   as 1h0m): format.ts's `ago` swapped by vi.mock in the test file, with
 *   `brokenAgo` below;
 * - a feed whose detail prefers the event's reason over the status it
 *   reached (#20): the hub's events rewritten by vi.mock of event-hub.ts,
 *   with `reasonFirst` below.
 */
import type { Command } from 'commander';
import type { CliIo } from '../../../system/cli/index.js';
import { fileTokenStore } from '../../../system/coordinator/index.js';
import type { SystemEvent } from '../../../system/core/index.js';
import type { CliWiring } from '../../../harness/sim/index.js';

/** `squall tokens revoke` that says an id is unknown and still exits 0. */
export const revokeUnknownExitsZero: CliWiring = {
  program: (program: Command, io: CliIo) => {
    const revoke = program.commands.find((c) => c.name() === 'tokens')?.commands.find((c) => c.name() === 'revoke');
    if (revoke === undefined) throw new Error('no tokens revoke command to break');
    revoke.action((id: string, flags: { dataDir: string }) => {
      const store = fileTokenStore(flags.dataDir);
      io.err(store.revoke(id, io.now()) ? `revoked token ${id}\n` : `no token with id "${id}" in ${store.path}\n`);
    });
  },
};

/** format.ts's duration with #08's remainder (modulo the small unit: the second part is always 0). */
function brokenSpan(ms: number): string {
  if (ms < 60_000) return `${Math.floor(ms / 1000)}s`;
  const units: [number, string, number, string][] = [
    [86_400_000, 'd', 3_600_000, 'h'],
    [3_600_000, 'h', 60_000, 'm'],
    [60_000, 'm', 1000, 's'],
  ];
  const [big, bu, small, su] = units.find(([u]) => ms >= u) as [number, string, number, string];
  return `${Math.floor(ms / big)}${bu}${Math.floor((ms % small) / small)}${su}`;
}

/** format.ts's `ago` over the broken duration. */
export function brokenAgo(at: number | null | undefined, now: number): string {
  if (at === null || at === undefined) return '-';
  const d = now - at;
  return d >= 0 ? `${brokenSpan(d)} ago` : `in ${brokenSpan(-d)}`;
}

/** An event as #20's feed saw it: what it reached replaced by its reason, when it has one. */
export function reasonFirst(e: SystemEvent): SystemEvent {
  const x = e as SystemEvent & { to?: string; outcome?: string; reason?: string };
  return x.reason === undefined ? e : ({ ...e, to: x.reason } as SystemEvent);
}
