// bank-link entry: initialises the wasm once (top-level await), so callers import and
// call with no init step. handleCallback is synchronous, which needs the module ready.
import init, { startAuthorization as start } from "./bank_link.js";

await init({ module_or_path: new URL("./bank_link_bg.wasm", import.meta.url) });

export function startAuthorization(config) {
  return start(config);
}
