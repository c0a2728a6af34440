/**
 * User data shaped like the protocol's own envelope (awkward-json.ts, read
 * back unchanged by promises 16 and 33, carried by honest frames: promise 8):
 * members named like a frame's fields and integrity trailers (`v`, `type`,
 * `seq`, `ack`, `crc`, `sig`) first, in the middle and last of objects at
 * every depth, inside arrays, holding values shaped like the real ones (an
 * 8-hex crc, a 64-hex signature, a frame type, sequence numbers) and other
 * kinds; whole objects that look like a frame; keys and strings holding a
 * trailer's text. A codec that finds a frame's fields or trailer anywhere
 * but where encode() put them (blind set 19 #20: the trailer searched from
 * the frame's start) reads these frames wrong, and the honest frame is
 * refused.
 */

/** The frame's own member names: the envelope's fields, then the two integrity trailers. */
export const ENVELOPE_KEYS = ['v', 'type', 'seq', 'ack', 'crc', 'sig'] as const;

/** A value shaped like the real member's (as JSON text). */
const LOOKALIKE: Readonly<Record<(typeof ENVELOPE_KEYS)[number], string>> = {
  v: '1',
  type: '"result"',
  seq: '7',
  ack: '6',
  crc: '"0badc0de"',
  sig: JSON.stringify('5e'.repeat(32)),
};

/** Other kinds of value a member of that name may hold. */
const OTHERS = ['"0badc0de"', '{}', '[]', 'null', '"é ✓"'];

/** `{k: value}` with the key first, in the middle and last among ordinary members, for one key and value. */
function positions(key: string, value: string): string[] {
  const k = JSON.stringify(key);
  return [`{${k}:${value},"a":1}`, `{"a":1,${k}:${value},"b":"x"}`, `{"a":1,"b":[],${k}:${value}}`];
}

/** Every envelope key at every position, with its lookalike value and each other kind. */
function members(): string[] {
  return ENVELOPE_KEYS.flatMap((k) => [LOOKALIKE[k], ...OTHERS].flatMap((v) => positions(k, v)));
}

/** A whole object shaped like a frame (its fields in encode() order, its trailer last). */
function frameLike(trailer: 'crc' | 'sig'): string {
  return `{"v":1,"type":"result","seq":7,"ack":6,"executionId":"e-1","${trailer}":${LOOKALIKE[trailer]}}`;
}

/** `inner` wrapped `depth` times, alternating an object's last member and an array's last item. */
function deep(inner: string, depth: number): string {
  let text = inner;
  for (let i = 0; i < depth; i++) text = i % 2 === 0 ? `{"a":1,"crc":${text}}` : `["x",${text}]`;
  return text;
}

/** Trailer text inside keys and strings (escaped in JSON, so it never reads as a member). */
const IN_TEXT = `{",\\"crc\\":\\"0badc0de\\"}":",\\"sig\\":\\"${'5e'.repeat(32)}\\"}","s":",\\"crc\\":\\"","t":"\\"}"}`;

/** The envelope-shaped part as JSON text: one array of every placement. */
export function envelopeText(): string {
  const parts = [...members(), frameLike('crc'), frameLike('sig'), deep(frameLike('crc'), 5), deep(frameLike('sig'), 4), IN_TEXT];
  return `[${parts.join(',')}]`;
}
