import { describe, expect, it } from 'vitest';
import { LiveSecretScan } from './live-secrets.js';

const SECRET = 'shared-secret-xyz';
const TOKEN = `sqt_abc_${'a1'.repeat(32)}`;

function scan(): { notes: { value: Record<string, unknown>; process: string | undefined }[]; s: LiveSecretScan } {
  const notes: { value: Record<string, unknown>; process: string | undefined }[] = [];
  return { notes, s: new LiveSecretScan({ note: (_mono, value, process) => notes.push({ value, process }) }, SECRET) };
}

describe('LiveSecretScan', () => {
  it('finds the secret split across chunks and a UTF-8 character, noted as a secrets note', () => {
    const { notes, s } = scan();
    s.tokensKnown([]);
    const sink = s.stream('the coordinator (stderr)');
    const bytes = Buffer.from(`ü {"msg":"cfg","secret":"${SECRET}"}\nclean line\n`);
    sink(bytes.subarray(0, 1));
    sink(bytes.subarray(1, 20));
    sink(bytes.subarray(20));
    expect(notes).toHaveLength(1);
    expect(notes[0]?.process).toBe('secrets');
    expect(notes[0]?.value).toMatchObject({ secretShown: 'log', where: 'a line the coordinator (stderr) printed' });
    expect(JSON.stringify(notes[0]?.value)).not.toContain(SECRET);
  });

  it('holds lines until the tokens are known, and scans an unfinished last line at finish', () => {
    const { notes, s } = scan();
    s.stream('swarm host h1 (stdout)')(Buffer.from(`bootstrap ${TOKEN}\n`));
    expect(notes).toHaveLength(0);
    s.tokensKnown([{ token: TOKEN, name: 'admin' }]);
    expect(notes.map((n) => n.value.what)).toEqual([`bearer token ${TOKEN.slice(0, 20)}… (admin)`]);
    s.stream('the coordinator (stdout)')(Buffer.from(`no newline ${SECRET}`));
    expect(notes).toHaveLength(1);
    s.finish();
    expect(notes).toHaveLength(2);
  });

  it('scans answers, except the token a 201 from the token route creates', () => {
    const { notes, s } = scan();
    s.tokensKnown([]);
    s.answered('POST', '/api/v1/tokens', 201, JSON.stringify({ token: TOKEN, name: 'ci' }));
    expect(notes).toHaveLength(0);
    s.answered('GET', '/api/v1/tokens', 200, JSON.stringify([{ token: TOKEN }]));
    expect(notes.map((n) => n.value.where)).toEqual(['the 200 answer to GET /api/v1/tokens']);
  });
});
