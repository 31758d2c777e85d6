// In-page measurement driver. Not part of any measured bundle.
// Query: entry=<name>&mode=load|ops&iters=N&warmup=N&foreign=N&nonce=X
const q = new URLSearchParams(location.search);
const entry = q.get('entry');
const mode = q.get('mode');
const nonce = q.get('nonce') || '0';
const now = () => performance.now();

const cfg = Object.freeze({
  issuer: 'https://auth.example.com/',
  authorizationEndpoint: 'https://auth.example.com/authorize',
  tokenEndpoint: 'https://auth.example.com/oauth/token',
  clientId: 'bench-client',
  redirectUri: location.origin + '/callback',
  scope: 'openid profile',
});

// Network guard: count any request a library makes (should be 0: metadata is
// inline, navigation and token requests are stubbed).
const net = { count: 0, urls: [] };
const note = (u) => { net.count++; if (net.urls.length < 5) net.urls.push(String(u)); };
const origFetch = window.fetch.bind(window);
window.fetch = (input, init) => {
  const u = typeof input === 'string' ? input : input.url || String(input);
  // the module's own .wasm (same origin /dist/) is part of loading, not network
  if (!new URL(u, location.href).pathname.startsWith('/dist/')) note(u);
  return origFetch(input, init);
};
const origOpen = XMLHttpRequest.prototype.open;
XMLHttpRequest.prototype.open = function (m, u, ...rest) { note(u); return origOpen.call(this, m, u, ...rest); };

function callbackUrlFor(authUrl, code) {
  const a = new URL(authUrl);
  const state = a.searchParams.get('state');
  const params = new URLSearchParams({ code, state });
  const sep = a.searchParams.get('response_mode') === 'fragment' ? '#' : '?';
  return (a.searchParams.get('redirect_uri') || cfg.redirectUri) + sep + params;
}

function checkAuthUrl(u) {
  if (typeof u !== 'string') throw new Error('start() did not return a URL string: ' + typeof u);
  const a = new URL(u);
  const p = a.searchParams;
  const problems = [];
  if (a.origin + a.pathname !== cfg.authorizationEndpoint) problems.push('endpoint ' + a.origin + a.pathname);
  if (p.get('response_type') !== 'code') problems.push('response_type=' + p.get('response_type'));
  if (p.get('client_id') !== cfg.clientId) problems.push('client_id');
  if (p.get('redirect_uri') !== cfg.redirectUri) problems.push('redirect_uri=' + p.get('redirect_uri'));
  if (!p.get('state')) problems.push('no state');
  if (!(p.get('scope') || '').split(' ').includes('openid')) problems.push('scope=' + p.get('scope'));
  if (problems.length) throw new Error('bad authorize URL (' + problems.join(', ') + '): ' + u);
  return { pkce: p.get('code_challenge_method') || 'none', responseMode: p.get('response_mode') || 'query' };
}

function codeOf(r) { return typeof r === 'string' ? r : r && (r.code ?? r.authorizationCode); }

// `preload=a.wasm,b.wasm`: the page as an app that preloads its wasm writes it, a
// `<link rel="preload" as="fetch" crossorigin>` per file beside the module script, so
// the wasm is fetched while the JS loads (they are added where the import starts).
const preload = (q.get('preload') || '').split(',').filter(Boolean);

async function loadMode() {
  const t0 = now();
  for (const f of preload) {
    document.head.append(Object.assign(document.createElement('link'), { rel: 'preload', as: 'fetch', crossOrigin: 'anonymous', href: `/dist/${entry}/${f}` }));
  }
  const m = await import(`/dist/${entry}/entry.js?nonce=${nonce}`);
  const t1 = now();
  await m.init(cfg);
  const t2 = now();
  const url = await m.start(cfg);
  const t3 = now();
  const cb = callbackUrlFor(url, 'cold-code');
  const t4 = now();
  const code = codeOf(await m.callback(cb));
  const t5 = now();
  checkAuthUrl(url);
  if (code !== 'cold-code') throw new Error('callback returned ' + code);
  // loopback transfer share of import/init (Resource Timing), to tell
  // transport from parse/compile/evaluate/instantiate
  const rt = performance.getEntriesByType('resource').filter((r) => new URL(r.name).pathname.startsWith(`/dist/${entry}/`));
  const fetchOf = (re) => rt.filter((r) => re.test(new URL(r.name).pathname)).reduce((a, r) => a + (r.responseEnd - r.startTime), 0);
  const wasmFetches = rt.filter((r) => /\.wasm$/.test(new URL(r.name).pathname)).length;
  return { import: t1 - t0, init: t2 - t1, start: t3 - t2, callback: t5 - t4, fetchJs: fetchOf(/\.m?js$/), fetchWasm: fetchOf(/\.wasm$/), wasmFetches, net: net.count };
}

