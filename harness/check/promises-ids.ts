/**
 * Promise 34 (identifiers): every identifier, nonce and token the system
 * mints and the history sees has its documented form (system/core/ids.ts,
 * system/coordinator/tokens.ts, docs/PROTOCOL.md "Identifiers") and is never
 * minted twice: execution ids (`ex_` + 16 hex, each `submitted` once), lease
 * tokens (`ls_` + 16 hex, each `claimed` once), session ids (`ss_` + 16 hex,
 * each new session, `worker_registered` not resumed, once), handshake nonces
 * (32 hex, the welcome's `nonce` and the register's `clientNonce` as the
 * coordinator and the fleet's workers sent them: `net` notes {nonce, host}),
 * API tokens (id 16 hex, secret 64 hex: the token administrator's
 * `tokenStep` notes). All of them come from the Random seam's pool, which the
 * simulation runs with a seeded source (system/core/random.ts): a pool that
 * hands out a draw short, twice or skewed shows here as a short or repeated
 * id (blind set 14 #02), though the run around it heals.
 *
 * Never minted twice holds across kinds too (docs/PROTOCOL.md, Identifiers:
 * each is drawn from the pool): the prefix names the kind, the random part
 * is the identifier, so a lease token whose 16 hex are an execution id's, a
 * session id reusing a lease token's, or a nonce or token secret holding
 * any of them is a draw handed out twice, to two consumers (session 35).
 * The 16-hex parts of execution ids, lease tokens, session ids and token
 * ids are compared with each other, and with every 16-hex stretch of the
 * nonces and token secrets; the nonces with every 32-hex stretch of the
 * secrets. By chance two 64-bit draws meet once in 2^64 pairs.
 */
import type { HistoryRecord } from './history.js';
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The documented forms. */
const ID_FORMS = {
  executionId: /^ex_[0-9a-f]{16}$/,
  leaseToken: /^ls_[0-9a-f]{16}$/,
  sessionId: /^ss_[0-9a-f]{16}$/,
  nonce: /^[0-9a-f]{32}$/,
  tokenId: /^[0-9a-f]{16}$/,
  tokenSecret: /^[0-9a-f]{64}$/,
} as const;
type IdKind = keyof typeof ID_FORMS;

/** What each kind of identifier looks like, for the message. */
const DESCRIBED: Record<IdKind, string> = {
  executionId: "'ex_' + 16 lower-case hex",
  leaseToken: "'ls_' + 16 lower-case hex",
  sessionId: "'ss_' + 16 lower-case hex",
  nonce: '32 lower-case hex',
  tokenId: '16 lower-case hex',
  tokenSecret: '64 lower-case hex',
};

/** One minting of an identifier, where the history shows it. */
interface Minted {
  kind: IdKind;
  value: string;
  rec: HistoryRecord;
  what: string;
}

/** Every identifier the system minted, in history order. */
function minted(view: HistoryView): Minted[] {
  const out: Minted[] = [];
  for (const { rec, ev } of view.events) {
    if (ev.type === 'submitted') out.push({ kind: 'executionId', value: ev.executionId, rec, what: 'a submitted execution' });
    else if (ev.type === 'claimed') out.push({ kind: 'leaseToken', value: ev.leaseToken, rec, what: `a claim of ${ev.executionId}` });
    else if (ev.type === 'worker_registered' && !ev.resumed) out.push({ kind: 'sessionId', value: ev.sessionId, rec, what: `${ev.workerId}'s new session` });
  }
  for (const rec of view.records) {
    if (rec.f !== 'note') continue;
    const v = rec.value;
    if (rec.process === 'net' && typeof v.nonce === 'string') out.push({ kind: 'nonce', value: v.nonce, rec, what: `a handshake nonce ${String(v.host)} sent (${String(v.field)})` });
    const step = v.tokenStep as { created?: unknown; held?: { id?: unknown; secret?: unknown }[] } | undefined;
    if (step === undefined || step === null || typeof step !== 'object') continue;
    if (typeof step.created === 'string') out.push({ kind: 'tokenId', value: step.created, rec, what: 'a token the API created' });
    const newest = step.held?.[step.held.length - 1];
    if (newest !== undefined && newest.id === step.created && typeof newest.secret === 'string') out.push({ kind: 'tokenSecret', value: newest.secret, rec, what: `token ${String(newest.id)}'s secret` });
  }
  return out;
}

