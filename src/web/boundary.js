// The JS half of the browser boundary (src/web/*.rs; popup mode's in popup.js, the shared
// store's in shared.js). Each function does in one call what would otherwise be a
// crossing per field, or a web-sys call whose failure the wasm would have to handle: every
// crossing with a string decodes it, and a result object built by Reflect.set per field
// cost several times one object literal (docs/performance.md).
// Nothing here decides anything; the Rust side does.

const json = (text) => {
  if (text !== undefined) {
    try {
      return JSON.parse(text);
    } catch {
      // Never reached: the text is JSON.stringify's. Absent rather than thrown.
    }
  }
};

// The AuthorizationResult objects (docs/api.md "Result objects"): every field of BOTH variants
// an own property, `undefined` where it does not apply, so that no destructuring reads
// Object.prototype: `const { code, errorDescription } = result` on a success must not
// find a polluted `errorDescription`. A plain prototype, so hasOwnProperty and
// String(result) work. The .d.ts keeps the union: a success's `error` is typed absent.
// One literal for both variants (`ok` says which): every field is written once, in one
// order; the other variant's fields come undefined.
export const result = (ok, provider, state, code, loginId, credentialsId, codeVerifier, error, errorDescription, errorUri, params, appState) =>
  ({ ok, provider, state, code, loginId, credentialsId, codeVerifier, error, errorDescription, errorUri, params, appState: json(appState) });

// A promise of ours (interop.rs `deferred`), and `settle(promise, ok, value)`, which resolves
// it with `value` (ok) or rejects it: the function that does is kept here, by promise, so
// the wasm holds the promise alone (one value, and no reads of a pair's fields).
const settles = new WeakMap();
export function deferred() {
  let settle;
  const promise = new Promise((resolve, reject) => {
    settle = (ok, value) => (ok ? resolve : reject)(value);
  });
  settles.set(promise, settle);
  return promise;
}
export function settle(promise, ok, value) {
  settles.get(promise)?.(ok, value);
}

// A result's `params`: a null prototype, so a provider parameter named `__proto__` is a
// plain key, and nothing is read through Object.prototype.
export const bag = () => Object.create(null);
export function param(params, key, value) {
  params[key] = value;
}

// `startAuthorization`'s `{ url, state }` with `navigate: false`.
export function started(url, state) {
  return { url, state };
}

// The texts of core ErrorCode and EventName, in their order: the wasm passes a place in
// the list, not the text (tests/surface.rs holds both lists to the Rust ones).
const codes =
  "invalid_config storage_unavailable browser_unavailable popup_blocked popup_closed popup_timeout aborted unknown_state missing_state expired already_handled malformed_callback issuer_mismatch".split(" ");
const names = "open popup_blocked provider_loaded popup_closed callback_received relayed completed failed".split(" ");

// The JS AuthError: an Error named AuthError, with `code` and `field` (undefined unless
// invalid_config) as own properties.
export function authError(message, code, field) {
  const e = new Error(message);
  e.name = "AuthError";
  e.code = codes[code];
  e.field = field;
  return e;
}

// Fills `bytes` (a view of the wasm memory) from crypto.getRandomValues; false when it
// fails (no crypto, a page that replaced it with something that throws).
export function random(bytes) {
  try {
    crypto.getRandomValues(bytes);
    return true;
  } catch {
    return false;
  }
}

// The browser's own WHATWG parser: `origin` and `href` as one string. An origin never holds
// a space (an opaque one is "null"), so the first space ends it. Undefined when refused.
export function url(input) {
  try {
    const u = new URL(input);
    return u.origin + " " + u.href;
  } catch {
    // Refused by the parser: not a URL.
  }
}

// A config or options field, read only as an own property (never through a polluted
// Object.prototype); a getter that throws reads as absent.
export function own(object, key) {
  try {
    if (object !== null && typeof object === "object" && Object.prototype.hasOwnProperty.call(object, key)) {
      return object[key];
    }
  } catch {
    // Absent.
  }
}

// Reads of a config, an options object or a `location` argument that may throw (a getter,
// a proxy's trap, a cycle), answered without an exception (interop.rs says why):
// undefined when they threw. `field` puts the value in an array, so that a value
// `undefined` and a read that threw differ.
export function keys(object) {
  try {
    return Reflect.ownKeys(object);
  } catch {
    // Unreadable.
  }
}
export function field(object, key) {
  try {
    return [Reflect.get(object, key)];
  } catch {
    // Unreadable.
  }
}
export function stringify(value) {
  try {
    return JSON.stringify(value);
  } catch {
    // Not JSON (a cycle, a BigInt, a toJSON that throws).
  }
}

