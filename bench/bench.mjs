#!/usr/bin/env node
// Side-by-side bench of browser OAuth2 authorization-code libraries.
// 1. bundles each entry with esbuild (minify, tree-shake, esm) and sizes
//    JS (+ .wasm) raw / gzip -9 / brotli q11;
// 2. serves everything from 127.0.0.1 (cross-origin isolated, no-store);
// 3. in headless Chromium: import+init and first start/callback over N fresh
//    page loads (round-robin across entries), then warm start/callback over
//    many iterations in one page per entry, then the same again with --foreign
//    (1000) unrelated keys in sessionStorage;
// 4. prints one table (ratios to the vanilla-state row), writes results/latest.json,
//    prints `bench: ok` and exits 0 only when every row passes its correctness checks.
//    Timings are reported, never asserted.
//
// Usage: node bench.mjs [--quick] [--loads 15] [--iters 1000] [--warmup 100]
//                       [--rounds 5] [--foreign 1000] [--only a,b]
//                       [--add name=path]... [--json file]
//   --quick  loads 3, iters 50, warmup 10, rounds 1: proves it works (CI), numbers
//            are noise; flags given explicitly still win
//   warm iterations are split over --rounds fresh pages per entry, rows interleaved
//   --add name=PATH  extra row. PATH is either
//     * a folder holding a wasm-bindgen `--target web` package (ES module +
//       .wasm) that exports startAuthorization / handleCallback (generic
//       adapter entries/_wasm-pkg.template.js is used), or a folder holding a
//       bench-entry.js adapter, or
//     * a .js/.mjs file that is itself an entry (init/start/callback).
//   Every .wasm file next to any bundled input is shipped and counted.
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.join(ROOT, 'dist');
const BUILD = path.join(ROOT, 'build');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// ---------------------------------------------------------------- arguments
const args = { loads: 15, iters: 1000, warmup: 100, rounds: 5, foreign: 1000, only: null, add: [], json: path.join(ROOT, 'results', 'latest.json'), quick: false };
if (process.argv.includes('--quick')) Object.assign(args, { loads: 3, iters: 50, warmup: 10, rounds: 1, quick: true });
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const v = () => { const x = process.argv[++i]; if (x === undefined) throw new Error(`${a} needs a value`); return x; };
  if (a === '--loads') args.loads = +v();
  else if (a === '--iters') args.iters = +v();
  else if (a === '--warmup') args.warmup = +v();
  else if (a === '--rounds') args.rounds = Math.max(1, +v());
  else if (a === '--foreign') args.foreign = Math.max(0, +v());
  else if (a === '--quick') { /* applied above, before the other flags */ }
  else if (a === '--only') args.only = v().split(',');
  else if (a === '--add') args.add.push(v());
  else if (a === '--json') args.json = path.resolve(v());
  else if (a === '-h' || a === '--help') { console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 26).join('\n')); process.exit(0); }
  else throw new Error(`unknown argument ${a}`);
}

// ---------------------------------------------------------------- entries
// name, entry file, npm package whose version is reported (null = none)
const BUILTIN = [
  { name: 'vanilla-state', file: 'entries/vanilla-state.js', pkg: null, note: 'no lib, state only' },
  { name: 'vanilla-pkce', file: 'entries/vanilla-pkce.js', pkg: null, note: 'no lib, state+PKCE' },
  { name: 'oauth4webapi', file: 'entries/oauth4webapi.js', pkg: 'oauth4webapi' },
  { name: 'oidc-client-ts', file: 'entries/oidc-client-ts.js', pkg: 'oidc-client-ts' },
  { name: 'auth0-spa-js', file: 'entries/auth0-spa-js.js', pkg: '@auth0/auth0-spa-js', popupNote: 'provider' },
  { name: 'msal-browser', file: 'entries/msal-browser.js', pkg: '@azure/msal-browser' },
];

function pkgVersion(dirOrName) {
  const p = path.isAbsolute(dirOrName) ? path.join(dirOrName, 'package.json') : path.join(ROOT, 'node_modules', dirOrName, 'package.json');
  try { return JSON.parse(fs.readFileSync(p, 'utf8')).version || '?'; } catch { return '-'; }
}

