/**
 * `squall submit`: a small client of the HTTP API. Submits one execution, a
 * batch or a graph (from flags or a JSON file), optionally waits for the
 * outcome and prints it.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { apiCall, type ApiTarget } from './api-client.js';
import { intOption, jsonOption, readPemFile, resolveToken } from './options.js';

interface SubmitFlags {
  url: string;
  kind?: string;
  params?: unknown;
  file?: string;
  graph?: string;
  priority?: string;
  timeoutMs?: number;
  retry?: unknown;
  wait?: boolean;
  waitTimeoutMs: number;
  token?: string;
  tokenFile?: string;
  tlsCa?: string;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'timeout']);

/** The API target of this invocation (set once flags are parsed). */
let target: ApiTarget = { base: 'http://127.0.0.1:7070', token: undefined, ca: undefined };

function call(method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return apiCall(target, method, url, body);
}

async function waitFor(base: string, ids: string[], timeoutMs: number): Promise<unknown[]> {
  const deadline = Date.now() + timeoutMs;
  const out = new Map<string, unknown>();
  while (out.size < ids.length) {
    for (const id of ids) {
      if (out.has(id)) continue;
      const { json } = await call('GET', `${base}/api/v1/executions/${id}`);
      const status = (json as { status?: string }).status;
      if (status !== undefined && TERMINAL.has(status)) out.set(id, json);
    }
    if (out.size === ids.length) break;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${ids.length - out.size} execution(s)`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return ids.map((id) => out.get(id));
}

export function registerSubmitCommand(program: Command): void {
  program
    .command('submit')
    .description('submit work to a coordinator over its HTTP API')
    .option('--url <url>', 'coordinator HTTP base URL', 'http://127.0.0.1:7070')
    .option('--kind <kind>', 'task kind: sleep, echo, fail, cpu, command, container')
    .option('--params <json>', 'task params as JSON', jsonOption('--params'))
    .option('--priority <p>', 'low | medium | high | critical')
    .option('--timeout-ms <ms>', 'per-attempt timeout', intOption('--timeout-ms', 1))
    .option('--retry <json>', 'retry policy as JSON, e.g. {"strategy":"fixed","maxRetries":3,"delayMs":100}', jsonOption('--retry'))
    .option('--file <path>', 'a JSON execution spec, or an array of them (batch)')
    .option('--graph <path>', 'a JSON graph: {"tasks": {"a": {...}, "b": {"dependsOn": ["a"], ...}}}')
    .option('--wait', 'wait until every submitted execution is terminal and print them')
    .option('--wait-timeout-ms <ms>', 'give up waiting after this long', intOption('--wait-timeout-ms', 1), 600000)
    .option('--token-file <path>', 'file holding the API token (submit scope), or $SQUALL_TOKEN_FILE')
    .option('--token <token>', 'API token (prefer --token-file or $SQUALL_TOKEN: the command line is visible in ps)')
    .option('--tls-ca <pem>', 'CA certificate to trust for an https:// coordinator (a private CA, or its own certificate)')
    .action(async (flags: SubmitFlags) => {
      const base = flags.url.replace(/\/+$/, '');
      target = { base, token: resolveToken(flags.token, flags.tokenFile), ca: flags.tlsCa === undefined ? undefined : readPemFile(flags.tlsCa, '--tls-ca') };
      let res: { status: number; json: unknown };
      if (flags.graph !== undefined) {
        res = await call('POST', `${base}/api/v1/graphs`, JSON.parse(readFileSync(flags.graph, 'utf8')) as unknown);
      } else if (flags.file !== undefined) {
        const spec = JSON.parse(readFileSync(flags.file, 'utf8')) as unknown;
        res = Array.isArray(spec)
          ? await call('POST', `${base}/api/v1/executions/batch`, { executions: spec })
          : await call('POST', `${base}/api/v1/executions`, spec);
      } else {
        if (flags.kind === undefined) throw new Error('give --kind (with --params), --file or --graph');
        res = await call('POST', `${base}/api/v1/executions`, {
          kind: flags.kind,
          params: flags.params ?? {},
          ...(flags.priority === undefined ? {} : { priority: flags.priority }),
          ...(flags.timeoutMs === undefined ? {} : { timeoutMs: flags.timeoutMs }),
          ...(flags.retry === undefined ? {} : { retry: flags.retry }),
        });
      }
      if (res.status >= 400) {
        process.stderr.write(`submit failed (HTTP ${res.status}): ${JSON.stringify(res.json)}\n`);
        process.exitCode = 1;
        return;
      }
      if (flags.wait !== true) {
        process.stdout.write(`${JSON.stringify(res.json, null, 2)}\n`);
        return;
      }
      const body = res.json as { executionId?: string; executions?: { executionId: string }[] };
      const ids = body.executionId !== undefined ? [body.executionId] : (body.executions ?? []).map((e) => e.executionId);
      const done = await waitFor(base, ids, flags.waitTimeoutMs);
      process.stdout.write(`${JSON.stringify(done.length === 1 ? done[0] : done, null, 2)}\n`);
      if (done.some((d) => (d as { status?: string }).status !== 'completed')) process.exitCode = 1;
    });
}