// Timed start+callback pairs: `warmup` untimed pairs, then `iters` timed ones.
async function timedPairs(m, iters, warmup, tag) {
  const starts = new Float64Array(iters), cbs = new Float64Array(iters);
  let info;
  for (let i = -warmup; i < iters; i++) {
    const code = tag + i;
    const t0 = now();
    const url = await m.start(cfg);
    const t1 = now();
    const cb = callbackUrlFor(url, code);
    const t2 = now();
    const got = codeOf(await m.callback(cb));
    const t3 = now();
    if (i === -warmup) info = checkAuthUrl(url);
    if (got !== code) throw new Error(`${tag} iteration ${i}: callback returned ${got}, expected ${code}`);
    if (i >= 0) { starts[i] = t1 - t0; cbs[i] = t3 - t2; }
  }
  return { starts: Array.from(starts), cbs: Array.from(cbs), info };
}

// What an app of some size keeps in sessionStorage besides us: N keys of its own.
const foreignKey = (i) => `app:key:${i}`;
const foreignValue = (i) => (i.toString(16).padStart(8, '0') + '0123456789abcdef'.repeat(2)).slice(0, 40);

async function opsMode() {
  const num = (k, d) => (q.has(k) ? +q.get(k) : d); // 0 is a valid value (--warmup 0)
  const iters = num('iters', 1000);
  const warmup = num('warmup', 100);
  const foreign = num('foreign', 0);
  const m = await import(`/dist/${entry}/entry.js?nonce=${nonce}`);
  await m.init(cfg);
  // Once, before anything is timed; nothing is removed between iterations, so what a
  // library leaves behind per completed flow (markers, caches) is paid as it grows.
  sessionStorage.clear();
  const keysBefore = sessionStorage.length + localStorage.length;
  const plain = await timedPairs(m, iters, warmup, 'c');
  const keysAfter = sessionStorage.length + localStorage.length;
  // Same again with `foreign` unrelated keys in sessionStorage (then removed again):
  // a library that scans storage pays per key here. The keys must come back untouched.
  let loaded = null, foreignKeysIntact = true;
  if (foreign) {
    for (let i = 0; i < foreign; i++) sessionStorage.setItem(foreignKey(i), foreignValue(i));
    loaded = await timedPairs(m, iters, warmup, 'k');
    for (let i = 0; i < foreign; i++) {
      if (sessionStorage.getItem(foreignKey(i)) !== foreignValue(i)) foreignKeysIntact = false;
      sessionStorage.removeItem(foreignKey(i));
    }
  }
  // Negative check (after timing): a callback carrying a forged state must be rejected.
  let rejectsForgedState = false, forgedStateError = null;
  const url = await m.start(cfg);
  const forged = callbackUrlFor(url, 'evil').replace(/state=[^&#]*/, 'state=forged' + Math.random().toString(36).slice(2));
  try { const r = codeOf(await m.callback(forged)); rejectsForgedState = r !== 'evil'; }
  catch (err) { rejectsForgedState = true; forgedStateError = [err?.name, err?.code].filter(Boolean).join(' ') || String(err); }
  return {
    start: plain.starts, callback: plain.cbs, ...plain.info,
    startForeign: loaded ? loaded.starts : [], callbackForeign: loaded ? loaded.cbs : [],
    foreignKeys: foreign, foreignKeysIntact,
    storageKeysLeft: keysAfter - keysBefore, rejectsForgedState, forgedStateError,
    crossOriginIsolated: self.crossOriginIsolated, net: net.count, netUrls: net.urls,
  };
}

// Let the fresh tab settle (renderer start-up, load event) before timing, so
// the import is not racing the page's own start-up on a 2-core box.
async function settle() {
  if (document.readyState !== 'complete') await new Promise((r) => addEventListener('load', r, { once: true }));
  await new Promise((r) => setTimeout(r, 150));
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
}

settle().then(() => (mode === 'ops' ? opsMode() : loadMode())).then(
  (r) => { window.__result = r; },
  (e) => { window.__error = String(e && e.stack || e); },
);
