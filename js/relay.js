// bank-link/relay: a popup flow's callback page without the library (docs/api.md, "The
// relay page"). In the popup it does what the library's handleCallback does there, for a
// few hundred bytes instead of the whole package: hands the answer to the opener (a
// postMessage to this origin only, and the flow's BroadcastChannel for when the
// provider's COOP severed `window.opener`), drops the popup's copy of the record and the
// answer from the address bar, closes the popup once the opener settled the flow, and
// returns null. The opener verifies the answer against its own record, as always.
// Anything else (no popup of ours: the bank's app opened this page in a new tab; Tink's
// bare denial, which carries no state; a URL passed in) loads the library and lets it
// answer, so the result is the library's own.
// The names, the wait and the text are the library's (src/core/popup.rs, handoff.rs);
// tests/relay.rs fails when the two differ.
const NAME = "bank-link";

/** @type {import("./relay").handleCallback} */
export function handleCallback(location, options) {
  try {
    const href = window.location.href;
    const url = new URL(href);
    const state = url.searchParams.get("state") ?? new URLSearchParams(url.hash.slice(1)).get("state");
    // The record the browser copied into the popup at window.open (or the opener wrote
    // there): `p.STATE.CREATED.EXPIRES.RECORD` entries, comma-separated.
    const items = (sessionStorage.getItem(NAME) ?? "").split(",");
    const copy = items.filter((item) => item.startsWith(`p.${state}.`));
    // Whose page this is, by the library's rule (core `relay_state`, `named_relay`): a
    // popup-mode copy for the state, or the opener plus the window name of the state.
    if (
      (location == null || String(location) === href) &&
      /^[\w-]{43}$/.test(state) &&
      (copy.some((item) => /&mode=popup(&|$)/.test(item)) ||
        (window.opener && window.name === `${NAME}-${state.slice(0, 12)}`))
    ) {
      const message = { type: `${NAME}:callback`, state, href };
      window.opener?.postMessage(message, url.origin);
      const rest = items.filter((item) => !copy.includes(item)).join(",");
      rest ? sessionStorage.setItem(NAME, rest) : sessionStorage.removeItem(NAME);
      // A dedicated page: nothing of the address but its path is needed any more.
      history.replaceState(null, "", url.pathname);
      const channel = new BroadcastChannel(`${NAME}:${state}`);
      channel.onmessage = ({ data }) => {
        // WebKit ignored a close() while the page was still loading.
        if (data?.type === `${NAME}:settled`) {
          document.readyState === "complete" ? close() : addEventListener("load", () => close());
        }
      };
      channel.postMessage(message);
      setTimeout(() => {
        document.body.textContent = "This sign-in is finished. You can close this window and return to the app.";
      }, 1500);
      const on = options && Object.hasOwn(options, "onEvent") && options.onEvent;
      if (typeof on == "function") on({ name: "relayed", provider: undefined, mode: "popup", ok: undefined, error: undefined });
      return null;
    }
  } catch {
    // Storage or a channel refused, a handler threw: the library answers.
  }
  return import("./index.js").then((m) => m.handleCallback(location, options));
}
