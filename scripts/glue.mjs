// Two edits of wasm-bindgen's glue, before it is minified: `node scripts/glue.mjs pkg/bank_link.js`.
//
// - The entry loads the wasm itself (js/index.js): the glue exports the two steps its own
//   loader wraps, so that loader (what init accepts besides a URL, its warnings) is left
//   out of the bundle. The build fails if the glue's export line is not the one expected.
// - The import object names a JS snippet (src/web/*.js) once per extern block, each time
//   as the same module: one key is kept for each (the others would only repeat it).
import { readFileSync, writeFileSync } from "node:fs";

const path = process.argv[2];
const from = "export { initSync, __wbg_init as default };";
let js = readFileSync(path, "utf8");
if (js.split(from).length !== 2) throw new Error(`glue: ${path} does not end with ${from}`);
const seen = new Set();
const dropped = new Set();
js = js
  .split("\n")
  .filter((line) => {
    const key = /^\s*"(\.\/snippets\/[^"]+)": (import\d+),$/.exec(line);
    if (!key) return true;
    if (!seen.has(key[1])) return seen.add(key[1]);
    dropped.add(key[2]);
    return false;
  })
  .filter((line) => {
    const imp = /^import \* as (import\d+) from "\.\/snippets\//.exec(line);
    return !(imp && dropped.has(imp[1]));
  })
  .join("\n");
writeFileSync(path, js.replace(from, "export { __wbg_get_imports, __wbg_finalize_init };"));
