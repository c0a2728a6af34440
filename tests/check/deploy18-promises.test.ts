/**
 * Blind set 18's deployment rules on synthetic histories: a CLI command
 * whose stdout is a pipe or a file prints JSON (promise 31,
 * promises-cli-stdout.ts); the listen check's outcome over the README's
 * table, `warned` included (promise 8, promises-surface.ts, and the table
 * itself, deploy-probe-listen.ts); the files a process keeps across lives
 * and the control files it obeys (promise 39, promises-process-env.ts).
 * Each reports a violating record and passes its good neighbour; the
 * simulation shows them caught in tests/sim/broken-deploy18.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { CliRun } from '../../harness/check/cli-runs.js';
import { checkHistory } from '../../harness/check/invariants.js';
import type { PromiseName } from '../../harness/check/promises.js';
import { documentedListen } from '../../harness/scenario/deploy-probe-listen.js';
import { H, baseContext } from './builder.js';

function messages(promise: PromiseName, notes: Record<string, unknown>[]): string[] {
  const h = new H().at(10);
  for (const n of notes) h.rec.recordInfo(n, 'cliRun' in n ? 'cli' : 'deploy-probe');
  return checkHistory(h.history(), [promise], baseContext).map((v) => v.message);
}

const workersRead = { method: 'GET', path: '/api/v1/workers', at: 100, answeredAt: 102, status: 200, seen: [] };
const run = (out: string, rest: Partial<CliRun> = {}): { cliRun: CliRun } => ({ cliRun: { args: ['workers'], token: 'submit', startedAt: 100, endedAt: 200, exitCode: 0, out, requests: [workersRead], pushes: [], ...rest } });
const TABLE = 'worker  state      running\nw1      connected  0\n';

/** The stdout rule's reports only: the other rules of promise 31 judge these records too. */
const notJson = (runs: { cliRun: CliRun }[]): string[] => messages('cli', runs).filter((m) => m.includes('not JSON'));

describe('31 cli: JSON on a pipe or a file', () => {
  it('passes JSON on a pipe or a file, one document or one per line, and a table on a terminal', () => {
    expect(notJson([run('{\n  "workers": []\n}\n', { stdout: 'pipe' }), run('{"a":1}\n{"b":2}\n', { stdout: 'file' }), run(TABLE, { tty: true, printed: [] }), run('', { stdout: 'pipe', exitCode: 3 })])).toEqual([]);
  });

  it('reports a table printed to a pipe or a file', () => {
    expect(messages('cli', [run(TABLE, { stdout: 'pipe' })])).toEqual([expect.stringMatching(/squall workers \(t=100, stdout a pipe\) printed "worker {2}state {6}running"\.\.\.: not JSON; the README prints a table on a terminal and JSON when piped/)]);
    expect(notJson([run(TABLE, { stdout: 'file' })])).toEqual([expect.stringMatching(/stdout a file\) printed .*not JSON/)]);
  });
});

describe('8 auth: the listen check over the README table', () => {
  const listen = (what: string, expect: string, outcome: string) => ({ deployProbe: { role: 'coordinator-listen', what, expect, outcome } });

  it('the table: loopback starts; elsewhere a secret and token auth start, less is refused, or warned with --insecure; TLS changes nothing', () => {
    const c = { host: '0.0.0.0', secret: true, token: true, tls: false, insecure: false };
    expect(documentedListen(c)).toBe('started');
    expect(documentedListen({ ...c, token: false })).toBe('refused');
    expect(documentedListen({ ...c, secret: false, tls: true })).toBe('refused');
    expect(documentedListen({ ...c, secret: false, insecure: true })).toBe('warned');
    expect(documentedListen({ ...c, host: '::1', secret: false, token: false })).toBe('started');
  });

  it('passes each documented outcome', () => {
    expect(messages('auth', [listen('listen on 0.0.0.0, a secret, --api-auth none', 'refused', 'refused'), listen('listen on 0.0.0.0, no secret, token auth, --insecure', 'warned', 'warned'), listen('listen on ::1, no secret', 'started', 'started')])).toEqual([]);
  });

  it('reports one safeguard missing started, and an --insecure start without its warning', () => {
    expect(messages('auth', [listen('listen on 0.0.0.0, no secret, token auth, no TLS', 'refused', 'started')])).toEqual([expect.stringMatching(/coordinator-listen configuration "listen on 0.0.0.0, no secret, token auth, no TLS" started: the README forbids it/)]);
    expect(messages('auth', [listen('listen on 0.0.0.0, a secret, --api-auth none, --insecure', 'warned', 'started, no warning, /healthz insecure false')])).toEqual([
      expect.stringMatching(/"listen on 0.0.0.0, a secret, --api-auth none, --insecure": started, no warning, \/healthz insecure false, but the README documents warned/),
    ]);
  });
});

describe('39 process-env: files across lives and control files', () => {
  const probe = (role: string, what: string, expect: string, outcome: string) => ({ processEnvProbe: { role, what, expect, outcome } });
  const LIVES = JSON.stringify(['life1.1', 'life2.1']);

  it('passes the documented outcomes', () => {
    expect(messages('process-env', [probe('events-file', 'restarted', LIVES, LIVES), probe('store-faults-file', 'disk_full written', 'applies within 50 ms', 'applies within 50 ms')])).toEqual([]);
  });

  it('reports logs pretty on a pipe', () => {
    expect(messages('process-env', [probe('logs', 'stderr a pipe or a file', 'JSON', 'JSON')])).toEqual([]);
    expect(messages('process-env', [probe('logs', 'stderr a pipe or a file', 'JSON', 'pretty')])).toEqual([expect.stringMatching(/logs "stderr a pipe or a file": pretty, but the README documents JSON/)]);
  });

  it('reports a restart that wiped the file and a control file applied late', () => {
    expect(messages('process-env', [probe('events-file', 'restarted', LIVES, JSON.stringify(['life2.1'])), probe('store-faults-file', 'disk_full written', 'applies within 50 ms', 'not applied within 2000 ms')])).toEqual([
      expect.stringMatching(/events-file "restarted": \["life2.1"\], but the README documents \["life1.1","life2.1"\]/),
      expect.stringMatching(/store-faults-file "disk_full written": not applied within 2000 ms, but the README documents applies within 50 ms/),
    ]);
  });
});
