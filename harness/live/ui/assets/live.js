// The live-run page: one SSE stream of the run's whole state, drawn locally
// (SVG chart of connected workers and completions against the fault
// intervals, the heal marked), faults table, worker chips, violations so far, verdict.
import { el, followEvents, pill, setToken } from './client.js';

const $ = (id) => document.getElementById(id);
const NS = 'http://www.w3.org/2000/svg';
const s = (tag, attrs, text) => {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
};
const secs = (ms) => (ms === null || ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);

function tiles(st) {
  const active = st.faults.filter((f) => f.stop === null).length;
  const items = [
    ['workers connected', `${st.connected.length} / ${st.fleet.length}`, st.connected.length < st.fleet.length ? 'bad' : 'ok'],
    ['completed', st.completed], ['submitted', st.submitted], ['faults active', active, active > 0 ? 'bad' : ''],
    ['faults so far', st.faults.length], ['elapsed', secs(st.now)], ['seen on the wire', st.warnings.length],
    ['verdict', st.verdict === null ? 'running' : st.verdict.passed ? 'PASSED' : 'FAILED', st.verdict === null ? '' : st.verdict.passed ? 'ok' : 'bad'],
  ];
  $('tiles').replaceChildren(...items.map(([k, v, tone]) => el('div', { class: `tile ${tone ?? ''}` }, el('div', { class: 'k' }, k), el('div', { class: 'v' }, v))));
}

function chart(st) {
  const W = 1180, lane = 16, lanes = Math.max(1, st.faults.length), top = 10 + lanes * lane + 8, H = top + 200, left = 44, right = 44, bottom = 28;
  const endMs = Math.max(st.now, 1000);
  const x = (ms) => left + ((W - left - right) * ms) / endMs;
  const maxW = Math.max(1, st.fleet.length);
  const maxT = Math.max(1, ...st.series.map((p) => p[2]));
  const yW = (n) => H - bottom - ((H - bottom - top) * n) / maxW;
  const yT = (n) => H - bottom - ((H - bottom - top) * n) / maxT;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': 'timeline' });
  if (st.faultsAt !== null && st.faultsAt > 0) {
    svg.append(s('rect', { x: x(0), y: top, width: x(st.faultsAt) - x(0), height: H - bottom - top, fill: '#eaeef2', opacity: 0.6 }));
    svg.append(s('text', { x: x(st.faultsAt / 2), y: top + 16, 'text-anchor': 'middle' }, 'starting processes'));
  }
  st.faults.forEach((f, i) => {
    const y = 10 + i * lane;
    const x2 = x(f.stop ?? st.now);
    svg.append(s('rect', { x: x(f.start), y, width: Math.max(2, x2 - x(f.start)), height: lane - 3, class: 'fault', 'data-fault': f.id }));
    svg.append(s('rect', { x: x(f.start), y: top, width: Math.max(1, x2 - x(f.start)), height: H - bottom - top, fill: '#ffebe9', opacity: 0.35 }));
    // Labels of late faults end at the fault's end, so they never run off the right edge.
    const late = x(f.start) > W * 0.55;
    svg.append(s('text', { x: late ? x2 - 4 : x(f.start) + 4, y: y + lane - 6, class: 'fault-label', 'text-anchor': late ? 'end' : 'start' }, `${f.action} ${f.target}${f.workers.length ? ` · ${f.workers.length} worker(s) hit` : ''}`));
  });
  for (const p of st.series) svg.append(s('rect', { x: x(p[0] * 1000), y: yT(p[2]), width: Math.max(1, x(1000) - x(0) - 1), height: H - bottom - yT(p[2]), fill: '#aceebb' }));
  if (st.series.length > 0) svg.append(s('path', { d: st.series.map((p, i) => `${i ? 'L' : 'M'} ${x(p[0] * 1000)} ${yW(p[1])}`).join(' '), class: 'line workers' }));
  svg.append(s('line', { x1: left, x2: W - right, y1: H - bottom, y2: H - bottom, class: 'axis' }));
  const step = endMs > 60000 ? 10000 : endMs > 20000 ? 5000 : 1000;
  for (let t = 0; t <= endMs; t += step) svg.append(s('text', { x: x(t), y: H - 10, 'text-anchor': 'middle' }, `${t / 1000} s`));
  svg.append(s('text', { x: 6, y: top + 10 }, `${maxW} w`), s('text', { x: W - 6, y: top + 10, 'text-anchor': 'end' }, `${maxT}/s`));
  if (st.healAt !== null) {
    svg.append(s('line', { x1: x(st.healAt), x2: x(st.healAt), y1: 6, y2: H - bottom, class: 'heal' }));
    svg.append(s('text', { x: x(st.healAt) + 4, y: H - bottom - 6, fill: '#1a7f37' }, 'heal'));
  }
  $('chart-box').replaceChildren(svg);
}

