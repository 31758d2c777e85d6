// bank-link/relay: a popup flow's callback page without the library (docs/api.md, "The
// relay page"). In the popup it does what the library's handleCallback does there, for a
// few hundred bytes instead of the whole package: hands the answer to the opener (a
// postMessage to this origin only, and the flow's BroadcastChannel for when the
// provider's COOP severed `window.opener`), drops the popup's copy of the record and the
// answer from the address bar, closes the popup once the opener settled the flow, and
// returns null. The opener verifies the answer against its own record, as always.
// Anything else (no popup of ours: the bank's app opened this page in a new tab; Tink's
// bare denial, which carries no state; a URL passed in; options the library would refuse)
// loads the library and lets it answer, so the result is the library's own.
// The names, the wait and the text are the library's (src/core/popup.rs, handoff.rs);
// tests/relay.rs fails when the two differ.
const NAME = "bank-link";
// The address this page relayed, and what it left in the address bar: a second call (React
// StrictMode) answers null again, as the library does.
let relayed;

/** @type {import("./relay").handleCallback} */
export function handleCallback(location, options) {
  const href = window.location.href;
  if (relayed?.includes(location == null ? href : String(location))) return null;
  let state, items, copy;
  try {
    const url = new URL(href);
    state = url.searchParams.get("state") ?? new URLSearchParams(url.hash.slice(1)).get("state");
    // The record the browser copied into the popup at window.open (or the opener wrote
    // there): `p.STATE.CREATED.EXPIRES.RECORD` entries, comma-separated.
    items = (sessionStorage.getItem(NAME) ?? "").split(",");
    copy = items.filter((item) => item.startsWith(`p.${state}.`));
    const storage = options && Object.hasOwn(options, "storage") ? options.storage : undefined;
    // Whose page this is, by the library's rule (core `relay_state`, `named_relay`): a
    // popup-mode copy for the state, or the opener plus the window name of the state,
    // unless a storage "local" flow may be pending (the library then asks the shared
    // store first: a copy-less popup of such a flow completes it when the opener is gone).
    if (
      !((location == null || String(location) === href) && /^[\w-]{43}$/.test(state)) ||
      (storage !== undefined && storage !== "session" && storage !== "local") ||
      !(
        copy.some((item) => /&mode=popup(&|$)/.test(item)) ||
        (window.opener && window.name === `${NAME}-${state.slice(0, 12)}` && !localStorage.getItem(`${NAME}:shared`))
      )
    ) {
      state = null;
    }
  } catch {
    // Storage refused or a getter threw: the library answers.
    state = null;
  }
  if (state === null) return import("./index.js").then((m) => m.handleCallback(location, options));
  // From here on the answer is handed on: every step is on its own, as in the library,
  // and nothing falls back to the library with a page already cleaned.
  const step = (f) => {
    try {
      f();
    } catch {
      // This step could not be taken; the others still are.
    }
  };
  const message = { type: `${NAME}:callback`, state, href };
  const path = href.split(/[?#]/)[0];
  relayed = [href, path];
  step(() => window.opener?.postMessage(message, window.location.origin));
  step(() => {
    const rest = items.filter((item) => !copy.includes(item)).join(",");
    rest ? sessionStorage.setItem(NAME, rest) : sessionStorage.removeItem(NAME);
  });
  // A dedicated page: nothing of the address but its path is needed any more.
  step(() => history.replaceState(null, "", path));
  step(() => {
    const channel = new BroadcastChannel(`${NAME}:${state}`);
    channel.onmessage = ({ data }) => {
      // WebKit ignored a close() while the page was still loading.
      if (data?.type === `${NAME}:settled`) {
        document.readyState === "complete" ? close() : addEventListener("load", () => close());
      }
    };
    channel.postMessage(message);
  });
  setTimeout(() => {
    if (document.body) {
      document.body.textContent = "This sign-in is finished. You can close this window and return to the app.";
    }
  }, 1500);
  step(() => {
    const on = options && Object.hasOwn(options, "onEvent") && options.onEvent;
    if (typeof on == "function") on({ name: "relayed", provider: undefined, mode: "popup", ok: undefined, error: undefined });
  });
  return null;
}