function findPkgModule(dir) {
  // wasm-bindgen/wasm-pack --target web: package.json "module"/"main", else the single .js file
  try {
    const pj = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    for (const k of ['module', 'browser', 'main']) if (typeof pj[k] === 'string') return path.join(dir, pj[k]);
  } catch {}
  const js = fs.readdirSync(dir).filter((f) => /\.m?js$/.test(f) && !f.endsWith('.d.ts') && !/snippets/.test(f));
  if (js.length === 1) return path.join(dir, js[0]);
  throw new Error(`${dir}: cannot tell which .js is the package module (add a package.json "module" field or a bench-entry.js)`);
}

// nearest folder above `dir` with a package.json, skipping the bench's own (an entry
// file under bench/entries/ reports the version of the project it measures)
function ownerPkgDir(dir) {
  for (let d = dir; ; d = path.dirname(d)) {
    if (d !== ROOT && fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return dir;
  }
}

function extraEntry(spec) {
  const eq = spec.indexOf('=');
  if (eq < 1) throw new Error(`--add expects name=path, got ${spec}`);
  const name = spec.slice(0, eq);
  const target = path.resolve(spec.slice(eq + 1));
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`bad row name ${name}`);
  if (!fs.existsSync(target)) throw new Error(`--add ${name}: ${target} does not exist`);
  if (fs.statSync(target).isFile()) return { name, file: target, pkgDir: ownerPkgDir(path.dirname(target)), note: 'custom entry' };
  const adapter = path.join(target, 'bench-entry.js');
  if (fs.existsSync(adapter)) return { name, file: adapter, pkgDir: target, note: 'bench-entry.js' };
  const mod = findPkgModule(target);
  fs.mkdirSync(BUILD, { recursive: true });
  const tpl = fs.readFileSync(path.join(ROOT, 'entries', '_wasm-pkg.template.js'), 'utf8');
  const gen = path.join(BUILD, `${name}.entry.js`);
  fs.writeFileSync(gen, tpl.replace('__BENCH_PKG__', mod.split(path.sep).join('/')));
  return { name, file: gen, pkgDir: target, note: 'wasm pkg, generic adapter' };
}

let entries = BUILTIN.map((e) => ({ ...e, file: path.join(ROOT, e.file) }));
if (args.only) entries = entries.filter((e) => args.only.includes(e.name));
entries.push(...args.add.map(extraEntry));
for (const e of entries) e.version = e.pkg ? pkgVersion(e.pkg) : e.pkgDir ? pkgVersion(e.pkgDir) : '-';

