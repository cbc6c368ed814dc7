// swarmchain explorer: core (RPC client, safe DOM helpers, formatting, input checks, router).
// Plain ES2020, no modules, no library. Loaded first; views.js and charts.js add to `SC`.
//
// Security: everything the node sends is untrusted (operator data: IPs, addresses, reasons).
// The DOM is built only with createElement / createElementNS and text nodes (el(), svg());
// nothing here assigns innerHTML, outerHTML or insertAdjacentHTML, and no href is built from
// node data except after a strict check (hex keys, decimal heights).
'use strict';

const SC = (window.SC = {});

// ---------------------------------------------------------------------------------------------
// JSON-RPC

class RpcError extends Error {
  constructor(method, code, message, data) {
    super(message);
    this.method = method;
    this.code = code;
    this.data = data;
  }
}
SC.RpcError = RpcError;

// JSON.parse turns integers above 2^53 into inexact doubles (swarm ids, large amounts). Before
// parsing, wrap every integer token of 16 or more digits (outside strings) in quotes, so such a
// value arrives as its exact decimal string. Formatting helpers accept numbers or strings.
function parseJsonExact(text) {
  let out = null;
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;            // backslash: skip the escaped char
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) { inString = true; continue; }
    if ((c >= 48 && c <= 57) || c === 45) {
      let j = i + 1;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if ((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45) j++;
        else break;
      }
      const tok = text.slice(i, j);
      if (/^-?\d{16,}$/.test(tok)) {
        if (out === null) out = [];
        out.push(text.slice(last, i), '"', tok, '"');
        last = j;
      }
      i = j - 1;
    }
  }
  if (out === null) return JSON.parse(text);
  out.push(text.slice(last));
  return JSON.parse(out.join(''));
}
SC.parseJsonExact = parseJsonExact;

let rpcId = 0;
// Calls a public method. Resolves with `result`; rejects with an RpcError (code, message) for a
// JSON-RPC error, or an Error for a network or HTTP failure. Never sends credentials.
async function rpc(method, params) {
  const body = { jsonrpc: '2.0', id: ++rpcId, method };
  if (params !== undefined) body.params = params;
  let resp;
  try {
    resp = await fetch('/json_rpc', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    throw new Error('cannot reach the node (' + method + '): ' + e.message);
  }
  const text = await resp.text();
  let reply;
  try {
    reply = parseJsonExact(text);
  } catch (e) {
    throw new Error(method + ': HTTP ' + resp.status + ', not a JSON-RPC answer');
  }
  if (reply && reply.error) {
    const err = reply.error;
    let msg = String(err.message);
    if (err.code === -32601)
      msg = 'this node does not serve ' + method + ' (-32601: ' + msg + ')';
    throw new RpcError(method, err.code, msg, err.data);
  }
  if (!reply || !('result' in reply)) throw new Error(method + ': HTTP ' + resp.status + ', no result');
  return reply.result;
}
SC.rpc = rpc;

// ---------------------------------------------------------------------------------------------
// DOM helpers: text only, never HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

function append(node, kids) {
  for (const k of kids) {
    if (k === null || k === undefined || k === false) continue;
    if (Array.isArray(k)) append(node, k);
    else if (k instanceof Node) node.appendChild(k);
    else node.appendChild(document.createTextNode(String(k)));
  }
  return node;
}

function setAttrs(node, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') node.textContent = String(v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'href') node.setAttribute('href', safeHref(String(v)));
    else node.setAttribute(k, v === true ? '' : String(v));
  }
}

// Only fragment links to our own views and nothing else (no javascript: or external URLs).
function safeHref(h) {
  return /^#\/[A-Za-z0-9/?=&%._-]*$/.test(h) ? h : '#/';
}

// el('td', {class: 'mono', title: x}, 'text', childNode, [more])
function el(tag, attrs, ...kids) {
  const n = document.createElement(tag);
  setAttrs(n, attrs);
  return append(n, kids);
}
function svg(tag, attrs, ...kids) {
  const n = document.createElementNS(SVG_NS, tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'href') n.setAttribute('href', safeHref(String(v)));
      else n.setAttribute(k, String(v));
    }
  }
  return append(n, kids);
}
function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}
SC.el = el;
SC.svg = svg;
SC.clear = clear;

function errorBox(msg) {
  return el('div', { class: 'error', role: 'alert' }, String(msg));
}
function noteBox(msg) {
  return el('div', { class: 'note' }, String(msg));
}
// The message of any failure, for the page (an RPC error shows its message and code).
function errText(e) {
  if (e instanceof RpcError) return e.method + ': ' + e.message + (e.code === -32601 ? '' : ' (' + e.code + ')');
  return (e && e.message) ? e.message : String(e);
}
SC.errorBox = errorBox;
SC.noteBox = noteBox;
SC.errText = errText;

// ---------------------------------------------------------------------------------------------
// Formatting

