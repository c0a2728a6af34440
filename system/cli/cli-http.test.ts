/**
 * The CLI's seams (cli-http.ts, CliIo.http and CliIo.sleep): a command run
 * with an io that carries its own exchange and sleep makes every request
 * through that exchange and every wait through that sleep, never a socket
 * or a real timer; socket-level failures map to exit 3 as with node:http.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliHttp, CliHttpRequest } from './cli-http.js';
import type { CliIo } from './cli-io.js';
import { exitCodeOf } from './exit-codes.js';
import { registerExecutionsCommand } from './executions.js';

const history = (statuses: string[]) => statuses.map((status, i) => ({ status, at: 1000 + i, previous: null, attempt: 0, reason: null }));

/** An exchange that answers reads of ex_1 from a script and refuses the event stream. */
function scripted(statuses: string[][]): { http: CliHttp; sent: string[] } {
  const sent: string[] = [];
  let n = 0;
  const http: CliHttp = {
    request: (r: CliHttpRequest) => {
      sent.push(`${r.method} ${r.url.pathname}`);
      if (r.url.pathname !== '/api/v1/executions/ex_1') return Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
      const h = statuses[Math.min(n++, statuses.length - 1)] as string[];
      return Promise.resolve({ status: 200, body: JSON.stringify({ executionId: 'ex_1', status: h.at(-1), error: null, statusHistory: history(h) }) });
    },
    stream: (r, sink) => {
      sent.push(`STREAM ${r.url.pathname}`);
      sink.open(401);
      return Promise.resolve();
    },
  };
  return { http, sent };
}

async function run(args: string[], http: CliHttp, sleeps: number[]): Promise<{ out: string; code: number }> {
  let out = '';
  let code = 0;
  const io: CliIo = { out: (t) => void (out += t), err: () => {}, now: () => 0, isTTY: false, setExitCode: (c) => void (code = c), interrupted: () => new AbortController().signal, http, sleep: (ms) => (sleeps.push(ms), Promise.resolve()) };
  const program = new Command().exitOverride();
  registerExecutionsCommand(program, io);
  try {
    await program.parseAsync([...args, '--url', 'http://nowhere.invalid'], { from: 'user' });
  } catch (err) {
    code = exitCodeOf(err) ?? -1;
  }
  return { out, code };
}

describe('the CLI through its seams', () => {
  it('watch reads through the io exchange and waits --poll-ms through the io sleep', async () => {
    const { http, sent } = scripted([['scheduled'], ['scheduled', 'running'], ['scheduled', 'running', 'failed']]);
    const sleeps: number[] = [];
    const { out, code } = await run(['executions', 'watch', 'ex_1', '--poll-ms', '250'], http, sleeps);
    expect(sent).toEqual(['STREAM /ui/events', 'GET /api/v1/executions/ex_1', 'GET /api/v1/executions/ex_1', 'GET /api/v1/executions/ex_1']);
    expect(sleeps).toEqual([250, 250]);
    expect(out.trim().split('\n').map((l) => (JSON.parse(l) as { status: string }).status)).toEqual(['scheduled', 'running', 'failed']);
    expect(code).toBe(1);
  });

  it('a socket failure of the io exchange is exit 3, naming the coordinator', async () => {
    const { http } = scripted([]);
    expect((await run(['executions', 'get', 'ex_2'], http, [])).code).toBe(3);
  });
});
