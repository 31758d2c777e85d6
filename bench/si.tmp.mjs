import { chromium } from 'playwright-core';
import http from 'node:http';
const server = http.createServer((req, res) => { res.writeHead(200, {'Content-Type':'text/html','Cross-Origin-Opener-Policy':'same-origin','Cross-Origin-Embedder-Policy':'require-corp'}); res.end('<p>x</p>'); });
await new Promise(r => server.listen(0, '127.0.0.1', r));
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await b.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}/`);
const r = await page.evaluate(() => {
  const out = {};
  for (const n of [20, 100, 300, 600, 1200]) {
    const vals = [0,1,2,3].map(i => (String(i)).repeat(n));
    const ts = [];
    for (let i = 0; i < 3000; i++) { const t0 = performance.now(); sessionStorage.setItem('k', vals[i & 3]); ts.push(performance.now() - t0); }
    ts.sort((a,b)=>a-b); out['set'+n] = ts[1500]*1000;
    const gs = [];
    for (let i = 0; i < 3000; i++) { const t0 = performance.now(); sessionStorage.getItem('k'); gs.push(performance.now() - t0); }
    gs.sort((a,b)=>a-b); out['get'+n] = gs[1500]*1000;
    const rs = [];
    for (let i = 0; i < 3000; i++) { sessionStorage.setItem('k', vals[i&3]); const t0 = performance.now(); sessionStorage.removeItem('k'); rs.push(performance.now() - t0); }
    rs.sort((a,b)=>a-b); out['rm'+n] = rs[1500]*1000;
  }
  return out;
});
console.log(JSON.stringify(r));
await b.close(); server.close();
