// Empties the functions that sit in the wasm's function table only because a step that is
// gone took their address: `node scripts/dead-shims.mjs pkg/bank_link_bg.wasm` (between
// wasm-bindgen, run with --keep-debug for the names, and wasm-opt, which drops the names).
//
// Why: LLVM puts every function whose address is taken into the table, and the table's
// entries keep a function alive through every later pass (an indirect call could reach any
// of them). Two kinds stay there with nothing left to call them:
// - wasm-bindgen's closure invoke shims. Its describe functions take the address of an
//   invoke shim for every closure type the crates name (js-sys's typed-array callbacks
//   among them); the CLI runs and deletes the describe functions, and JS calls the shims
//   of the closures we make through exports of their own (`__wbindgen_*` invoke exports).
//   A shim that is not exported is not reachable from JS (the table is not exported) and
//   no Rust code calls one.
// - js-sys's JSPI waker (`futures::jspi::task_waker`): only a spawned future makes one,
//   and this crate spawns none (the CLI deletes the JSPI poll export that held it).
// Each such body becomes `unreachable`, and wasm-opt then drops what only they called.
// A function that is exported or called directly is kept; the script reports how many it
// emptied (0 is fine: a later wasm-bindgen may leave none).
import { readFileSync, writeFileSync } from "node:fs";
import { importEnd, leb, uleb } from "./wasm.mjs";

const [wasmPath] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);
const DEAD = [/^wasm_bindgen\[[0-9a-f]+\]::convert::closures::_::invoke::</, /^js_sys\[[0-9a-f]+\]::futures::jspi::task_waker::/];


let imported = 0, code = null;
const names = new Map(), exported = new Set();
for (let i = 8; i < wasm.length; ) {
  const id = wasm[i];
  const [size, start] = leb(wasm, i + 1);
  const end = start + size;
  let j = start, n;
  if (id === 2) {
    [n, j] = leb(wasm, j);
    for (let k = 0; k < n; k++) {
      let len;
      [len, j] = leb(wasm, j); j += len;
      [len, j] = leb(wasm, j); j += len;
      if (wasm[j] === 0) imported++;
      j = importEnd(wasm, j);
    }
  } else if (id === 7) {
    [n, j] = leb(wasm, j);
    for (let k = 0; k < n; k++) {
      let len, index;
      [len, j] = leb(wasm, j); j += len;
      const kind = wasm[j++];
      [index, j] = leb(wasm, j);
      if (kind === 0) exported.add(index);
    }
  } else if (id === 10) {
    code = { start: i, payload: start, end };
  } else if (id === 0) {
    let len;
    [len, j] = leb(wasm, j);
    const name = wasm.subarray(j, j + len).toString(); j += len;
    while (name === "name" && j < end) {
      const sub = wasm[j];
      let subSize;
      [subSize, j] = leb(wasm, j + 1);
      if (sub === 1) {
        let k = j, count;
        [count, k] = leb(wasm, k);
        for (let c = 0; c < count; c++) {
          let index, l;
          [index, k] = leb(wasm, k);
          [l, k] = leb(wasm, k);
          names.set(index, wasm.subarray(k, k + l).toString()); k += l;
        }
      }
      j += subSize;
    }
  }
  i = end;
}
if (!code) throw new Error(`${wasmPath}: no code section`);
if (names.size === 0) throw new Error(`${wasmPath}: no function names (run wasm-bindgen with --keep-debug)`);

let [count, j] = leb(wasm, code.payload);
const bodies = [];
for (let f = 0; f < count; f++) {
  const [size, start] = leb(wasm, j);
  bodies.push(wasm.subarray(j, start + size));
  j = start + size;
}
// A direct call to `index` is opcode 0x10 and the index: looked for as bytes, so a false
// match only ever keeps a function that could have gone.
const called = (index) => {
  const needle = Buffer.concat([Buffer.from([0x10]), uleb(index)]);
  return bodies.some((b) => b.includes(needle));
};
const EMPTY = Buffer.from([3, 0, 0x00, 0x0b]); // size 3: no locals, unreachable, end
let emptied = 0;
for (let f = 0; f < count; f++) {
  const index = imported + f;
  const name = names.get(index) ?? "";
  // An exported shim is how JS calls a closure of ours; one that is called directly is
  // the inner half of such an export (or a byte pattern that only looks like a call).
  if (!DEAD.some((re) => re.test(name)) || exported.has(index) || called(index)) continue;
  bodies[f] = EMPTY;
  emptied++;
}
const payload = Buffer.concat([uleb(count), ...bodies]);
const out = Buffer.concat([wasm.subarray(0, code.start), Buffer.from([10]), uleb(payload.length), payload, wasm.subarray(code.end)]);
writeFileSync(wasmPath, out);
console.log(`dead-shims: ${emptied} table-only functions emptied`);
