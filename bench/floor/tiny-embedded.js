// As tiny.js, with the .wasm inside the bundle (base64, scripts/bench-floor writes
// dist/tiny-embedded/bytes.js) and instantiated synchronously: one request, no top-level await.
import { init as vanillaInit, start, callback } from '../entries/vanilla-state.js';
import { initSync, tinyEcho } from './dist/tiny-embedded/tiny.js';
import { base64 } from './dist/tiny-embedded/bytes.js';

const text = atob(base64);
const bytes = new Uint8Array(text.length);
for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
initSync({ module: bytes });

export function init(cfg) {
  if (tinyEcho('x') !== 'x!') throw new Error('the module did not run');
  vanillaInit(cfg);
}
export { start, callback };
