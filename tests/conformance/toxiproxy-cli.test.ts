/**
 * The official toxiproxy-cli (2.12.0, beside TOXIPROXY_BIN) prints the same
 * thing for the same commands against the real server and squall's proxy
 * (ports normalised). Skipped, with a message, without TOXIPROXY_BIN.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type ProxyTarget, realServerBinary, startEmbedded, startReal } from './proxy-targets.js';

const run = promisify(execFile);
const real = realServerBinary();
const cli = 'bin' in real ? join(dirname(real.bin), 'toxiproxy-cli') : '';
const skip = !('bin' in real) || !existsSync(cli);
if (skip) console.warn(`[conformance] toxiproxy-cli runs skipped: ${'skip' in real ? real.skip : `no toxiproxy-cli beside ${real.bin}`}`);

/** The commands, in order; {ECHO} is the target's echo upstream. */
const SCRIPT: string[][] = [
  ['create', '--listen', '127.0.0.1:0', '--upstream', '{ECHO}', 'web'],
  ['toxic', 'add', '--type', 'latency', '--attribute', 'latency=100', '--attribute', 'jitter=5', 'web'],
  ['toxic', 'add', '--type', 'bandwidth', '--upstream', '--toxicity', '0.5', '--attribute', 'rate=20', 'web'],
  ['toxic', 'update', '--toxicName', 'latency_downstream', '--attribute', 'latency=7', 'web'],
  ['inspect', 'web'],
  ['list'],
  ['toggle', 'web'],
  ['list'],
  ['toxic', 'remove', '--toxicName', 'latency_downstream', 'web'],
  ['inspect', 'web'],
  ['toxic', 'add', '--type', 'corrupt', 'web'],
  ['inspect', 'nope'],
  ['delete', 'web'],
  ['list'],
];

async function transcript(t: ProxyTarget): Promise<string[]> {
  const host = t.url.replace('http://', '');
  const out: string[] = [];
  for (const cmd of SCRIPT) {
    const args = ['-h', host, ...cmd.map((a) => a.replace('{ECHO}', t.echo.addr))];
    let text: string;
    try {
      const r = await run(cli, args, { timeout: 10_000 });
      text = `exit 0\n${r.stdout}${r.stderr}`;
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      text = `exit ${e.code ?? '?'}\n${e.stdout ?? ''}${e.stderr ?? ''}`;
    }
    out.push(`$ ${cmd.join(' ')}\n${text.split(t.echo.addr).join('ECHO').replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')}`);
  }
  return out;
}

describe.skipIf(skip)('toxiproxy-cli against both servers', () => {
  it('prints the same for every command', async () => {
    const targets = [await startReal('bin' in real ? real.bin : ''), await startEmbedded()];
    try {
      const [a, b] = [await transcript(targets[0]!), await transcript(targets[1]!)];
      expect(a.join('\n')).toMatch(/latency_downstream/); // the script did something
      for (let i = 0; i < SCRIPT.length; i++) expect(b[i], SCRIPT[i]?.join(' ')).toBe(a[i]);
    } finally {
      for (const t of targets) await t.close();
    }
  }, 60_000);
});
