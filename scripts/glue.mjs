// Edits and one check of wasm-bindgen's glue, before it is minified:
// `node scripts/glue.mjs pkg/bank_link.js`. Each edit replaces an exact text that must be
// there once; the build fails otherwise (a new wasm-bindgen is then read again here).
//
// - The entry loads the wasm itself (js/index.js): the glue exports the two steps its own
//   loader wraps, so that loader (what init accepts besides a URL, its warnings) is left
//   out of the bundle.
// - Fallbacks for engines older than the package supports (Chrome/Edge 89, Firefox 89,
//   Safari 15: README), each dead there: `TextEncoder.encodeInto` (Chrome 74, Firefox 66,
//   Safari 14.1) and `FinalizationRegistry` (Chrome 84, Firefox 79, Safari 14.1) stubbed
//   when missing, and a string copy for a caller without `realloc`, which every call of
//   the glue passes (checked). What each saved: docs/performance.md.
// - wasm-bindgen's decoder swap for a Safari bug (a new `TextDecoder` every 2 GiB decoded):
//   this package decodes about 1 KB a call (a start 0.9 KB, a callback 0.6 KB, measured),
//   so a page would have to call it about two million times to get there.
// - A string out of wasm of at most 64 bytes, all ASCII (a state, a code, a parameter's
//   name, a constant), is read by a loop here instead of `TextDecoder`, whose call costs
//   more than such a string's bytes; anything longer or not ASCII still goes to the
//   decoder (the measured gain: docs/performance.md, round 11; tests/packaging's round trip
//   reads both kinds in three engines).
// - The build fails if the glue imports a JS snippet (src/web/*.js) as a namespace
//   (`import * as importN from "./snippets/..."`). wasm-bindgen does that for an import it
//   can hand to the wasm as it is (no argument or result it converts: only numbers and
//   booleans), and the bundle then builds the snippet's namespace object, every export by
//   name (its cost: docs/performance.md). Give such an import a value to convert (the
//   window it reads, say), or fold it into one that has one.
import { readFileSync, writeFileSync } from "node:fs";

const path = process.argv[2];
let js = readFileSync(path, "utf8");
const edit = (from, to) => {
  if (js.split(from).length !== 2) throw new Error(`glue: ${path} does not hold exactly once:\n${from}`);
  js = js.replace(from, to);
};
edit("export { initSync, __wbg_init as default };", "export { __wbg_get_imports, __wbg_finalize_init };");
edit(
  `if (!('encodeInto' in cachedTextEncoder)) {
    cachedTextEncoder.encodeInto = function (arg, view) {
        const buf = cachedTextEncoder.encode(arg);
        view.set(buf);
        return {
            read: arg.length,
            written: buf.length
        };
    };
}
`,
  "",
);
edit(
  `const CLOSURE_DTORS = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(`,
  "const CLOSURE_DTORS = new FinalizationRegistry(",
);
const calls = js.match(/passStringToWasm0\([^)]*\)/g) ?? [];
if (calls.some((c) => c !== "passStringToWasm0(arg, malloc, realloc)" && !c.endsWith(", wasm.__wbindgen_realloc)"))) {
  throw new Error(`glue: ${path} calls passStringToWasm0 without realloc: ${calls.join(", ")}`);
}
edit(
  `    if (realloc === undefined) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr;
    }

`,
  "",
);
edit(
  `const MAX_SAFARI_DECODE_BYTES = 2146435072;
let numBytesDecoded = 0;
function decodeText(bytes) {
    numBytesDecoded += bytes.length;
    if (numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {
        cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
        cachedTextDecoder.decode();
        numBytesDecoded = bytes.length;
    }
    return cachedTextDecoder.decode(bytes);
}`,
  `function decodeText(bytes) {
    return cachedTextDecoder.decode(bytes);
}`,
);
edit(
  `function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}`,
  `function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    const mem = getUint8ArrayMemory0();
    let s = "";
    for (let i = ptr; i < ptr + len; i++) {
        if (len > 64 || mem[i] > 127) return decodeText(mem.subarray(ptr, ptr + len));
        s += String.fromCharCode(mem[i]);
    }
    return s;
}`,
);
const namespaces = js.split("\n").filter((line) => /^import \* as \w+ from "\.\/snippets\//.test(line));
if (namespaces.length) {
  throw new Error(
    `glue: ${path} imports a snippet as a namespace (an import with only numbers or booleans ` +
      `in its signature; see scripts/glue.mjs):\n${namespaces.join("\n")}`,
  );
}
writeFileSync(path, js);
