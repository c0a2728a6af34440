// The coordinator dashboard: workers, executions (filters, detail with status
// history, checkpoint and task graph), engine stats and circuit breakers,
// updated live from /ui/events. Data comes from the public API with the
// user's token; the live feed pushes snapshots, so nothing here polls.
import { HttpError, ago, el, fmtMs, followEvents, getJson, getToken, pill, setToken } from './client.js';
import { drawGraph } from './graph.js';

const STATUSES = ['pending', 'scheduled', 'preparing', 'running', 'paused', 'retrying', 'completed', 'failed', 'cancelled', 'timeout'];
const $ = (id) => document.getElementById(id);
const state = { now: Date.now(), workers: [], stats: {}, selected: null, refetch: null, stop: null, dropped: false, seenWorkers: new Map() };

function table(head, rows, numeric = []) {
  if (rows.length === 0) return el('div', { class: 'empty' }, 'nothing yet');
  return el('table', {}, el('thead', {}, el('tr', {}, head.map((h, i) => el('th', { class: numeric[i] ? 'num' : undefined }, h)))), el('tbody', {}, rows));
}
const td = (v, num) => el('td', { class: num ? 'num' : undefined }, v);

function renderOverview() {
  const s = state.stats ?? {};
  const by = s.byStatus ?? {};
  const connected = state.workers.filter((w) => w.state === 'connected').length;
  const open = Object.values(s.breakers ?? {}).filter((b) => b !== 'closed').length;
  const tiles = [
    ['workers connected', `${connected} / ${state.workers.length}`, connected < state.workers.length ? 'bad' : 'ok'],
    ['executions', s.total ?? 0], ['queued', s.queueLength ?? 0], ['running', by.running ?? 0], ['completed', by.completed ?? 0, 'ok'],
    ['failed', by.failed ?? 0, (by.failed ?? 0) > 0 ? 'bad' : ''], ['retried', s.retried ?? 0], ['timed out', s.timedOut ?? 0],
    ['duration p50 / p95', `${fmtMs(s.durationsMs?.p50)} / ${fmtMs(s.durationsMs?.p95)}`], ['open breakers', open, open > 0 ? 'bad' : 'ok'],
  ];
  $('overview').replaceChildren(...tiles.map(([k, v, tone]) => el('div', { class: `tile ${tone ?? ''}` }, el('div', { class: 'k' }, k), el('div', { class: 'v' }, v))));
}

function renderWorkers() {
  const rows = [...state.workers].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true })).map((w) => {
    const prev = state.seenWorkers.get(w.id);
    state.seenWorkers.set(w.id, w.state);
    return el('tr', { class: prev !== undefined && prev !== w.state ? 'flash' : undefined, 'data-worker': w.id, 'data-state': w.state, 'data-reconnects': w.reconnects },
      td(w.id), el('td', {}, pill(w.state)), td(fmtMs(w.rttMs), true), td(w.reconnects, true), td(`${w.running} / ${w.concurrency}`, true),
      td(w.kinds.join(', ')), td(w.draining ? 'draining' : ''), td(ago(w.lastSeenAt, state.now)), td(w.sessionId ?? '–'));
  });
  $('workers-count').textContent = `(${state.workers.length})`;
  $('workers-table').replaceChildren(table(['worker', 'state', 'round trip', 'reconnects', 'held tasks', 'kinds', '', 'last seen', 'session'], rows, [0, 0, 1, 1, 1]));
}

function renderEngine() {
  const kinds = Object.entries(state.stats.byKind ?? {});
  $('kinds').replaceChildren(el('h3', {}, 'By task kind'), table(['kind', 'completed', 'failed', 'cancelled', 'success'], kinds.map(([k, v]) =>
    el('tr', {}, td(k), td(v.completed, true), td(v.failed, true), td(v.cancelled, true), td(v.successRate === null ? '–' : `${Math.round(v.successRate * 100)} %`, true))), [0, 1, 1, 1, 1]));
  const breakers = Object.entries(state.stats.breakers ?? {});
  $('breakers').replaceChildren(el('h3', {}, 'Circuit breakers'), breakers.length === 0 ? el('div', { class: 'empty' }, 'no breaker has tripped or been used yet') :
    table(['kind', 'state'], breakers.map(([k, v]) => el('tr', { 'data-breaker': k }, td(k), el('td', {}, pill(v))))));
}

function renderEvents(events) {
  const list = $('event-list');
  for (const e of events) {
    const cls = /disconnected|lost|timeout|expired|rejected|auth_failed|protocol_error/.test(e.type) ? 'fault' : e.type === 'worker_registered' ? 'heal' : '';
    list.prepend(el('li', { class: cls }, el('span', { class: 't' }, new Date(e.at).toISOString().slice(11, 23)), `${e.type}`, e.workerId ? ` ${e.workerId}` : '', e.executionId ? ` ${e.executionId}` : '', e.detail ? ` → ${e.detail}` : ''));
  }
  while (list.children.length > 300) list.lastChild.remove();
}

