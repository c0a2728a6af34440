// Planted defect (tests/live/secrets-live.test.ts): the coordinator's
// GET /api/v1/stats answer echoes the Authorization header it was sent (a
// debugging field left in). Preloaded with `node --import` through
// LiveRunOptions.wiring; it patches node's ServerResponse, so the system's
// own code is unchanged.
import { ServerResponse } from 'node:http';

const echoed = (res) => res.req?.method === 'GET' && res.req?.url === '/api/v1/stats';
const writeHead = ServerResponse.prototype.writeHead;
const end = ServerResponse.prototype.end;
ServerResponse.prototype.writeHead = function (status, ...rest) {
  const headers = rest.find((h) => typeof h === 'object' && h !== null);
  if (echoed(this) && headers !== undefined) delete headers['content-length'];
  return writeHead.call(this, status, ...rest);
};
ServerResponse.prototype.end = function (chunk, ...rest) {
  if (echoed(this) && chunk !== undefined && String(chunk).startsWith('{')) {
    chunk = `{"debugAuthorization":${JSON.stringify(this.req.headers.authorization ?? '')},${String(chunk).slice(1)}`;
  }
  return end.call(this, chunk, ...rest);
};
