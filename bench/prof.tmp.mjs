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
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
const entry = process.argv[2] || 'bank-link';
await cdp.send('Profiler.start');
await page.goto(`${O}/?entry=${entry}&mode=ops&iters=${process.argv[3]||3000}&warmup=100&foreign=0&nonce=1`);
await page.waitForFunction(() => window.__result || window.__error, null, { timeout: 600000 });
const { profile } = await cdp.send('Profiler.stop');
const r = await page.evaluate(() => window.__result || window.__error);
const med = a => { const s=[...a].sort((x,y)=>x-y); return s[s.length>>1]; };
console.log('start med', med(r.start), 'cb med', med(r.callback));
// self time per function
const byId = new Map(profile.nodes.map(n => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas; let total=0;
profile.samples.forEach((id, i) => { const n = byId.get(id); const k = n.callFrame.functionName + ' ' + (n.callFrame.url.split('/').pop()) + ':' + n.callFrame.lineNumber; self.set(k, (self.get(k)||0) + dt[i]); total+=dt[i]; });
const CATS = {}; for (const [k, v] of self) { const c = k.includes('.wasm') ? 'wasm' : k.includes('entry.js') ? 'glue' : k.includes('runner.js') ? 'runner' : k.split(' ')[0]; CATS[c] = (CATS[c] || 0) + v; }
console.log(Object.entries(CATS).sort((a,b)=>b[1]-a[1]).slice(0,8).map(([k,v]) => k + ' ' + (v/1000).toFixed(0) + 'ms').join('  '), 'total', (total/1000).toFixed(0));
const rows = [...self].sort((a,b)=>b[1]-a[1]).slice(0, 40);
for (const [k,v] of rows) console.log((v/1000).toFixed(1).padStart(8), (100*v/total).toFixed(1).padStart(5)+'%', k);
await b.close(); server.close();
