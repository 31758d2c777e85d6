import { chromium } from 'playwright-core';
import http from 'node:http'; import fs from 'node:fs'; import path from 'node:path';
const ROOT = '/work/main/bench';
const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const server = http.createServer((req, res) => {
  const u = new URL(req.url, 'http://x'); const rel = (u.pathname === '/' || u.pathname === '/callback') ? '/harness/page.html' : u.pathname;
  const f = path.join(ROOT, rel); if (!fs.existsSync(f)) { res.writeHead(404); return res.end(); }
  res.writeHead(200, { 'Content-Type': MIME[path.extname(f)] || 'application/octet-stream', 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' });
  res.end(fs.readFileSync(f));
});
await new Promise(r => server.listen(0, '127.0.0.1', r));
const O = `http://127.0.0.1:${server.address().port}`;
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await b.newPage();
await page.addInitScript(() => { for (const m of ["setItem","getItem","removeItem"]) { const o = Storage.prototype[m]; const ds = []; Storage.prototype[m] = function (...a) { const t = performance.now(); try { return o.apply(this, a); } finally { ds.push(performance.now() - t); } }; window["__" + m] = () => { const s = [...ds].sort((x, y) => x - y); return [s[s.length >> 1], s[Math.floor(s.length * 0.9)], ds.reduce((a, b) => a + b, 0) / ds.length, ds.length]; }; } });
const cdp = await page.context().newCDPSession(page);

const entry = process.argv[2] || 'bank-link';

await page.goto(`${O}/?entry=${entry}&mode=ops&iters=${process.argv[3]||3000}&warmup=100&foreign=0&nonce=1`);
await page.waitForFunction(() => window.__result || window.__error, null, { timeout: 600000 });

const r = await page.evaluate(() => window.__result || window.__error);
const med = a => { const s=[...a].sort((x,y)=>x-y); return s[s.length>>1]; };
console.log('start med', med(r.start), 'cb med', med(r.callback));
console.log(await page.evaluate(() => ["setItem","getItem","removeItem"].map(m => m + " " + JSON.stringify(window["__"+m]().map(x => Math.round(x * 1000))))));
await b.close(); server.close();
