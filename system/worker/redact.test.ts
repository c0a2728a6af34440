import { describe, expect, it } from 'vitest';
import { redactSecrets, redactionList } from './redact.js';

const AWKWARD = 'tab\there "quoted" back\\slash ünï/%2B+= end\n';

describe('redactSecrets', () => {
  it('redacts a secret holding quotes, a backslash, a tab and a line end wherever it shows', () => {
    const value = { stdout: `a ${AWKWARD} b ${AWKWARD}`, nested: [{ note: AWKWARD }], [AWKWARD]: 1 };
    expect(redactSecrets(value, [AWKWARD])).toEqual({ stdout: 'a [redacted] b [redacted]', nested: [{ note: '[redacted]' }], '[redacted]': 1 });
  });

  it('redacts a secret whose match in the JSON text begins inside an escape, instead of throwing', () => {
    // JSON text {"out":"x\nabcd"}: the escaped form "nabcd" matches from the escape's n.
    expect(redactSecrets({ out: 'x\nabcd', also: 'nabcd!' }, ['nabcd'])).toEqual({ out: 'x\nabcd', also: '[redacted]!' });
  });

  it('leaves a value without the secret as it is', () => {
    const value = { out: 'nothing here' };
    expect(redactSecrets(value, [AWKWARD])).toBe(value);
  });
});

describe('redactionList', () => {
  it('is the secret, then the secret trimmed when blanks or a line end surround it', () => {
    expect(redactionList(undefined)).toEqual([]);
    expect(redactionList('plain-secret')).toEqual(['plain-secret']);
    expect(redactionList('from-a-file\n')).toEqual(['from-a-file\n', 'from-a-file']);
    expect(redactionList(' ab \n')).toEqual([' ab \n']);
  });

  it('with redactSecrets, redacts a failure message whose stderr tail was trimmed of the line end', () => {
    const secret = 'from-a-file\n';
    const message = `command "sh" exited with code 3: ${`printed ${secret}`.trim()}`;
    expect(redactSecrets({ message }, redactionList(secret))).toEqual({ message: 'command "sh" exited with code 3: printed [redacted]' });
    expect(redactSecrets({ message }, [secret])).toEqual({ message });
  });
});
