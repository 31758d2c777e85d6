// bank-link's protocol core without its web layer (the crate in core/), loaded as the package
// is (glue, then the .wasm as a second request, top-level await). The same start and
// callback as entries/bank-link.js: config validated, state and PKCE, the pending
// record in sessionStorage, the callback parsed, verified and consumed. No popup, no
// cross-tab path, no events, no result objects. scripts/bench-floor writes dist/core-only/.
import wasmInit, { startAuthorization, handleCallback } from './dist/core-only/core_only.js';

await wasmInit({ module_or_path: new URL('./core_only_bg.wasm', import.meta.url) });

let conf;

export function init(cfg) {
  const fields = {
    provider: 'oauth2',
    authorizeUrl: cfg.authorizationEndpoint,
    clientId: cfg.clientId,
    redirectUri: new URL(cfg.redirectUri, location.origin).href,
    scope: cfg.scope,
  };
  conf = Object.entries(fields).map(([k, v]) => `${k}\ts\t${v}`).join('\n');
}

export const start = () => startAuthorization(conf);
export const callback = (url) => handleCallback(url);
