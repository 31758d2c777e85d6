// The demo app. Everything the provider sends is shown with textContent, never as HTML.
import { startAuthorization, handleCallback } from "/pkg/index.js";

const $ = (id) => document.getElementById(id);
const form = $("start-form");
// The callback page (no start form) calls handleCallback before the page's own fetch
// below: until then the code is in the address, and no request should carry it (README
// "The callback page"). It starts now; its answer is shown further down. `async` turns a
// synchronous throw into a rejection, handled there with the rest.
const answered = form ? null : (async () => {
  // In WebKit a popup that handled its callback while still loading was sometimes not
  // closed; the library now closes it once it has loaded, and the demo waits for its own
  // load too (the stylesheet, sent without a Referer under the meta tag).
  if (document.readyState !== "complete") {
    await new Promise((loaded) => addEventListener("load", loaded, { once: true }));
  }
  return handleCallback(undefined, { onEvent });
})();
// The provider's address, for the start form only.
const config = form ? await (await fetch("/mock-config.json")).json() : {};
const P = config.providerOrigin;
const redirectUri = `${location.origin}/callback.html`;

// A real OpenID Provider (oidc-provider, tests/oidc/server.mjs) when one runs beside the
// mock: its endpoints and issuer come from its discovery document, as an app's would. Only
// the start page asks; the callback page needs nothing but handleCallback.
const oidc = form && config.oidcIssuer ? await discover(config.oidcIssuer) : null;
async function discover(issuer) {
  try {
    const meta = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    return { issuer: meta.issuer, authorizeUrl: meta.authorization_endpoint };
  } catch (e) {
    console.warn(`bank-link demo: no OpenID Provider at ${issuer}: ${e}`);
    return null;
  }
}

// bank-link keeps every flow under one key: `p.STATE.CREATED.EXPIRES.RECORD` pends,
// `d.STATE.EXPIRES` is done (docs/api.md, "Pending authorizations").
function showPending() {
  if (!$("pending")) return;
  const entries = (sessionStorage.getItem("bank-link") || "").split(",").filter(Boolean);
  $("pending").textContent = entries.length ? entries.join("\n") : "(none)";
}

function show(value, outcome = {}) {
  const out = $("result");
  out.textContent = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  // data-ok / data-error / data-field say what the text shows (the e2e suite reads them).
  for (const key of ["ok", "error", "field"]) {
    if (outcome[key] === undefined) delete out.dataset[key];
    else out.dataset[key] = outcome[key];
  }
}

// onEvent: what an analytics hook would see (no code, verifier or state in any event).
function onEvent(event) {
  $("events").textContent += JSON.stringify(event) + "\n";
}

function showResult(result) {
  show(result, { ok: String(result.ok) });
}

function showError(e) {
  const isAuth = e && e.name === "AuthError";
  show(isAuth ? `AuthError ${e.code}${e.field ? ` (${e.field})` : ""}: ${e.message}` : String(e), {
    error: isAuth && e.code ? e.code : "error",
    field: isAuth && e.field ? e.field : undefined,
  });
}

function buildConfig(form) {
  const data = new FormData(form);
  const provider = data.get("provider");
  const mode = data.get("mode");
  // A popup's callback page can be a dedicated one that does not load the library.
  const callback = mode === "popup" && $("relay-page").checked ? `${location.origin}/relay.html` : redirectUri;
  const common = { provider, redirectUri: callback, mode, appState: { startedAt: new Date().toISOString() } };
  if (data.get("storage") === "local") common.storage = "local";
  common.onEvent = onEvent;
  switch (provider) {
    case "tink":
      return { ...common, authorizeUrl: `${P}/link/0.2/oauth/auto-authorize.html`, clientId: "demo-client",
        scope: "accounts:read,transactions:read" };
    case "flinks":
      return { ...common, authorizeUrl: `${P}/api/v1/authorize`, clientId: "demo-recipient",
        providerId: "demo-bank", scope: data.getAll("scope"), lang: data.get("lang") };
    case "flinks-v3":
      return { ...common, authorizeUrl: `${P}/v3/oauth/authorize`, lang: data.get("lang"), tag: "demo" };
    case "oidc":
      // The generic preset against a real server, with RFC 9207's issuer check.
      return { ...common, provider: "oauth2", authorizeUrl: oidc.authorizeUrl, clientId: "bank-link-demo",
        scope: "openid", issuer: oidc.issuer };
    default:
      return { ...common, authorizeUrl: `${P}/oauth2/authorize`, clientId: "demo-client", scope: "openid accounts" };
  }
}

// Popup mode: how long to wait for the callback (empty: the library's default), and a
// Cancel button that aborts the waiting flow through its AbortSignal. Out-of-range values
// go to the library as typed, which refuses them (invalid_config, popup.timeoutMs).
function popupOptions(config) {
  const raw = $("popup-timeout").value.trim();
  if (raw !== "") config.popup = { timeoutMs: Number(raw) };
  const controller = new AbortController();
  config.signal = controller.signal;
  return controller;
}

// `?callback=relay` ticks the relay page's box (the e2e suite's popup cases through it).
if (form && new URLSearchParams(location.search).get("callback") === "relay") $("relay-page").checked = true;
if (form && oidc) {
  const label = document.createElement("label");
  const input = Object.assign(document.createElement("input"), { type: "radio", name: "provider", value: "oidc" });
  label.append(input, " OpenID Provider (real server)");
  form.querySelector("fieldset").append(label);
}
if (form) {
  const cancel = $("cancel");
  let waiting = null; // the AbortController of the popup flow Cancel would abort
  let latest = 0; // only the newest flow's outcome is shown
  cancel.addEventListener("click", () => waiting && waiting.abort());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const flow = ++latest;
    show("Waiting for the provider…");
    // No await before startAuthorization: a popup must open inside the click.
    let started;
    let controller = null;
    // One popup flow at a time: a new start ends the one Cancel would have aborted.
    if (waiting) waiting.abort();
    try {
      const config = buildConfig(form);
      if (config.mode === "popup") controller = popupOptions(config);
      started = startAuthorization(config);
    } catch (e) {
      started = Promise.reject(e); // it returns a Promise; a throw is shown all the same
    }
    if (controller) {
      waiting = controller;
      cancel.disabled = false;
    }
    const settled = () => {
      if (controller && waiting === controller) {
        waiting = null;
        cancel.disabled = true;
      }
      showPending();
      return flow === latest;
    };
    started.then(
      // Redirect mode navigates away; popup mode resolves with the AuthorizationResult.
      (result) => {
        if (settled() && result && "ok" in result) showResult(result);
      },
      (e) => {
        if (settled()) showError(e);
      },
    );
  });
} else {
  try {
    // The answer of the handleCallback call at the top: synchronous for this tab's own
    // flows, a Promise when it may be for a flow another tab started with storage "local"
    // (a bank app that opened this page in a new tab). `await` serves both.
    const result = await answered;
    // A popup flow's answer that came back in this tab instead of the popup (the bank's
    // app opened it): bank-link handed it to the opener and replaced this page with
    // "return to the app".
    if (!$("result")) console.info("bank-link: handed to the window that opened the popup");
    else if (result !== null) showResult(result);
    else if (window.opener || window.name.startsWith("bank-link-")) show("Handed back to the window that opened this popup.");
    else show("This page is no callback.");
  } catch (e) {
    showError(e);
  }
}
showPending();
document.body.dataset.ready = "1";
