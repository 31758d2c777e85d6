import { chromium } from 'playwright-core';
import http from 'node:http'; import fs from 'node:fs'; import path from 'node:path';
const ROOT = '/work/main/bench';
const server = http.createServer((req, res) => {
  const u = new URL(req.url, 'http://x'); const rel = u.pathname === '/' ? '/harness/page.html' : u.pathname;
  const f = path.join(ROOT, rel); if (!fs.existsSync(f)) { res.writeHead(404); return res.end(); }
  const ct = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' }[path.extname(f)] || 'application/octet-stream';
  res.writeHead(200, { 'Content-Type': ct, 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' });
  res.end(fs.readFileSync(f));
});
await new Promise(r => server.listen(0, '127.0.0.1', r));
const O = `http://127.0.0.1:${server.address().port}`;
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const rows = [];
for (let i = 0; i < 9; i++) {
  const ctx = await b.newContext(); const page = await ctx.newPage();

  await page.goto(`${O}/`);
  const r = await page.evaluate(async () => {
    const t = [performance.now()];
    const resp = await fetch('/dist/bank-link/bank_link_bg.wasm?x=' + Math.random()); t.push(performance.now());
    const bytes = await resp.arrayBuffer(); t.push(performance.now());
    const mod = await WebAssembly.compile(bytes); t.push(performance.now());
    const t4 = performance.now();
    await import('/dist/bank-link/entry.js?n=' + Math.random()); t.push(performance.now());
    const v0 = performance.now(); await import('/dist/vanilla-state/entry.js?n=' + Math.random()); const v1 = performance.now();
    return { fetchHdr: t[1]-t[0], body: t[2]-t[1], compile: t[3]-t[2], fullImport: t[4]-t4, vanilla: v1 - v0 };
  });
  rows.push(r); await ctx.close();
}
const med = k => { const s = rows.map(r => r[k]).sort((a,b)=>a-b); return s[s.length>>1].toFixed(2); };
console.log(Object.keys(rows[0]).map(k => `${k} ${med(k)}`).join('  '));
await b.close(); server.close();
