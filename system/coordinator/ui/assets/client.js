// Shared browser helpers of squall's dashboards (coordinator /ui and the
// live-run UI): the bearer token the user typed (sessionStorage only, never a
// cookie), fetch with it in the Authorization header, and a server-sent-events
// reader built on fetch (EventSource cannot send headers, and a token in the
// URL would end up in logs). Plain ES module, no build step.

const TOKEN_KEY = 'squall.token';

/** The token of this tab, or '' (auth off). */
export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** An error carrying the HTTP status (401/403 open the sign-in form). */
export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function headers() {
  const t = getToken();
  return t ? { authorization: `Bearer ${t}`, accept: 'application/json' } : { accept: 'application/json' };
}

/** GET a JSON document with the token; throws HttpError on a non-2xx answer. */
export async function getJson(path) {
  const res = await fetch(path, { headers: headers(), credentials: 'omit', cache: 'no-store' });
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!res.ok) throw new HttpError(res.status, body?.error?.message ?? `${res.status} ${res.statusText}`);
  return body;
}

/**
 * Follows a text/event-stream at `path` with the token in a header; calls
 * onEvent(name, data) per event and onState('live' | 'reconnecting' | 'denied').
 * Reconnects after a drop (2 s, the server's retry). Returns stop().
 */
export function followEvents(path, onEvent, onState) {
  let stopped = false;
  let ctrl = null;
  const run = async () => {
    while (!stopped) {
      ctrl = new AbortController();
      try {
        const res = await fetch(path, { headers: { ...headers(), accept: 'text/event-stream' }, credentials: 'omit', cache: 'no-store', signal: ctrl.signal });
        if (res.status === 401 || res.status === 403) { onState('denied', res.status); return; }
        if (!res.ok || !res.body) throw new Error(`${res.status}`);
        onState('live');
        await readStream(res.body, onEvent);
      } catch {
        if (stopped) return;
      }
      if (stopped) return;
      onState('reconnecting');
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  void run();
  return () => { stopped = true; ctrl?.abort(); };
}

async function readStream(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) {
        try { onEvent(name, JSON.parse(data.join('\n'))); } catch (err) { console.warn('bad event', err); }
      }
    }
  }
}

/** Builds an element: el('td', {class: 'num'}, 'text', child, ...). Text is never parsed as HTML. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** Milliseconds for people. */
export function fmtMs(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (v < 1) return `${Math.round(v * 1000)} µs`;
  if (v < 100) return `${v.toFixed(1)} ms`;
  if (v < 10000) return `${Math.round(v)} ms`;
  return `${(v / 1000).toFixed(1)} s`;
}

/** "12 s ago" from an epoch-ms stamp and the server's now. */
export function ago(at, now) {
  if (at === null || at === undefined) return '–';
  const s = Math.max(0, Math.round((now - at) / 1000));
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

/** A status pill. */
export function pill(text, tone) {
  return el('span', { class: `pill ${tone ?? text}` }, text);
}
