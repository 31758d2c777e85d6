// vanilla-state's flow (entries/vanilla-state.js) plus the smallest WebAssembly module
// (one function returning 42, 35 bytes), compiled and instantiated synchronously from
// bytes in this file: what the engine charges for any wasm at all, with no glue.
import { init as vanillaInit, start, callback } from '../entries/vanilla-state.js';

const bytes = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 6, 1, 4, 0, 65, 42, 11,
]);
const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});

export function init(cfg) {
  if (instance.exports.f() !== 42) throw new Error('the module did not run');
  vanillaInit(cfg);
}
export { start, callback };
