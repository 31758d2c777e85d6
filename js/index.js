// bank-link entry. It initialises the wasm once, with top-level await, so callers
// import and call with no init step: handleCallback is synchronous and needs the
// module ready. Bundlers: Vite and webpack 5 handle top-level await with an ES2022
// (or later) build target.
import init, { startAuthorization as start, handleCallback as handle } from "./bank_link.js";

await init({ module_or_path: new URL("./bank_link_bg.wasm", import.meta.url) });

/** @type {import("./index").startAuthorization} */
export function startAuthorization(config) {
  return start(config);
}

/** @type {import("./index").handleCallback} */
export function handleCallback(location, options) {
  return handle(location, options);
}
