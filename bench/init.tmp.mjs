import { chromium } from 'playwright-core';
import http from 'node:http'; import fs from 'node:fs'; import path from 'node:path';
const ROOT = '/work/main/bench';
const server = http.createServer((req, res) => {
  const u = new URL(req.url, 'http://x'); const rel = u.pathname === '/' ? '/harness/page.html' : u.pathname;
  const f = path.join(ROOT, rel); if (!fs.existsSync(f)) { res.writeHead(404); return res.end(); }
  const ct = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' }[path.extname(f)] || 'application/octet-stream';
  res.writeHead(200, { 'Content-Type': ct, 'Cache-Control': 'no-store' });
  res.end(fs.readFileSync(f));
});
await new Promise(r => server.listen(0, '127.0.0.1', r));
const O = `http://127.0.0.1:${server.address().port}`;
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', ...(process.env.JSF ? ['--js-flags=' + process.env.JSF] : [])] });
const rows = [];
for (let i = 0; i < 11; i++) {
  const ctx = await b.newContext(); const page = await ctx.newPage();
  await page.goto(`${O}/dist/dbg/x.html`).catch(()=>{});
  const r = await page.evaluate(async () => {
    const bytes = await (await fetch('/dist/dbg/opt.wasm')).arrayBuffer();
    const t0 = performance.now();
    const glue = await import('/dist/dbg/bank_link.js'); const t1 = performance.now();
    const mod = new WebAssembly.Module(bytes); const t2 = performance.now();
    glue.initSync({ module: mod }); const t3 = performance.now();
    const ta = performance.now(); sessionStorage.getItem('x'); const tb = performance.now(); new URL('https://a.example/b'); const tc = performance.now();
    let err; try { glue.handleCallback('https://x.example/cb'); } catch (e) { err = e; } const t4 = performance.now();
    try { glue.handleCallback('https://x.example/cb?a=1'); } catch (e) { err = e; } const t5 = performance.now();
    return { ss: tb - ta, url: tc - tb, glueImport: t1 - t0, compileSync: t2 - t1, instantiate: t3 - t2, firstCall: t4 - tc, second: t5 - t4 };
  });
  rows.push(r); await ctx.close();
}
const med = k => { const s = rows.map(r => r[k]).sort((a,b)=>a-b); return s[s.length>>1].toFixed(2); };
console.log(Object.keys(rows[0]).map(k => `${k} ${med(k)}`).join('  '));
await b.close(); server.close();
