// The demo app. Everything the provider sends is shown with textContent, never as HTML.
import { startAuthorization, handleCallback } from "/pkg/index.js";

const $ = (id) => document.getElementById(id);
const config = await (await fetch("/mock-config.json")).json();
const P = config.providerOrigin;
const redirectUri = `${location.origin}/callback.html`;

function showPending() {
  const lines = [];
  for (let i = 0; i < sessionStorage.length; i++) {
    const key = sessionStorage.key(i);
    if (key.startsWith("bank-link:")) lines.push(`${key}\n  ${sessionStorage.getItem(key)}`);
  }
  $("pending").textContent = lines.length ? lines.join("\n") : "(none)";
}

function show(value) {
  $("result").textContent = typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

function showError(e) {
  show(e && e.name === "AuthError" ? `AuthError ${e.code}${e.field ? ` (${e.field})` : ""}: ${e.message}` : String(e));
  $("result").dataset.error = e && e.code ? e.code : "error";
}

function buildConfig(form) {
  const data = new FormData(form);
  const provider = data.get("provider");
  const common = { provider, redirectUri, mode: data.get("mode"), appState: { startedAt: new Date().toISOString() } };
  switch (provider) {
    case "tink":
      return { ...common, authorizeUrl: `${P}/link/0.2/oauth/auto-authorize.html`, clientId: "demo-client",
        scope: "accounts:read,transactions:read" };
    case "flinks":
      return { ...common, authorizeUrl: `${P}/api/v1/authorize`, clientId: "demo-recipient",
        providerId: "demo-bank", scope: data.getAll("scope"), lang: data.get("lang") };
    case "flinks-v3":
      return { ...common, authorizeUrl: `${P}/v3/oauth/authorize`, lang: data.get("lang"), tag: "demo" };
    default:
      return { ...common, authorizeUrl: `${P}/oauth2/authorize`, clientId: "demo-client", scope: "openid accounts" };
  }
}

const form = $("start-form");
if (form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    // No await before startAuthorization: a popup must open inside the click.
    startAuthorization(buildConfig(form)).then(
      (result) => { if (result && "ok" in result) show(result); },
      (e) => { showError(e); showPending(); },
    );
  });
} else {
  try {
    const result = handleCallback();
    if (result === null) show("This page is no callback.");
    else {
      show(result);
      $("result").dataset.ok = String(result.ok);
    }
  } catch (e) {
    showError(e);
  }
}
showPending();
document.body.dataset.ready = "1";
