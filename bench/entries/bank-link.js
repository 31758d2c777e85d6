// bank-link (this repository's npm package, pkg/ from `bash scripts/build`).
// The package entry pkg/index.js instantiates pkg/bank_link_bg.wasm with top-level
// await (new URL("./bank_link_bg.wasm", import.meta.url)), so the wasm fetch, compile
// and instantiation land in the "import" time and init() only prepares the config.
// bench.mjs copies the .wasm next to the bundle (dist/bank-link/) and counts it.
// start = startAuthorization({ provider: "oauth2", ..., navigate: false }): validate
// config, state + PKCE S256, pending record written to sessionStorage, URL returned
// without navigating. callback = handleCallback(url): parse, verify state (an unknown /
// forged state throws AuthError "unknown_state"), consume the record, leave a done
// marker. Nothing of bank-link's in sessionStorage is removed between iterations: the
// markers every completed flow leaves are part of what a real page pays for.
// redirectUri must be on the page's own origin (https:, or http: on a loopback host):
// the harness gives location.origin + "/callback" on http://127.0.0.1:<port>.
import { startAuthorization, handleCallback } from '../../pkg/index.js';

let conf;

export function init(cfg) {
  const redirect = new URL(cfg.redirectUri, location.origin);
  if (redirect.origin !== location.origin) {
    throw new Error(`bank-link needs redirectUri on the page's origin ${location.origin}, got ${cfg.redirectUri}`);
  }
  conf = {
    provider: 'oauth2',
    authorizeUrl: cfg.authorizationEndpoint,
    clientId: cfg.clientId,
    redirectUri: redirect.href,
    scope: cfg.scope,
    navigate: false,
  };
}

export async function start() {
  return (await startAuthorization(conf)).url;
}

export function callback(url) {
  return handleCallback(url).code;
}