// ---------------------------------------------------------------- bundle + size
fs.rmSync(DIST, { recursive: true, force: true });
const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
const br = (b, text) => zlib.brotliCompressSync(b, { params: {
  [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
  [zlib.constants.BROTLI_PARAM_MODE]: text ? zlib.constants.BROTLI_MODE_TEXT : zlib.constants.BROTLI_MODE_GENERIC,
  [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length;

// How every measured bundle is built (the rows' entries and their popup pages).
const BUNDLE = {
  bundle: true, minify: true, treeShaking: true, format: 'esm', platform: 'browser',
  target: 'es2022', legalComments: 'none', logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  nodePaths: [path.join(ROOT, 'node_modules')],
};

for (const e of entries) {
  const outdir = path.join(DIST, e.name);
  const res = await build({ ...BUNDLE, entryPoints: [e.file], outfile: path.join(outdir, 'entry.js'), metafile: true });
  // ship every .wasm that sits next to a bundled input (wasm-bindgen loads it via new URL(..., import.meta.url))
  const dirs = new Set(Object.keys(res.metafile.inputs).map((i) => path.dirname(path.resolve(i))));
  for (const d of dirs) {
    if (d.includes(`${path.sep}node_modules${path.sep}`)) continue;
    for (const f of fs.readdirSync(d)) if (f.endsWith('.wasm')) fs.copyFileSync(path.join(d, f), path.join(outdir, f));
  }
  // every `new URL("x.wasm", import.meta.url)` left in the bundle must find its file
  // next to it, or the row would measure a failed fetch
  const js = fs.readFileSync(path.join(outdir, 'entry.js'), 'utf8');
  for (const [, ref] of js.matchAll(/new URL\(\s*["'`](?:\.\/)?([^"'`/]+\.wasm)["'`]\s*,\s*import\.meta\.url/g)) {
    if (!fs.existsSync(path.join(outdir, ref))) throw new Error(`${e.name}: the bundle loads ${ref}, which is not next to it`);
  }
  e.size = { raw: 0, gzip: 0, brotli: 0, files: [] };
  for (const f of fs.readdirSync(outdir).sort()) {
    const b = fs.readFileSync(path.join(outdir, f));
    const text = f.endsWith('.js');
    const s = { file: f, raw: b.length, gzip: gz(b), brotli: br(b, text) };
    e.size.files.push(s);
    e.size.raw += s.raw; e.size.gzip += s.gzip; e.size.brotli += s.brotli;
  }
}

// A popup flow's callback page: entries/popup/NAME.js beside an entry file NAME.js, bundled
// the same way, where only its static imports count (a dynamic import is left out, as a
// page loads it only when it runs). Without one, the row has no popup flow ('-'), or
// `popupNote` says why nothing of the app's loads ('provider': auth0's web_message mode,
// whose page the authorization server serves).
const dynamicExternal = { name: 'dynamic-external', setup(b) {
  b.onResolve({ filter: /.*/ }, (a) => (a.kind === 'dynamic-import' ? { path: a.path, external: true } : undefined));
} };
for (const e of entries) {
  const page = path.join(path.dirname(e.file), 'popup', path.basename(e.file));
  if (!fs.existsSync(page)) continue;
  const outfile = path.join(DIST, e.name, 'popup', 'page.js');
  await build({ ...BUNDLE, entryPoints: [page], outfile, plugins: [dynamicExternal] });
  const b = fs.readFileSync(outfile);
  e.popupPage = { raw: b.length, brotli: br(b, true) };
}

// ---------------------------------------------------------------- server
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = http.createServer({ noDelay: true, keepAlive: true }, (req, res) => {
  const u = new URL(req.url, 'http://127.0.0.1');
  let rel = u.pathname === '/' || u.pathname === '/callback' ? '/harness/page.html' : u.pathname;
  const file = path.normalize(path.join(ROOT, rel));
  const allowed = [path.join(ROOT, 'harness') + path.sep, DIST + path.sep].some((p) => file.startsWith(p));
  const headers = {
    'Cache-Control': 'no-store',
    // cross-origin isolation => performance.now() resolution 5 us instead of 100 us
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
  };
  if (req.method !== 'GET' || !allowed || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, headers); res.end(); return;
  }
  const body = fs.readFileSync(file);
  res.writeHead(200, { ...headers, 'Content-Type': MIME[path.extname(file)] || 'application/octet-stream', 'Content-Length': body.length });
  res.end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const ORIGIN = `http://127.0.0.1:${server.address().port}`;

// ---------------------------------------------------------------- browser
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oauth-bench-chromium-'));
const ctx = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const browserVersion = ctx.browser()?.version() ?? (await (async () => { const p = await ctx.newPage(); const v = await p.evaluate(() => navigator.userAgent); await p.close(); return v.match(/Chrome\/([\d.]+)/)?.[1]; })());

let nonce = 0;
async function runPage(e, mode, extra = '', timeout = 120_000) {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  try {
    await page.goto(`${ORIGIN}/?entry=${encodeURIComponent(e.name)}&mode=${mode}&nonce=${++nonce}${extra}`);
    await page.waitForFunction(() => window.__result || window.__error, null, { timeout, polling: 50 });
    const { result, error } = await page.evaluate(() => ({ result: window.__result, error: window.__error }));
    if (error) throw new Error(error);
    return result;
  } catch (err) {
    throw new Error(`${e.name} (${mode}): ${err.message}${errors.length ? '\n' + errors.join('\n') : ''}`);
  } finally {
    await page.close();
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN; };
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

try {
  for (const e of entries) e.failed = null;
  // Load phase: one throw-away round, then N rounds, entries interleaved so
  // drift (thermal, background) hits every row alike.
  for (const e of entries) { try { await runPage(e, 'load'); } catch (err) { e.failed = err.message; } }
  for (const e of entries) e.loads = [];
  for (let r = 0; r < args.loads; r++) {
    for (const e of entries) {
      if (e.failed) continue;
      try { e.loads.push(await runPage(e, 'load')); } catch (err) { e.failed = err.message; }
      // A row with a .wasm is loaded a second time as a page that preloads it.
      const wasm = e.size.files.filter((f) => f.file.endsWith('.wasm')).map((f) => f.file);
      if (wasm.length && !e.failed) {
        try { (e.preloaded ??= []).push(await runPage(e, 'load', `&preload=${wasm.join(',')}`)); } catch (err) { e.failed = err.message; }
      }
    }
    process.stderr.write(`\rload round ${r + 1}/${args.loads}`);
  }
  process.stderr.write('\n');
  // Ops phase: --rounds fresh pages per entry (rows interleaved), each with
  // warm-up then its share of the timed iterations; samples pooled.
  const per = Math.ceil(args.iters / args.rounds);
  for (let r = 0; r < args.rounds; r++) {
    for (const e of entries) {
      if (e.failed) continue;
      try {
        const o = await runPage(e, 'ops', `&iters=${per}&warmup=${args.warmup}&foreign=${args.foreign}`, 600_000);
        if (!e.ops) e.ops = { ...o, start: [], callback: [], startForeign: [], callbackForeign: [], net: 0, storageKeysLeft: 0 };
        e.ops.start.push(...o.start); e.ops.callback.push(...o.callback);
        e.ops.startForeign.push(...o.startForeign); e.ops.callbackForeign.push(...o.callbackForeign);
        e.ops.net += o.net; e.ops.storageKeysLeft = Math.max(e.ops.storageKeysLeft, o.storageKeysLeft);
        e.ops.rejectsForgedState = e.ops.rejectsForgedState && o.rejectsForgedState;
        e.ops.foreignKeysIntact = e.ops.foreignKeysIntact && o.foreignKeysIntact;
      } catch (err) { e.failed = err.message; }
    }
    process.stderr.write(`\rops round ${r + 1}/${args.rounds}`);
  }
  process.stderr.write('\n');
} finally {
  await ctx.close();
  server.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- report
const kb = (n) => (n / 1024).toFixed(1);
const ms = (n) => n.toFixed(2);
const us = (n) => (n * 1000).toFixed(n * 1000 < 100 ? 1 : 0);
const stat = (xs) => ({ median: median(xs), mean: mean(xs), p90: pct(xs, 0.9), n: xs.length });
const ratio = (a, b) => (b > 0 && Number.isFinite(a / b) ? a / b : null);
const times = (r) => (r === null ? '' : `×${r.toFixed(r >= 9.95 ? 0 : 1)}`);
const cell = (v, r) => (r === null ? v : `${v} ${times(r)}`);
const keysLabel = args.foreign % 1000 === 0 ? `${args.foreign / 1000}k keys` : `${args.foreign} keys`;
const out = {
  date: new Date().toISOString(), chromium: browserVersion, node: process.version, host: `${os.cpus()[0]?.model} x${os.cpus().length}`,
  args: { loads: args.loads, iters: args.iters, warmup: args.warmup, rounds: args.rounds, foreign: args.foreign, quick: args.quick },
  baseline: 'vanilla-state', entries: [],
};
for (const e of entries) {
  const rec = { name: e.name, version: e.version, note: e.note, size: e.size, popupPage: e.popupPage ?? e.popupNote ?? null, failed: e.failed };
  if (!e.failed) {
    const L = e.loads;
    rec.load = Object.fromEntries(['import', 'init', 'start', 'callback', 'fetchJs', 'fetchWasm'].map((k) => [k, { median: median(L.map((x) => x[k])), p90: pct(L.map((x) => x[k]), 0.9) }]));
    rec.load.importPlusInit = { median: median(L.map((x) => x.import + x.init)) };
    rec.load.transfer = { median: median(L.map((x) => x.fetchJs + x.fetchWasm)) };
    if (e.preloaded) {
      const P = e.preloaded;
      rec.load.preloaded = { importPlusInit: { median: median(P.map((x) => x.import + x.init)) }, wasmFetches: Math.max(...P.map((x) => x.wasmFetches)) };
    }
    const O = e.ops;
    rec.ops = {
      start: stat(O.start), callback: stat(O.callback),
      startForeign: args.foreign ? stat(O.startForeign) : null, callbackForeign: args.foreign ? stat(O.callbackForeign) : null,
      foreignKeys: args.foreign, foreignKeysIntact: O.foreignKeysIntact,
      pkce: O.pkce, responseMode: O.responseMode, storageKeysLeft: O.storageKeysLeft,
      rejectsForgedState: O.rejectsForgedState, forgedStateError: O.forgedStateError, crossOriginIsolated: O.crossOriginIsolated,
      networkRequests: O.net + L.reduce((a, x) => a + x.net, 0),
    };
  }
  // correctness only (the authorize URL and the code round trip are checked in the page:
  // a mismatch there fails the row); timings are never asserted
  const problems = e.failed ? ['failed'] : [
    !rec.ops.rejectsForgedState && 'FORGED STATE ACCEPTED',
    rec.ops.networkRequests && `NET x${rec.ops.networkRequests}`,
    !rec.ops.foreignKeysIntact && 'FOREIGN KEYS CHANGED',
  ].filter(Boolean);
  rec.checks = { ok: problems.length === 0, problems };
  out.entries.push(rec);
}

// ratios: sizes and import+init to the baseline row; warm times to the baseline row and,
// for the N-keys columns, to the same row without keys. Medians, as displayed: means
// here are dominated by GC pauses (often 2x the median). With the 5 us timer grain a
// ratio against a 15 us median is coarse (+-1/3); a 0 us median gives no ratio.
const base = out.entries.find((r) => r.name === out.baseline && !r.failed);
const W = (r, k) => r.ops[k].median;
for (const r of out.entries) {
  if (r.failed) continue;
  r.ratios = {
    toBaseline: base ? {
      raw: ratio(r.size.raw, base.size.raw), gzip: ratio(r.size.gzip, base.size.gzip), brotli: ratio(r.size.brotli, base.size.brotli),
      importPlusInit: ratio(r.load.importPlusInit.median, base.load.importPlusInit.median),
      start: ratio(W(r, 'start'), W(base, 'start')), callback: ratio(W(r, 'callback'), W(base, 'callback')),
    } : null,
    foreignToPlain: args.foreign ? { start: ratio(W(r, 'startForeign'), W(r, 'start')), callback: ratio(W(r, 'callbackForeign'), W(r, 'callback')) } : null,
  };
}

const popupCell = (p) => (p === null ? '-' : typeof p === 'string' ? p : (p.brotli / 1024).toFixed(2));
const rows = out.entries.map((r) => {
  if (r.failed) return [r.name, r.version, kb(r.size.raw), kb(r.size.gzip), kb(r.size.brotli), popupCell(r.popupPage), '', '', '', '', '', '', '', 'FAILED (below)'];
  const b = r.ratios.toBaseline || {}, f = r.ratios.foreignToPlain || {};
  const warm = (s, rt) => cell(`${us(s.median)}/${us(s.mean)}`, rt ?? null);
  return [r.name, r.version, kb(r.size.raw), kb(r.size.gzip), cell(kb(r.size.brotli), b.brotli ?? null), popupCell(r.popupPage),
    cell(ms(r.load.importPlusInit.median), b.importPlusInit ?? null),
    ms(r.load.start.median), ms(r.load.callback.median),
    warm(r.ops.start, b.start), warm(r.ops.callback, b.callback),
    args.foreign ? warm(r.ops.startForeign, f.start) : '-', args.foreign ? warm(r.ops.callbackForeign, f.callback) : '-',
    [r.ops.pkce === 'S256' ? 'pkce' : 'no-pkce', ...r.checks.problems,
      r.ops.storageKeysLeft ? `${r.ops.storageKeysLeft} keys left` : '', r.checks.ok ? 'ok' : ''].filter(Boolean).join(', ')];
});
const head = ['entry', 'version', 'raw KiB', 'gzip KiB', 'br KiB', 'popup page br KiB', 'imp+init ms', '1st start ms', '1st cb ms',
  'start µs med/mean', 'cb µs med/mean', `start µs ${keysLabel}`, `cb µs ${keysLabel}`, 'checks'];
const all = [head, ...rows];
const w = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
const line = (r) => '| ' + head.map((_, i) => (r[i] ?? '').padEnd(w[i])).join(' | ') + ' |';
console.log(`\n${args.quick ? 'QUICK MODE (proves it runs; numbers are noise). ' : ''}Chromium ${browserVersion} headless, ${out.host}, node ${process.version}; ` +
  `${args.loads} page loads/entry (medians), ${Math.ceil(args.iters / args.rounds) * args.rounds} warm iterations/entry in ${args.rounds} pages, ${args.warmup} warm-up each (median / mean); ` +
  `timer resolution ${entries.some((e) => e.ops?.crossOriginIsolated) ? '5 us (cross-origin isolated)' : '100 us'}`);
console.log(line(head));
console.log('|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|');
for (const r of rows) console.log(line(r));
for (const e of entries) if (e.failed) console.log(`\nFAILED ${e.name}: ${e.failed}`);
console.log(`\n×: br KiB, imp+init and warm start/cb against the ${out.baseline} row${base ? '' : ' (not in this run: no ratios)'}; ${keysLabel} columns against the same row without keys; all ratios are of medians.`);
console.log('checks (correctness, decide the exit status): authorize URL (response_type=code, client_id, redirect_uri, state, scope) and the code round trip on every call,');
console.log('      a forged state rejected, no network request, the foreign keys left as they were. "N keys left" (storage a row keeps after N flows) is information.');
console.log('sizes: esbuild --bundle --minify --format=esm --tree-shaking, legal comments dropped; gzip level 9, brotli q11; JS + any .wasm summed.');
console.log('popup page: what a popup flow\'s callback page loads (entries/popup/*.js, its static imports only); "provider": the authorization');
console.log('      server serves that page (auth0 web_message); "-": the row has no popup flow.');
console.log('load: fresh tab, no-store (no HTTP/V8 code cache); imp+init = dynamic import() of the bundle from 127.0.0.1 + library set-up (for a wasm');
console.log('      row the fetch/compile/instantiate of the .wasm, in its top-level await or init()); 1st start/cb = first calls after that in the tab.');
for (const r of out.entries.filter((r) => r.load?.preloaded)) {
  const p = r.load.preloaded;
  console.log(`preload: ${r.name} imp+init ${ms(p.importPlusInit.median)} ms with <link rel="preload" as="fetch" crossorigin> for its .wasm, ` +
    `${ms(r.load.importPlusInit.median)} ms without (same rounds)${p.wasmFetches > 1 ? `; the .wasm was fetched ${p.wasmFetches} times: the preload was not used` : ''}`);
}
console.log(`warm: per-call times in one page, navigation and token requests stubbed, nothing removed between iterations; then again with ${args.foreign}`);
console.log('      foreign keys (app:key:N -> 40 chars) in sessionStorage, removed afterwards. See entries/*.js for what each row calls.');
fs.mkdirSync(path.dirname(args.json), { recursive: true });
fs.writeFileSync(args.json, JSON.stringify(out, null, 2));
console.log(`details: ${path.relative(process.cwd(), args.json) || args.json}`);
const bad = out.entries.filter((r) => !r.checks.ok);
if (bad.length) {
  console.log(`bench: FAILED checks: ${bad.map((r) => `${r.name} (${r.checks.problems.join(', ')})`).join('; ')}`);
  process.exitCode = 1;
} else {
  console.log('bench: ok');
}
