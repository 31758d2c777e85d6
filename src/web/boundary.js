// The JS half of the browser boundary (src/web/*.rs). Each function does in one call what
// would otherwise be a crossing per field: every crossing with a string decodes it, and a
// result object built by Reflect.set per field cost several times one object literal
// (docs/performance.md).
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
export function ok(provider, state, code, loginId, credentialsId, codeVerifier, params, appState) {
  return result(true, provider, state, code, loginId, credentialsId, codeVerifier, undefined, undefined, undefined, params, appState);
}

export function no(provider, state, error, errorDescription, errorUri, params, appState) {
  return result(false, provider, state, undefined, undefined, undefined, undefined, error, errorDescription, errorUri, params, appState);
}

// One literal for both variants: every field is written once, in one order.
const result = (ok, provider, state, code, loginId, credentialsId, codeVerifier, error, errorDescription, errorUri, params, appState) =>
  ({ ok, provider, state, code, loginId, credentialsId, codeVerifier, error, errorDescription, errorUri, params, appState: json(appState) });

// A promise and the one function that settles it: `settle(true, value)` resolves it,
// `settle(false, error)` rejects it (interop.rs `Deferred`).
export function deferred() {
  let settle;
  const promise = new Promise((resolve, reject) => {
    settle = (ok, value) => (ok ? resolve : reject)(value);
  });
  return { promise, settle };
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

// The JS AuthError: an Error named AuthError, with `code` and `field` (undefined unless
// invalid_config) as own properties.
export function authError(message, code, field) {
  const e = new Error(message);
  e.name = "AuthError";
  e.code = code;
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

// Whether this page was reached by a fresh navigation (Navigation Timing Level 2: a link,
// a redirect, the address bar; not a reload, Back or a restored tab). False where the API
// is missing or throws.
export function navigated() {
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
    on({ name, provider, mode, ok, error });
  } catch {
    // The app's handler threw.
  }
}

// A popup relay `{ type, state, href }` judged before any of it is copied into wasm: the
// type, then each field's typeof and length. Undefined for anything else; the href is
// null when it is longer than `maxHref` (the flow's own answer, too large to read).
export function relay(data, type, stateLength, maxHref) {
  try {
    if (data === null || typeof data !== "object" || data.type !== type) return;
    const { state, href } = data;
    if (typeof state !== "string" || state.length !== stateLength || typeof href !== "string") return;
    return [state, href.length > maxHref ? null : href];
  } catch {
    // A getter that throws, a revoked proxy: not a relay.
  }
}

// The shared store's hint (core/shared.rs): `write` undefined reads it (undefined when
// absent, unreadable or not ours by its length), null removes it, a string sets it. Keys
// of the localStorage format before IndexedDB (`legacy`, `claims` + state) are removed
// when found, looked for once per page: a read less on every later call.
let legacyLooked = false;
export function hint(key, write, legacy, claims) {
  try {
    const ls = localStorage;
    if (!legacyLooked && (legacyLooked = true) && ls.getItem(legacy) !== null) {
      ls.removeItem(legacy);
      for (let i = ls.length; i--; ) {
        const k = ls.key(i);
        if (k !== null && k.startsWith(claims)) ls.removeItem(k);
      }
    }
    if (write === undefined) {
      const text = ls.getItem(key);
      return text !== null && text.length <= 48 ? text : undefined;
    }
    if (write === null) ls.removeItem(key);
    else ls.setItem(key, write);
  } catch {
    // No localStorage (a sandboxed frame): no hint.
  }
}

// One readwrite transaction on the shared store (core/shared.rs): the index under `key` is
// read, judged by typeof and length (anything else is no index of ours and is never
// copied: the decision starts from an empty one), handed to `decide`, and what `decide`
// returns is written in the same transaction (undefined: the key is deleted). `done` is
// called once: with nothing when the transaction committed, with the error when anything
// refused.
export function transact(db, store, key, max, decide, done) {
  let ended = false;
  const end = (error) => {
    if (!ended) {
      ended = true;
      done(error);
    }
  };
  try {
    const open = indexedDB.open(db, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(store);
    open.onerror = () => end(open.error || new Error("indexedDB.open failed"));
    open.onblocked = () => end(new Error("indexedDB.open was blocked"));
    open.onsuccess = () => {
      const conn = open.result;
      try {
        const tx = conn.transaction(store, "readwrite");
        const os = tx.objectStore(store);
        const got = os.get(key);
        got.onsuccess = () => {
          const v = got.result;
          const write = decide(typeof v === "string" && v.length <= max ? v : "");
          if (write === undefined) os.delete(key);
          else os.put(write, key);
        };
        tx.oncomplete = () => {
          conn.close();
          end();
        };
        tx.onabort = () => {
          conn.close();
          end(tx.error || new Error("the transaction was aborted"));
        };
      } catch (e) {
        conn.close();
        end(e);
      }
    };
  } catch (e) {
    end(e);
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

// Writes `text` into the page (plain text: nothing a provider sent is ever shown).
export function say(text) {
  try {
    if (document.body) document.body.textContent = text;
  } catch {
    // No document to write into.
  }
}

// The relay message `{ type, state, href }` a popup's callback page posts; `said(data, type)`
// tells whether a message is the opener's word `{ type }` that it settled the flow.
export const relayMessage = (type, state, href) => ({ type, state, href });
export function said(data, type) {
  try {
    return data !== null && typeof data === "object" && data.type === type;
  } catch {
    return false;
  }
}

// The flow's BroadcastChannel, named after its state, with its listener; undefined where
// none can be made.
const channel = (name, onmessage) => {
  try {
    const c = new BroadcastChannel(name);
    c.onmessage = onmessage;
    return c;
  } catch {
    // No BroadcastChannel (an old engine, a sandboxed frame).
  }
};

// A waiting popup flow's listeners (popup.rs `listen`): `on(source, event)` hears this
// window's message (0) and blur (1), the poll (2, every `pollMs`), the timeout (3), the
// flow's channel (4) and the signal's abort (5). Returns the function that removes them
// all and, on the channel, posts the word `{ type }` that the flow is settled.
export function watch(on, name, signal, pollMs, timeoutMs) {
  const to = (source) => (event) => on(source, event);
  const message = to(0);
  const blur = to(1);
  const abort = to(5);
  addEventListener("message", message);
  addEventListener("blur", blur);
  const poll = setInterval(to(2), pollMs);
  const timer = setTimeout(to(3), timeoutMs);
  signal?.addEventListener("abort", abort);
  const c = channel(name, to(4));
  return (type) => {
    removeEventListener("message", message);
    removeEventListener("blur", blur);
    clearInterval(poll);
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
    if (c) {
      c.onmessage = null;
      c.postMessage({ type });
      c.close();
    }
  };
}

// A relay on the flow's channel (popup.rs `relay_on_channel`): posts `message` there, then
// `on(0, data)` hears each message on it and `on(1)` the end of the wait for the opener's
// word, after `waitMs`. Returns the function that closes the channel; undefined when none
// could be made (then nobody heard the relay on it, and no wait runs).
export function hear(name, message, on, waitMs) {
  const c = channel(name, (e) => on(0, e.data));
  if (!c) return;
  c.postMessage(message);
  setTimeout(() => on(1), waitMs);
  return () => {
    c.onmessage = null;
    c.close();
  };
}

// What the popup flow samples on each tick: bit 1 the popup is closed, bit 2 this page has
// the focus, bit 4 the popup has left its initial about:blank (reading another origin's
// location throws: the provider's page has loaded).
export function look(popup) {
  let bits = 0;
  try {
    if (popup.closed) bits |= 1;
  } catch {
    bits |= 1;
  }
  try {
    if (document.hasFocus()) bits |= 2;
  } catch {
    bits |= 2;
  }
  try {
    if (popup.location.href !== "about:blank") bits |= 4;
  } catch {
    bits |= 4;
  }
  return bits;
}

// The opener's place on screen (popup.rs `frame`): screenX, screenY, outerWidth or
// outerHeight by number; 0 where one is unreadable.
export function screen(i) {
  try {
    return +[screenX, screenY, outerWidth, outerHeight][i] || 0;
  } catch {
    return 0;
  }
}

// A popup's callback page and its opener (popup.rs `relay_if_popup`): whether there is
// one, this window's name, and the relay posted to it for this page's own origin only (a
// WindowProxy of another origin is no `instanceof Window`; postMessage is still callable).
export function hasOpener() {
  try {
    return opener !== null && typeof opener === "object";
  } catch {
    return false;
  }
}

export function windowName() {
  try {
    return String(name);
  } catch {
    return "";
  }
}

export function toOpener(message) {
  try {
    if (opener !== null && typeof opener === "object") opener.postMessage(message, location.origin);
  } catch {
    // No opener to tell: the flow's channel carries the relay.
  }
}

// The opener's index written into the popup's own sessionStorage (popup.rs `hand_copy`).
export function handCopy(popup, key, text) {
  try {
    popup.sessionStorage.setItem(key, text);
  } catch {
    // The popup's storage refused: the browser's own clone is all it gets.
  }
}

// This tab's sessionStorage (storage.rs): `op` 0 reads `key` (its value, or null), 1 writes
// `value` under it, 2 removes it, 3 only reads `sessionStorage` itself. A failure answers a
// number: 1 for the quota (QuotaExceededError; NS_ERROR_DOM_QUOTA_REACHED in older Firefox
// releases), 0 for anything else (storage missing, disabled or throwing).
export function session(op, key, value) {
  try {
    const s = sessionStorage;
    if (s === null || typeof s !== "object") return 0;
    if (op === 0) return s.getItem(key);
    if (op === 1) s.setItem(key, value);
    else if (op === 2) s.removeItem(key);
  } catch (e) {
    return is(e, "DOMException") && (e.name === "QuotaExceededError" || e.name === "NS_ERROR_DOM_QUOTA_REACHED") ? 1 : 0;
  }
}

// Closes a popup that has relayed its answer: now if its page has loaded, else once it has
// (WebKit ignored a close() that came while the page was still loading).
export function closeWhenLoaded(w) {
  try {
    if (w.document.readyState === "complete") w.close();
    else w.addEventListener("load", () => w.close(), { once: true });
  } catch {
    // A window we may not close: the page says where to go instead (popup.rs).
  }
}
