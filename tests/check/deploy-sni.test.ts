/**
 * Synthetic histories for the deployment probe's SNI rows (promise 8,
 * harness/scenario/deploy-probe-tls.ts, blind set 18 #24): a host name is
 * sent as the server name, an address is not.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const messages = (h: H): string[] => checkHistory(h.history(), ['auth'], baseContext).map((v) => v.message);

function sni(rows: [url: string, expect: string, outcome: string][]): H {
  const h = new H().at(10);
  for (const [url, want, got] of rows) h.rec.recordInfo({ deployProbe: { role: 'worker-tls', what: `${url}: the server name (SNI) its TLS handshake sends`, expect: JSON.stringify(want), outcome: JSON.stringify(got) } }, 'deploy-probe');
  return h;
}

describe('8 auth: the SNI of a wss:// connect', () => {
  it('passes a host name sent and addresses not', () => {
    expect(messages(sni([['wss://coordinator.example:7443', 'SNI coordinator.example', 'SNI coordinator.example'], ['wss://192.0.2.10:7443', 'no SNI', 'no SNI']]))).toEqual([]);
  });

  it('reports the choice inverted: a host name without SNI, an address sent as SNI', () => {
    expect(messages(sni([['wss://coordinator.example:7443', 'SNI coordinator.example', 'no SNI'], ['wss://192.0.2.10:7443', 'no SNI', 'SNI 192.0.2.10']]))).toEqual([
      'worker-tls "wss://coordinator.example:7443: the server name (SNI) its TLS handshake sends": "no SNI", but the README documents "SNI coordinator.example"',
      'worker-tls "wss://192.0.2.10:7443: the server name (SNI) its TLS handshake sends": "SNI 192.0.2.10", but the README documents "no SNI"',
    ]);
  });
});