async function loadExecutions() {
  const q = new URLSearchParams({ limit: '200' });
  if ($('f-status').value) q.set('status', $('f-status').value);
  if ($('f-task').value.trim()) q.set('taskId', $('f-task').value.trim());
  const kind = $('f-kind').value.trim();
  const page = await getJson(`/api/v1/executions?${q}`);
  const rows = page.executions.filter((x) => !kind || x.kind.includes(kind));
  $('exec-note').textContent = `${rows.length} shown${page.nextCursor ? ' (newest page; narrow the filters for more)' : ''}`;
  $('exec-table').replaceChildren(table(['execution', 'task', 'kind', 'status', 'attempts', 'worker', 'created'], rows.map((x) =>
    el('tr', { class: `click${x.executionId === state.selected ? ' sel' : ''}`, 'data-exec': x.executionId, onclick: () => select(x.executionId) },
      td(x.executionId), td(x.taskId), td(x.kind), el('td', {}, pill(x.status)), td(x.attempts, true), td(x.lease?.workerId ?? '–'), td(ago(x.createdAt, state.now)))), [0, 0, 0, 0, 1]));
}

async function select(id) {
  state.selected = id;
  location.hash = `#executions/${encodeURIComponent(id)}`;
  const [x, g] = await Promise.all([getJson(`/api/v1/executions/${encodeURIComponent(id)}`), getJson(`/ui/graph/${encodeURIComponent(id)}`)]);
  const dl = el('dl', {}, ...[['status', pill(x.status)], ['task', x.taskId], ['kind', x.kind], ['priority', x.priority], ['attempts', x.attempts], ['worker', x.lease?.workerId ?? '–'],
    ['retry', `${x.retry?.strategy ?? '–'} × ${x.retry?.maxRetries ?? 0}`], ['error', x.error ? JSON.stringify(x.error) : '–'], ['result', x.result === null ? '–' : JSON.stringify(x.result).slice(0, 200)]].flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  const history = table(['at', 'from', 'to', 'attempt', 'reason'], x.statusHistory.map((h) => el('tr', {}, td(new Date(h.at).toISOString().slice(11, 23)), td(h.previous ?? '–'), el('td', {}, pill(h.status)), td(h.attempt, true), td(h.reason ?? ''))), [0, 0, 0, 1]);
  const cp = x.checkpoint ? `seq ${x.checkpoint.seq} · attempt ${x.checkpoint.attempt} · ${new Date(x.checkpoint.at).toISOString().slice(11, 23)}` : 'none saved';
  const nodes = g.nodes.map((n) => ({ id: n.id, label: n.taskId, sub: n.kind, status: n.status }));
  const graph = nodes.length > 1 ? drawGraph(nodes, g.edges, { selected: id, onPick: (p) => void select(p).catch(showError) }) : el('div', { class: 'empty' }, 'no dependencies and no dependents');
  $('detail').replaceChildren(el('h3', {}, x.executionId), dl, el('h4', {}, 'Status history'), history, el('h4', {}, 'Checkpoint'), el('div', { 'data-checkpoint': '' }, cp), el('h4', {}, `Task graph (${nodes.length})`), graph);
  $('detail').hidden = false;
  for (const tr of document.querySelectorAll('tr[data-exec]')) tr.classList.toggle('sel', tr.dataset.exec === id);
}

function showError(err) {
  if (err instanceof HttpError && (err.status === 401 || err.status === 403)) return askToken(err.message);
  console.warn(err);
}

function askToken(message) {
  state.stop?.();
  $('conn').className = 'pill denied';
  $('conn').textContent = 'signed out';
  $('login').hidden = false;
  document.body.classList.add('signed-out');
  $('login-error').hidden = !message;
  $('login-error').textContent = message ?? '';
}

/** What the page loads itself rather than being pushed: the executions table and the open detail. */
function reload() {
  loadExecutions().catch(showError);
  if (state.selected) select(state.selected).catch(showError);
}

function scheduleExecutions() {
  // At most one refetch per second, and only when something changed.
  if (state.refetch) return;
  state.refetch = setTimeout(() => {
    state.refetch = null;
    reload();
  }, 1000);
}

function onState(s, status) {
  $('conn').className = `pill ${s}`;
  $('conn').textContent = s === 'live' ? 'live' : s === 'denied' ? `denied (${status})` : 'reconnecting…';
  if (s === 'denied') askToken(getToken() ? 'that token was refused' : undefined);
  // Back live after a drop: what was published meanwhile never reaches this page, so reload what it loads itself.
  if (s === 'live' && state.dropped) reload();
  if (s === 'live' || s === 'reconnecting') state.dropped = s === 'reconnecting';
}

function onUpdate(data) {
  state.now = data.now;
  state.workers = data.workers;
  state.stats = data.stats;
  renderOverview();
  renderWorkers();
  renderEngine();
  renderEvents(data.events ?? []);
  if ((data.events ?? []).some((e) => e.executionId)) scheduleExecutions();
  document.body.dataset.updates = String(Number(document.body.dataset.updates ?? 0) + 1);
}

function start() {
  $('login').hidden = true;
  document.body.classList.remove('signed-out');
  $('signout').hidden = !getToken();
  state.dropped = false;
  state.stop = followEvents('/ui/events', (name, data) => name === 'update' && onUpdate(data), onState);
  loadExecutions().catch(showError);
  const m = /^#executions\/(.+)$/.exec(location.hash);
  if (m) select(decodeURIComponent(m[1])).catch(showError);
}

$('f-status').append(...STATUSES.map((s) => el('option', { value: s }, s)));
for (const id of ['f-status', 'f-kind', 'f-task']) $(id).addEventListener(id === 'f-status' ? 'change' : 'input', () => loadExecutions().catch(showError));
$('filters').addEventListener('submit', (e) => e.preventDefault());
$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  setToken($('token').value.trim());
  $('token').value = '';
  start();
});
$('signout').addEventListener('click', () => { setToken(''); askToken(); });
start();
