// bank-link entry. It initialises the wasm once, with top-level await, so callers
// import and call with no init step: handleCallback is synchronous and needs the
// module ready. Bundlers: Vite and webpack 5 handle top-level await with an ES2022
// (or later) build target.
import {
  __wbg_get_imports as imports,
  __wbg_finalize_init as ready,
  startAuthorization as start,
  handleCallback as handle,
} from "./bank_link.js";

// The .wasm beside this module, compiled while it downloads. A server that does not send
// it as application/wasm makes streaming fail before the body is read: then the same
// response's bytes are compiled (slower, so the console says why).
const response = await fetch(new URL("./bank_link_bg.wasm", import.meta.url));
if (!response.ok) throw new Error(`bank-link: fetching bank_link_bg.wasm failed (${response.status})`);
let loaded;
try {
  loaded = await WebAssembly.instantiateStreaming(response, imports());
} catch (e) {
  if (response.headers.get("Content-Type") === "application/wasm") throw e;
  console.warn("bank-link: serve bank_link_bg.wasm as application/wasm to compile it while it downloads");
  loaded = await WebAssembly.instantiate(await response.arrayBuffer(), imports());
}
ready(loaded.instance, loaded.module);

/** @type {import("./index").startAuthorization} */
export function startAuthorization(config) {
  return start(config);
}

/** @type {import("./index").handleCallback} */
export function handleCallback(location, options) {
  return handle(location, options);
}