function faultTable(st) {
  if (st.faults.length === 0) return $('fault-table').replaceChildren(el('div', { class: 'empty' }, 'no fault yet'));
  const rows = st.faults.map((f) => el('tr', { class: f.stop === null ? 'active' : undefined, 'data-fault': f.id, 'data-active': String(f.stop === null) },
    el('td', {}, f.id), el('td', {}, f.action), el('td', {}, f.target), el('td', {}, f.workers.length ? f.workers.join(', ') : '–'),
    el('td', { class: 'num' }, secs(f.start)), el('td', { class: 'num' }, f.stop === null ? pill('active', 'bad') : secs(f.stop))));
  $('fault-table').replaceChildren(el('table', {}, el('thead', {}, el('tr', {}, ['fault', 'action', 'target', 'workers hit (cut off)', 'start', 'stop'].map((h, i) => el('th', { class: i > 3 ? 'num' : undefined }, h)))), el('tbody', {}, rows)));
}

function fleet(st) {
  const up = new Set(st.connected);
  $('fleet-count').textContent = `(${st.connected.length} of ${st.fleet.length} connected)`;
  $('chips').replaceChildren(...st.fleet.map((w) => el('span', { class: `chip ${up.has(w) ? 'up' : 'down'}`, 'data-worker': w, 'data-up': String(up.has(w)) }, w)));
}

function verdict(st) {
  if (st.verdict === null) return;
  const v = st.verdict;
  $('verdict-box').replaceChildren(
    el('div', { class: `verdict-banner ${v.passed ? 'ok' : 'bad'}` }, v.passed ? 'PASSED' : 'FAILED', el('span', { class: 'muted' }, v.passed ? 'every checked promise held' : `${v.violations.length} violation(s)`)),
    ...v.violations.map((x) => el('div', { class: 'violation' }, el('b', {}, `promise ${x.promise} · ${x.name}`), el('div', {}, x.message))),
    ...(v.report ? [el('p', {}, 'report: ', el('code', {}, `${v.report}/index.html`))] : []),
  );
}

function early(st) {
  if (st.safety) $('safety-note').textContent = `(checked mid-run: ${st.safety.promises.join(', ') || 'none'}; ${st.safety.stats.checks} check(s), max ${Math.round(st.safety.stats.maxMs)} ms; the verdict at the end is authoritative)`;
  if (st.early.length === 0) return $('violation-box').replaceChildren(el('div', { class: 'empty' }, 'none so far'));
  const rows = st.early.map((v) => el('tr', { 'data-promise': v.name },
    el('td', { class: 'num' }, secs(v.time)), el('td', {}, `${v.promise} · ${v.name}`), el('td', {}, v.executionId ?? v.workerId ?? '–'), el('td', {}, v.message)));
  $('violation-box').replaceChildren(el('table', {}, el('thead', {}, el('tr', {}, ['at', 'promise', 'on', 'what happened'].map((h, i) => el('th', { class: i === 0 ? 'num' : undefined }, h)))), el('tbody', {}, rows)));
}

function warnings(st) {
  $('warning-list').replaceChildren(...[...st.warnings].reverse().map((w) => el('li', { class: 'fault' }, el('span', { class: 't' }, secs(w.t)), w.type, w.workerId ? ` ${w.workerId}` : '', w.executionId ? ` ${w.executionId}` : '', w.detail ? ` → ${w.detail}` : '')));
}

function render(st) {
  $('scenario').textContent = `· ${st.scenario}`;
  $('description').textContent = st.description;
  $('phase').className = `pill ${st.phase === 'faults' ? 'bad' : st.phase === 'heal' ? 'warn' : st.phase === 'checked' ? (st.verdict?.passed ? 'ok' : 'bad') : 'info'}`;
  $('phase').textContent = st.phase === 'checked' ? 'done' : st.phase;
  tiles(st); chart(st); faultTable(st); fleet(st); early(st); verdict(st); warnings(st);
  document.body.dataset.updates = String(Number(document.body.dataset.updates ?? 0) + 1);
  document.body.dataset.phase = st.phase;
}

function start() {
  $('login').hidden = true;
  followEvents('/ui/events', (name, data) => name === 'update' && render(data), (state, status) => {
    $('conn').className = `pill ${state}`;
    $('conn').textContent = state === 'denied' ? `denied (${status})` : state;
    if (state === 'denied') $('login').hidden = false;
  });
}
$('login-form').addEventListener('submit', (e) => { e.preventDefault(); setToken($('token').value.trim()); start(); });
start();