const ATOMIC = 1000000000n;
function toBig(v) {
  if (v === null || v === undefined || v === '') return null;
  try { return BigInt(typeof v === 'number' ? Math.trunc(v) : String(v)); } catch (e) { return null; }
}
// Atomic units -> "1,234.5 coin" (exact, BigInt).
function fmtCoins(v, withUnit = true) {
  const b = toBig(v);
  if (b === null) return '—';
  const neg = b < 0n;
  const a = neg ? -b : b;
  const whole = (a / ATOMIC).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  let frac = (a % ATOMIC).toString().padStart(9, '0').replace(/0+$/, '');
  return (neg ? '-' : '') + whole + (frac ? '.' + frac : '') + (withUnit ? ' coin' : '');
}
function fmtInt(v) {
  const b = toBig(v);
  if (b === null) return '—';
  return b.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
function fmtMs(ms) {
  if (ms === null || ms === undefined || !isFinite(Number(ms))) return '—';
  const n = Number(ms);
  if (n < 1000) return Math.round(n) + ' ms';
  if (n < 60000) return (n / 1000).toFixed(n < 10000 ? 2 : 1) + ' s';
  return fmtDuration(n / 1000);
}
function fmtDuration(s) {
  s = Math.max(0, Math.round(Number(s)));
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
}
function fmtTime(ms) {
  const n = Number(ms);
  if (!isFinite(n) || n <= 0) return '—';
  return new Date(n).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}
function fmtAgo(ms) {
  const n = Number(ms);
  if (!isFinite(n) || n <= 0) return 'never';
  const d = Date.now() - n;
  return d < 0 ? 'just now' : fmtDuration(d / 1000) + ' ago';
}
function fmtBps(bps) {
  const n = Number(bps);
  if (!isFinite(n)) return '—';
  return (n / 100).toFixed(2).replace(/\.?0+$/, '') + ' %';
}
SC.fmt = { coins: fmtCoins, int: fmtInt, ms: fmtMs, duration: fmtDuration, time: fmtTime, ago: fmtAgo, bps: fmtBps, toBig };

// A long hex value shortened, full value in the title, monospace.
function hashSpan(h, head = 10, tail = 6) {
  const s = String(h === null || h === undefined ? '' : h);
  if (!s) return el('span', { class: 'mono' }, '—');
  const short = s.length > head + tail + 1 ? s.slice(0, head) + '…' + s.slice(-tail) : s;
  return el('span', { class: 'mono hash', title: s }, short);
}
function nodeLink(pk, head, tail) {
  if (!isHex(pk, 64)) return hashSpan(pk, head, tail);
  return el('a', { href: '#/node/' + pk.toLowerCase(), class: 'mono hash', title: pk }, shortText(pk, head, tail));
}
function blockLink(h) {
  if (!isHeight(String(h))) return el('span', null, String(h));
  return el('a', { href: '#/block/' + String(h) }, String(h));
}
function swarmLink(hex) {
  if (!isHex(hex, 16)) return el('span', { class: 'muted' }, '—');
  if (hex.toLowerCase() === 'ffffffffffffffff') return el('span', { class: 'muted', title: 'in no swarm' }, 'none');
  return el('a', { href: '#/swarm/' + hex.toLowerCase(), class: 'mono' }, hex.toLowerCase());
}
function shortText(s, head = 10, tail = 6) {
  s = String(s);
  return s.length > head + tail + 1 ? s.slice(0, head) + '…' + s.slice(-tail) : s;
}
SC.hashSpan = hashSpan;
SC.nodeLink = nodeLink;
SC.blockLink = blockLink;
SC.swarmLink = swarmLink;
SC.shortText = shortText;

// A two-column table of label -> value (value: string or node).
function kvTable(rows, cls) {
  const t = el('table', { class: 'kv' + (cls ? ' ' + cls : '') });
  const tb = el('tbody');
  for (const [k, v] of rows) {
    if (v === undefined) continue;
    tb.appendChild(el('tr', null, el('th', { scope: 'row' }, k), el('td', null, v === null ? '—' : v)));
  }
  t.appendChild(tb);
  return t;
}
SC.kvTable = kvTable;

function stateBadge(state) {
  const s = String(state || 'unknown');
  const known = ['active', 'awaiting', 'decommissioned', 'deregistered'];
  return el('span', { class: 'badge state-' + (known.includes(s) ? s : 'unknown') }, s);
}
SC.stateBadge = stateBadge;

// ---------------------------------------------------------------------------------------------
// Input checks (URL fragment parameters and the search box).

const U64_MAX = (1n << 64n) - 1n;
function isHeight(s) {
  if (typeof s !== 'string' || !/^\d{1,20}$/.test(s)) return false;
  return BigInt(s) <= U64_MAX;
}
function isHex(s, n) {
  return typeof s === 'string' && s.length === n && /^[0-9a-fA-F]+$/.test(s);
}
function isSessionId(s) {
  return typeof s === 'string' && (/^05[0-9a-fA-F]{64}$/.test(s) || /^[0-9a-fA-F]{64}$/.test(s));
}
SC.check = { isHeight, isHex, isSessionId, U64_MAX };

// ---------------------------------------------------------------------------------------------
// Router: "#/name/arg?k=v&k=v"

function parseHash() {
  let h = location.hash || '';
  if (h.startsWith('#')) h = h.slice(1);
  if (!h.startsWith('/')) h = '/' + h;
  const qi = h.indexOf('?');
  const path = qi < 0 ? h : h.slice(0, qi);
  const query = {};
  if (qi >= 0) {
    for (const part of h.slice(qi + 1).split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const k = eq < 0 ? part : part.slice(0, eq);
      let v = eq < 0 ? '' : part.slice(eq + 1);
      try { v = decodeURIComponent(v.replace(/\+/g, ' ')); } catch (e) { v = '\u0000bad'; }
      try { query[decodeURIComponent(k)] = v; } catch (e) { /* ignore a bad key */ }
    }
  }
  const parts = path.split('/').filter((p) => p !== '');
  return { name: parts[0] || '', arg: parts.length > 1 ? parts.slice(1).join('/') : null, query, parts };
}
SC.parseHash = parseHash;

function buildHash(name, query) {
  const q = Object.entries(query || {})
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(String(v)))
    .join('&');
  return '#/' + name + (q ? '?' + q : '');
}
SC.buildHash = buildHash;

