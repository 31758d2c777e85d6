// One edit and one check of wasm-bindgen's glue, before it is minified:
// `node scripts/glue.mjs pkg/bank_link.js`.
//
// - The entry loads the wasm itself (js/index.js): the glue exports the two steps its own
//   loader wraps, so that loader (what init accepts besides a URL, its warnings) is left
//   out of the bundle. The build fails if the glue's export line is not the one expected.
// - The build fails if the glue imports a JS snippet (src/web/*.js) as a namespace
//   (`import * as importN from "./snippets/..."`). wasm-bindgen does that for an import it
//   can hand to the wasm as it is (no argument or result it converts: only numbers and
//   booleans), and the bundle then builds the snippet's namespace object, every export by
//   name: 260 B brotli for three such imports (docs/performance.md). Give such an import a
//   value to convert (the window it reads, say), or fold it into one that has one.
import { readFileSync, writeFileSync } from "node:fs";

const path = process.argv[2];
const from = "export { initSync, __wbg_init as default };";
const js = readFileSync(path, "utf8");
if (js.split(from).length !== 2) throw new Error(`glue: ${path} does not end with ${from}`);
const namespaces = js.split("\n").filter((line) => /^import \* as \w+ from "\.\/snippets\//.test(line));
if (namespaces.length) {
  throw new Error(
    `glue: ${path} imports a snippet as a namespace (an import with only numbers or booleans ` +
      `in its signature; see scripts/glue.mjs):\n${namespaces.join("\n")}`,
  );
}
writeFileSync(path, js.replace(from, "export { __wbg_get_imports, __wbg_finalize_init };"));
