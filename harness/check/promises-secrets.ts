/**
 * Promise 8 (auth), secrets: no read the client made and no event the system
 * emitted shows a secret the harness gave the system (the workers' shared
 * secret, CheckContext.secrets). A worker scrubs its secrets from what a task
 * returns, fails with or checkpoints before it leaves the worker (README,
 * "Dangerous kinds are opt-in": never the worker's secrets;
 * system/worker/redact.ts), so a task whose error text carries the secret
 * (scenario `secret-redaction.yaml`: the secret is a phrase the `fail` kind's
 * error contains) must show up as "[redacted]" in every listing, execution
 * read and event. Commands print the secret in any position and count
 * (twice, at the start and end of a text, inside a JSON text carried as an
 * escaped string): every occurrence must be gone (blind set 14 #20, only the
 * first replaced). Every record of the history is judged: the client's reads
 * are notes, the system's events are records of their own; only the
 * harness's own processes (the adversary, the deployment probes, the
 * simulated process table's record of what a command printed) are left out.
 *
 * On the wire and in the logs (session 35): in simulation every frame either
 * side sends, every line the system logs and every HTTP answer's body
 * (`/metrics` text included) is scanned as it passes for the workers'
 * secret, each connection's signing key (docs/PROTOCOL.md: HMAC(secret,
 * Ns | Nw), never sent) and the bearer tokens (shown only in the 201 answer
 * that created them; the Authorization header of a request carrying one is
 * not scanned) by harness/scenario/secret-watch.ts, which notes each leak
 * as a `secrets` note, the secret masked; each is a violation.
 *
 * In every encoding (blind set 22 #19: a redaction looking for the raw
 * secret in JSON text let one holding a quote, a backslash or a line end
 * through): both scans look for the secret raw, JSON-escaped (once, twice,
 * non-ASCII as \uXXXX), URL-encoded, base64 and hex (secret-encodings.ts);
 * scenario `awkward-secret.yaml` gives the workers a secret with a quote, a
 * backslash, a tab, a line end, non-ASCII and `% + / =`.
 */
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';
import { jsonEscaped, secretEncodings } from './secret-encodings.js';

/** Processes whose notes are the harness's own, not something the system showed (`resources`: what a simulated command or container printed, before the worker redacted it). */
const HARNESS_PROCESSES = new Set(['adversary', 'deploy-probe', 'resources', 'secrets']);
/** A secret shorter than this is not judged (the worker redacts only secrets of 4 characters or more). */
const MIN_SECRET = 4;

/** 8. No record (read, event) shows a secret the harness gave the system, in any encoding; one violation per secret, at its first showing. */
export function checkSecretsHidden(view: HistoryView, ctx: CheckContext): Violation[] {
  const secrets = [...new Set(ctx.secrets ?? [])].filter((s) => s.length >= MIN_SECRET).map((s) => secretEncodings(s).map(jsonEscaped));
  const out: Violation[] = [];
  const found = new Set<number>();
  for (const rec of view.records) {
    if (found.size === secrets.length) break;
    if (HARNESS_PROCESSES.has(rec.process)) continue;
    const text = JSON.stringify(rec.value);
    secrets.forEach((forms, i) => {
      const s = found.has(i) ? undefined : forms.find((f) => text.includes(f));
      if (s === undefined) return;
      found.add(i);
      const at = text.indexOf(s);
      const shown = text.slice(Math.max(0, at - 60), at + s.length + 60);
      const form = s === forms[0] ? '' : ` (encoded: ${s})`;
      out.push(violation(view.records, 'auth', `the workers' secret was shown at t=${rec.time} (${rec.process} ${rec.f})${form}: …${shown}…; a worker redacts its secrets from every result, error and checkpoint before they leave it`, { index: rec.index }));
    });
  }
  return out;
}

/** Where a leak note says the secret showed (secret-watch.ts). */
const CHANNELS: Readonly<Record<string, string>> = { frame: 'on the wire', log: 'in a log line', http: 'in an HTTP answer' };

/** 8. No frame, log line or HTTP answer the watch scanned showed a secret (secret-watch.ts notes each leak). */
export function checkSecretsOnWire(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.process !== 'secrets' || rec.f !== 'note' || typeof rec.value.secretShown !== 'string') continue;
    const v = rec.value;
    const channel = CHANNELS[v.secretShown as string] ?? String(v.secretShown);
    out.push(violation(view.records, 'auth', `${String(v.what)} showed ${channel} at t=${rec.time}: ${String(v.where)}: …${String(v.excerpt)}…; secrets, signing keys and bearer tokens never leave their holder (a token shows only in the answer that created it)`, { index: rec.index }));
  }
  return out;
}
