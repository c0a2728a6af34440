/**
 * `squall executions list` over a scripted exchange (CliIo.http): --all
 * follows each page's nextCursor (not the --cursor it was given) with the
 * same filters until the last page, and prints the pages' executions in
 * the API's order, which its --help names (oldest first).
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliHttp, CliHttpRequest } from './cli-http.js';
import type { CliIo } from './cli-io.js';
import { registerExecutionsCommand } from './executions.js';

/** Five executions, oldest first, paged as the API pages them; the 21st request is refused (a loop ends there). */
function pager(): { http: CliHttp; asked: string[] } {
  const asked: string[] = [];
  const ids = ['ex_1', 'ex_2', 'ex_3', 'ex_4', 'ex_5'];
  const http: CliHttp = {
    request: (r: CliHttpRequest) => {
      asked.push(r.url.search);
      if (asked.length > 20) return Promise.reject(Object.assign(new Error('looping'), { code: 'ECONNREFUSED' }));
      const limit = Number(r.url.searchParams.get('limit'));
      const from = r.url.searchParams.has('cursor') ? ids.indexOf(r.url.searchParams.get('cursor') as string) + 1 : 0;
      const page = ids.slice(from, from + limit);
      const next = from + limit < ids.length ? (page.at(-1) as string) : null;
      return Promise.resolve({ status: 200, body: JSON.stringify({ executions: page.map((executionId) => ({ executionId, status: 'completed' })), nextCursor: next }) });
    },
    stream: () => Promise.resolve(),
  };
  return { http, asked };
}

function program(http: CliHttp, out: (t: string) => void): Command {
  const io: CliIo = { out, err: () => {}, now: () => 0, isTTY: false, setExitCode: () => {}, interrupted: () => new AbortController().signal, http };
  const p = new Command().exitOverride();
  registerExecutionsCommand(p, io);
  return p;
}

describe('squall executions list', () => {
  it('--all reads each next page from the nextCursor of the page before, with the same filters, and prints them all', async () => {
    const { http, asked } = pager();
    let out = '';
    const done = program(http, (t) => void (out += t)).parseAsync(['executions', 'list', '--url', 'http://c', '--limit', '2', '--status', 'completed', '--all'], { from: 'user' });
    await done.catch(() => {});
    expect(asked).toEqual(['?limit=2&status=completed', '?limit=2&status=completed&cursor=ex_2', '?limit=2&status=completed&cursor=ex_4']);
    const printed = JSON.parse(out) as { executions: { executionId: string }[]; nextCursor: string | null };
    expect(printed.executions.map((e) => e.executionId)).toEqual(['ex_1', 'ex_2', 'ex_3', 'ex_4', 'ex_5']);
    expect(printed.nextCursor).toBe(null);
  });

  it('--cursor starts there, and --all goes on from each page', async () => {
    const { http, asked } = pager();
    let out = '';
    const done = program(http, (t) => void (out += t)).parseAsync(['executions', 'list', '--url', 'http://c', '--limit', '2', '--cursor', 'ex_1', '--all'], { from: 'user' });
    await done.catch(() => {});
    expect(asked).toEqual(['?limit=2&cursor=ex_1', '?limit=2&cursor=ex_3']);
    expect((JSON.parse(out) as { executions: { executionId: string }[] }).executions.map((e) => e.executionId)).toEqual(['ex_2', 'ex_3', 'ex_4', 'ex_5']);
  });

  it('--help names the order the API pages in (oldest first)', () => {
    const list = program(pager().http, () => {}).commands.find((c) => c.name() === 'executions')?.commands.find((c) => c.name() === 'list');
    expect(list?.description()).toMatch(/oldest first/);
  });
});
