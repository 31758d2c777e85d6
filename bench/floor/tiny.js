// vanilla-state's flow plus the smallest wasm-bindgen package (tiny/: one string export),
// loaded as bank-link's package is: its glue, then the .wasm as a second request,
// instantiated in a top-level await. scripts/bench-floor writes dist/tiny/.
import { init as vanillaInit, start, callback } from '../entries/vanilla-state.js';
import wasmInit, { tinyEcho } from './dist/tiny/tiny.js';

await wasmInit({ module_or_path: new URL('./tiny_bg.wasm', import.meta.url) });

export function init(cfg) {
  if (tinyEcho('x') !== 'x!') throw new Error('the module did not run');
  vanillaInit(cfg);
}
export { start, callback };