// `location.assign(url)` of window `w`: undefined, or what it threw (null for a thrown
// undefined), so the wasm takes no exception (page.rs).
export function assign(w, url) {
  try {
    w.location.assign(url);
  } catch (e) {
    return e ?? null;
  }
}

// What `handleCallback` reads of the page, in one call (interop.rs `arrival`): the address
// to handle (`input`: a Location, a URL, a string, or nothing for this page's own), how it
// relates to this page, and the browser's parse of it. Answers a kind, then `origin`, a
// space and the parsed `href` (both empty where the parser refuses the address; neither
// ever holds a space), then a space and the address as given where it differs from the
// parsed one. The kind is "n" for this page's location reached by a fresh navigation
// (`navigated`), "h" for it reached otherwise, "o" for another address; or, alone, why
// nothing could be read: "w" no window (a worker), "t" a string over `max` (never copied
// into the wasm), "k" an argument of another kind.
export function arrival(input, max) {
  if (!is(globalThis.window, "Window")) return "w";
  // The document's URL is `location.href` (HTML: Location's url is its document's), read
  // without the Location object's checks (docs/performance.md has both costs).
  const current = document.URL;
  let href = current;
  if (typeof input === "string") {
    if (input.length > max) return "t";
    href = input;
  } else if (input != null) {
    href = (is(input, "Location") || is(input, "URL")) && field(input, "href")?.[0];
    if (typeof href !== "string") return "k";
  }
  const kind = href !== current ? "o" : navigated() ? "n" : "h";
  const parsed = url(href) ?? " ";
  return kind + parsed + (parsed.slice(parsed.indexOf(" ") + 1) === href ? "" : " " + href);
}

// This page's `location.href` or `location.origin`; undefined where it cannot be read.
export function here(part) {
  try {
    return String(location[part]);
  } catch {
    // Unreadable: the caller says so.
  }
}

// Calls `f(a, b)`, a function of ours (a promise's settle, a listeners' remover); what
// it throws is dropped.
export function run(f, a, b) {
  try {
    f(a, b);
  } catch {
    // Nothing of ours throws here; nothing to undo if a page's patch did.
  }
}

// Whether `value` is an instance of the global class `name` (false where the page has no
// such class): one import for every class test, instead of one per class.
export function is(value, name) {
  try {
    return value instanceof globalThis[name];
  } catch {
    return false;
  }
}

// Whether this page was reached by a fresh navigation (Navigation Timing Level 2: a link, a
// redirect, the address bar; not a reload, Back or a restored tab). False where the API is
// missing or throws. Read by `arrival` only.
function navigated() {
  try {
    return performance.getEntriesByType("navigation")[0].type === "navigate";
  } catch {
    return false;
  }
}

// Calls the app's onEvent with an event (docs/api.md "onEvent"): every field an own
// property, as results are. A handler that throws is ignored: the flow goes on.
export function emit(on, name, provider, mode, ok, error) {
  try {
    on({ name: names[name], provider, mode, ok, error: codes[error] });
  } catch {
    // The app's handler threw.
  }
}

// Replaces this page's address with `url` (the callback parameters gone), keeping the
// history entry's state (an app router's own).
export function replaceAddress(url) {
  try {
    history.replaceState(history.state, "", url);
  } catch {
    // A sandboxed document may refuse: the address stays.
  }
}

// This tab's sessionStorage (storage.rs), in one call an operation, each answered as the
// wasm reads it without a second call. `stored(key)` answers the value, "" when there is
// none (our key never holds an empty one), or undefined when storage failed. `store(key, value)` writes `value`
// under `key` (removes it when `value` is undefined), and reads the write back: reading
// `key` must then give `value` (null once removed), or the write did not stick. It
// answers 0 when it did, 1 for the quota (QuotaExceededError; NS_ERROR_DOM_QUOTA_REACHED
// in older Firefox releases), 2 for anything else (storage missing, disabled or throwing,
// a write that was not kept).
// The window's Storage object is the same for the document's life (HTML: its session
// storage holder), and each read of `sessionStorage` costs a getter's checks, so it is read
// once it reads well. Where storage is refused later, the object's own methods throw.
let sessionArea;
const session = () => {
  sessionArea ??= sessionStorage;
  if (typeof sessionArea !== "object") throw (sessionArea = undefined);
  return sessionArea;
};
export function stored(key) {
  try {
    return session().getItem(key) ?? "";
  } catch {
    // Storage failed: undefined.
  }
}
export function store(key, value) {
  try {
    const s = session();
    if (value === undefined) s.removeItem(key);
    else s.setItem(key, value);
    return s.getItem(key) === (value ?? null) ? 0 : 2;
  } catch (e) {
    return is(e, "DOMException") && (e.name === "QuotaExceededError" || e.name === "NS_ERROR_DOM_QUOTA_REACHED") ? 1 : 2;
  }
}
