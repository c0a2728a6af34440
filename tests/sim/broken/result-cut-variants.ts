/**
 * A worker that cuts a failed task's error message at 4096 characters, not
 * the protocol's 4000 (blind set 13 #28; tests/sim/broken-result-cut.test.ts),
 * planted through SimWiring.onWorker on each incarnation's task runner: a
 * result whose message the real runner cut to 4000 leaves with the 96
 * characters the cut dropped (the `fail` kind pads with '.').
 */
import type { Worker } from '../../../system/worker/worker.js';
import type { OutMessage } from '../../../system/worker/outbox.js';

const PROTOCOL_MAX = 4000;
const CUT_AT = 4096;

/** Set 13 #28: failure messages cut at 4096 characters. */
export function errorCutAt4096(_id: string, worker: Worker): void {
  const outlet = (worker as unknown as { runner: { deps: { outlet: { send: (msg: OutMessage) => void } } } }).runner.deps.outlet;
  const send = outlet.send.bind(outlet);
  outlet.send = (msg) => {
    if (msg.type !== 'result' || msg.error === undefined || msg.error.message.length !== PROTOCOL_MAX) return send(msg);
    send({ ...msg, error: { ...msg.error, message: msg.error.message.padEnd(CUT_AT, '.') } });
  };
}