/** The kinds whose random part is 16 hex (after their prefix), and the prefix each carries. */
const SHORT_KINDS: Partial<Record<IdKind, string>> = { executionId: 'ex_', leaseToken: 'ls_', sessionId: 'ss_', tokenId: '' };

/** The random part of a well-formed identifier. */
const body = (m: Minted): string => m.value.slice((SHORT_KINDS[m.kind] ?? '').length);

/** Every `width`-hex stretch of `hex`. */
function* stretches(hex: string, width: number): Generator<string> {
  for (let i = 0; i + width <= hex.length; i++) yield hex.slice(i, i + width);
}

/** Identifiers of different kinds sharing random bits (see the file header); each pair once. */
function crossKind(view: HistoryView, all: readonly Minted[]): Violation[] {
  const out: Violation[] = [];
  const well = all.filter((m) => ID_FORMS[m.kind].test(m.value));
  const short = new Map<string, Minted>();
  const nonces = new Map<string, Minted>();
  const reported = new Set<string>();
  const report = (m: Minted, first: Minted, shared: string): void => {
    const key = `${first.kind}:${first.value}|${m.kind}:${m.value}`;
    if (m.kind === first.kind || reported.has(key)) return;
    reported.add(key);
    out.push(violation(view.records, 'identifiers', `${m.what} at t=${m.rec.time} has ${m.kind} ${m.value}, whose random part shares ${shared} with ${first.kind} ${first.value} of ${first.what} at t=${first.rec.time}: identifiers of every kind are drawn anew, never one draw for two`, { index: m.rec.index }));
  };
  for (const m of well) {
    if (SHORT_KINDS[m.kind] === undefined) continue;
    const first = short.get(body(m));
    if (first === undefined) short.set(body(m), m);
    else report(m, first, `all 16 hex (${body(m)})`);
  }
  for (const m of well) {
    if (SHORT_KINDS[m.kind] !== undefined) continue;
    for (const s of stretches(m.value, 16)) {
      const first = short.get(s);
      if (first !== undefined) report(m, first, `16 hex (${s})`);
    }
    if (m.kind === 'nonce') nonces.set(m.value, nonces.get(m.value) ?? m);
  }
  for (const m of well) {
    if (m.kind !== 'tokenSecret') continue;
    for (const s of stretches(m.value, 32)) {
      const first = nonces.get(s);
      if (first !== undefined) report(m, first, `32 hex (${s})`);
    }
  }
  return out;
}

/** 33. See the file header. */
export function checkIdentifiers(view: HistoryView, _ctx: CheckContext): Violation[] {
  const all = minted(view);
  const out: Violation[] = [];
  const seen = new Map<string, Minted>();
  for (const m of all) {
    if (!ID_FORMS[m.kind].test(m.value)) {
      out.push(violation(view.records, 'identifiers', `${m.what} at t=${m.rec.time} has ${m.kind} ${JSON.stringify(m.value)} (${m.value.length} characters): the documented form is ${DESCRIBED[m.kind]}`, { index: m.rec.index }));
    }
    const key = `${m.kind}:${m.value}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, m);
    else out.push(violation(view.records, 'identifiers', `${m.what} at t=${m.rec.time} has ${m.kind} ${m.value}, already minted for ${first.what} at t=${first.rec.time}: an identifier is never minted twice`, { index: m.rec.index }));
  }
  return [...out, ...crossKind(view, all)];
}
