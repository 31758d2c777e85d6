// Renames the wasm's imports from the glue module (and its closure-invoker exports) to
// short names, in the .wasm and in the glue together: `node scripts/short-imports.mjs pkg/bank_link_bg.wasm pkg/bank_link.js`.
//
// Why: wasm-bindgen names each import `__wbg_<name>_<16 hex digits>`, and the package
// carries every name twice (the wasm's import section and the glue's import object): with
// dozens of imports, kilobytes of nearly random text that brotli cannot shrink much
// (docs/performance.md, "short import names"). The
// names mean nothing to anyone; a rename that keeps both sides in step is safe, and the
// build fails here if any name is not found exactly once in the glue.
import { readFileSync, writeFileSync } from "node:fs";
import { importEnd, leb, uleb } from "./wasm.mjs";

const [wasmPath, jsPath] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);
let js = readFileSync(jsPath, "utf8");
const GLUE = "./bank_link_bg.js";

const str = (s) => Buffer.concat([uleb(Buffer.byteLength(s)), Buffer.from(s)]);

// Short, unique, and never a JS keyword: letters, then letter + digit/letter.
const ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const shortName = (k) => (k < ALPHA.length ? ALPHA[k] : ALPHA[Math.floor(k / ALPHA.length) - 1] + ALPHA[k % ALPHA.length]);

const modules = new Map();
const moduleName = (module) => {
  if (!modules.has(module)) {
    const short = String(modules.size);
    const key = `"${module}":`;
    const hits = js.split(key).length - 1;
    if (hits !== 1) throw new Error(`import module ${module}: ${hits} keys in ${jsPath}; want 1`);
    js = js.replace(key, `"${short}":`);
    modules.set(module, short);
  }
  return modules.get(module);
};

const parts = [wasm.subarray(0, 8)];
let i = 8, renamed = 0, exported = 0;
while (i < wasm.length) {
  const id = wasm[i];
  const [size, start] = leb(wasm, i + 1);
  const end = start + size;
  if (id === 7) {
    // The export section: wasm-bindgen's closure invokers are exported under their full
    // Rust paths (about 500 bytes); the glue calls each as `.<name>(`. Short names too.
    // wasm-bindgen's own exports (`__wbindgen_malloc`, named at every string crossing) are
    // short too; a global the glue never reads (`__abort_handler`, `__instance_terminated`)
    // is not exported at all. The two exports of the API and the memory keep their names.
    let [count, j] = leb(wasm, start);
    const body = [];
    for (let k = 0; k < count; k++) {
      let [flen, b] = leb(wasm, j);
      let name = wasm.subarray(b, b + flen).toString();
      const kind = wasm[b + flen];
      let c = b + flen + 1;
      c = leb(wasm, c)[1];
      const call = new RegExp(`\\.${name}(?![\\w$])`, "g");
      const hits = js.match(call)?.length ?? 0;
      const all = js.split(name).length - 1;
      // An export the glue never names (a global, or `__wbindgen_free` when no string
      // comes back from a closure) is dropped.
      if ((kind === 3 || kind === 0) && all === 0) {
        j = c;
        continue;
      }
      if (!["memory", "startAuthorization", "handleCallback"].includes(name)) {
        const short = `z${exported++}`;
        if (hits < 1 || all !== hits) throw new Error(`export ${name}: ${hits} uses in ${jsPath}`);
        js = js.replace(call, `.${short}`);
        name = short;
      }
      body.push(str(name), wasm.subarray(b + flen, c));
      j = c;
    }
    body.unshift(uleb(body.length / 2));
    const section = Buffer.concat(body);
    parts.push(Buffer.from([7]), uleb(section.length), section);
    i = end;
    continue;
  }
  if (id !== 2) {
    parts.push(wasm.subarray(i, end));
    i = end;
    continue;
  }
  // The import section: module name, field name, then a kind-specific description that
  // is copied as it is. Module names are short too: each import repeats its module's name
  // (`./bank_link_bg.js`, `./snippets/bank-link-<hash>/src/web/boundary.js`), which the
  // glue names once, as a key of its import object.
  let [count, j] = leb(wasm, start);
  const body = [uleb(count)];

  for (let k = 0; k < count; k++) {
    let [mlen, a] = leb(wasm, j);
    const module = wasm.subarray(a, a + mlen).toString();
    let [flen, b] = leb(wasm, a + mlen);
    const field = wasm.subarray(b, b + flen).toString();
    const c = importEnd(wasm, b + flen);
    let name = field;
    if (module === GLUE) {
      name = shortName(renamed++);
      // The glue names each import once, as a key of its import object: `name:function`.
      const key = new RegExp(`(?<![\\w$])${field}(?=:)`, "g");
      const keys = js.match(key)?.length ?? 0;
      const all = js.split(field).length - 1;
      if (keys !== 1 || all !== 1) throw new Error(`import ${field}: ${keys} keys, ${all} mentions in ${jsPath}; want 1`);
      js = js.replace(key, name);
    }
    body.push(str(moduleName(module)), str(name), wasm.subarray(b + flen, c));
    j = c;
  }
  const section = Buffer.concat(body);
  parts.push(Buffer.from([2]), uleb(section.length), section);
  i = end;
}
writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(jsPath, js);
console.log(`short-imports: ${renamed} imports, ${exported} exports, ${modules.size} modules renamed`);