// Views register here: SC.views[name] = {title, nav, render(root, route, ctx)}.
SC.views = {};

let renderToken = 0;
let pollTimer = null;

// ctx.live(): false once the user navigated away (an async view stops touching the page).
// ctx.poll(fn, ms): run fn every ms while the view stays current.
function setReady(v) {
  document.body.dataset.ready = v ? '1' : '0';
}
SC.setReady = setReady;

async function route() {
  const token = ++renderToken;
  if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
  const r = parseHash();
  const aliases = { '': 'overview', overview: 'overview' };
  const name = aliases[r.name] || r.name;
  const main = document.getElementById('main');
  clear(main);
  const st = document.getElementById('search-status');
  if (st) clear(st);
  setReady(false);
  markNav(name);
  const view = SC.views[name];
  const ctx = {
    live: () => token === renderToken,
    poll: (fn, ms) => {
      if (token !== renderToken) return;
      if (pollTimer) clearInterval(pollTimer);
      let busy = false;
      pollTimer = setInterval(async () => {
        if (token !== renderToken || busy || document.hidden) return;
        busy = true;
        try { await fn(); } catch (e) { /* the view shows its own errors */ } finally { busy = false; }
      }, ms);
    },
  };
  if (!view) {
    const root = el('section', { id: 'view-notfound', class: 'view' },
      el('h1', null, 'Page not found'),
      errorBox('There is no page "' + r.name + '". Use the links above.'));
    main.appendChild(root);
    document.title = 'Not found · swarmchain explorer';
    setReady(true);
    return;
  }
  const root = el('section', { id: 'view-' + (view.id || name), class: 'view' });
  main.appendChild(root);
  document.title = view.title + ' · swarmchain explorer';
  try {
    await view.render(root, r, ctx);
  } catch (e) {
    if (!ctx.live()) return;
    root.appendChild(errorBox(errText(e)));
    if (window.console) console.error(e);
  }
  if (ctx.live()) setReady(true);
}
SC.route = route;

function markNav(name) {
  const navName = { block: 'blocks', node: 'nodes', swarm: 'swarms' }[name] || name;
  for (const a of document.querySelectorAll('nav a[data-view]')) {
    if (a.dataset.view === navName) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// ---------------------------------------------------------------------------------------------
// The search box: a height, a node key / block hash / txid (64 hex), a Session id, a swarm id.

async function search(raw) {
  const q = String(raw || '').trim();
  const status = document.getElementById('search-status');
  clear(status);
  const fail = (msg) => { status.appendChild(el('span', { class: 'error' }, msg)); };
  if (!q) return;
  if (isHeight(q)) { location.hash = '#/block/' + BigInt(q).toString(); return; }
  if (/^05[0-9a-fA-F]{64}$/.test(q)) { location.hash = buildHash('find', { id: q.toLowerCase() }); return; }
  if (isHex(q, 16)) { location.hash = '#/swarm/' + q.toLowerCase(); return; }
  if (isHex(q, 64)) {
    const h = q.toLowerCase();
    status.appendChild(el('span', { class: 'muted' }, 'looking up…'));
    const tries = [
      async () => { await rpc('get_service_node_status', { pubkey: h }); return '#/node/' + h; },
      async () => { const b = await rpc('get_block', { hash: h }); return '#/block/' + String(b.header.height); },
      async () => {
        const t = await rpc('get_transaction', { txid: h });
        if (t.status === 'confirmed') return '#/block/' + String(t.height);
        throw new Error('pending');
      },
    ];
    for (const t of tries) {
      try { const dest = await t(); clear(status); location.hash = dest; return; } catch (e) { /* next */ }
    }
    clear(status);
    fail('No service node, block or confirmed transaction has that hash.');
    return;
  }
  fail('Type a block height (decimal), a node key, block hash or txid (64 hex), a Session id (66 hex starting 05) or a swarm id (16 hex).');
}

document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('search-form');
  if (form) {
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      search(document.getElementById('search-input').value);
    });
  }
  window.addEventListener('hashchange', route);
  route();
});
