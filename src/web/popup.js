// The JS half of popup mode (popup.rs, handoff.rs): the popup's and the opener's browser
// calls, each in one call from the wasm. Nothing here decides anything; the Rust side
// (core::popup, core::handoff) does.

// The protocol's words (core::popup `MESSAGE_TYPE`, `SETTLED`, `CLOSE_AND_RETURN`): the relay
// message's type, the opener's word that it settled the flow, and what a popup's page says
// when no word came. Written here rather than passed from the wasm at every call;
// tests/relay.rs holds them to the Rust ones.
const TYPE = "bank-link:callback";
const SETTLED = "bank-link:settled";
const CLOSE_AND_RETURN = "This sign-in is finished. You can close this window and return to the app.";

// A popup relay `{ type, state, href }` judged before any of it is copied into wasm: the
// type, then each field's typeof and length. Undefined for anything else; the href is
// null when it is longer than `maxHref` (the flow's own answer, too large to read).
export function relay(data, stateLength, maxHref) {
  try {
    if (data === null || typeof data !== "object" || data.type !== TYPE) return;
    const { state, href } = data;
    if (typeof state !== "string" || state.length !== stateLength || typeof href !== "string") return;
    return [state, href.length > maxHref ? null : href];
  } catch {
    // A getter that throws, a revoked proxy: not a relay.
  }
}

// What a message event says of its sender (popup.rs `woke`), sampled without copying
// anything of it into the wasm: 1 when its `source` is `popup`, 2 when its `origin` is
// exactly this page's. Nothing here decides; core::popup `from_flow` does.
export function sender(event, popup) {
  try {
    return (event.source === popup) | ((event.origin === location.origin) << 1);
  } catch {
    return 0;
  }
}

// The relay message `{ type, state, href }` a popup's callback page posts; `said(data)`
// tells whether a message is the opener's word `{ type: SETTLED }` that it settled the flow.
const relayMessage = (state, href) => ({ type: TYPE, state, href });
function said(data) {
  try {
    return data !== null && typeof data === "object" && data.type === SETTLED;
  } catch {
    return false;
  }
}

// The flow's BroadcastChannel, named after its state (the name's one home in the library;
// js/relay.js restates it, tests/relay.rs holds the two together), with its listener;
// undefined where none can be made.
const channel = (state, onmessage) => {
  try {
    const c = new BroadcastChannel(`bank-link:${state}`);
    c.onmessage = onmessage;
    return c;
  } catch {
    // No BroadcastChannel (an old engine, a sandboxed frame).
  }
};

// The states this window's flows wait for (popup.rs `waits`): a window never relays a
// callback to itself.
const waiting = new Set();
export const waits = (state) => waiting.has(state);

// A waiting popup flow's listeners (popup.rs `listen`): `on(source, event)` hears this
// window's message (0) and blur (1), the poll (2, every `pollMs`), the timeout (3), the
// flow's channel (4) and the signal's abort (5). Returns the function that removes them
// all and, on the channel, posts the word `{ type: SETTLED }` that the flow is settled, then
// closes the popup (what `popup.close()` throws is dropped).
export function watch(on, state, signal, pollMs, timeoutMs) {
  const to = (source) => (event) => on(source, event);
  const message = to(0);
  const blur = to(1);
  const abort = to(5);
  addEventListener("message", message);
  addEventListener("blur", blur);
  const poll = setInterval(to(2), pollMs);
  const timer = setTimeout(to(3), timeoutMs);
  signal?.addEventListener("abort", abort);
  const c = channel(state, to(4));
  waiting.add(state);
  return (popup) => {
    waiting.delete(state);
    removeEventListener("message", message);
    removeEventListener("blur", blur);
    clearInterval(poll);
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
    if (c) {
      c.onmessage = null;
      c.postMessage({ type: SETTLED });
      c.close();
    }
    try {
      popup.close();
    } catch {
      // Nothing to close.
    }
  };
}

// A relay on the flow's channel (popup.rs `relay_on_channel`): posts the relay `{ type,
// state, href }` there, then `on(0)` hears the opener's word `{ type: SETTLED }` that it
// settled the flow (each time it comes; any other message on the channel is not heard) and
// `on(1)` the end of the wait for it, after `waitMs`; the channel closes once `on` answers
// true. Where none can be made, nobody heard the relay: `on(2)` is told at once, no wait
// runs, and this answers false.
export function hear(state, href, on, waitMs) {
  const heard = (source) => {
    if (on(source) === true) {
      c.onmessage = null;
      c.close();
    }
  };
  const c = channel(state, (e) => said(e.data) && heard(0));
  if (!c) {
    on(2);
    return false;
  }
  c.postMessage(relayMessage(state, href));
  setTimeout(() => heard(1), waitMs);
  return true;
}

// What the popup flow samples on each tick: bit 1 the popup is closed, bit 2 this page has
// the focus, bit 4 the popup has left its initial about:blank (reading another origin's
// location throws: the provider's page has loaded).
export function look(popup) {
  let bits = 0;
  // Each read that throws counts as the safe answer.
  for (const [bit, read] of [[1, () => popup.closed], [2, () => document.hasFocus()], [4, () => popup.location.href !== "about:blank"]]) {
    try {
      if (read()) bits |= bit;
    } catch {
      bits |= bit;
    }
  }
  return bits;
}

// The opener's place on screen (popup.rs `frame`): window `w`'s screenX, screenY,
// outerWidth or outerHeight by number; 0 where one is unreadable.
export function screen(w, i) {
  try {
    return +[w.screenX, w.screenY, w.outerWidth, w.outerHeight][i] || 0;
  } catch {
    return 0;
  }
}

// A popup's callback page and its opener (popup.rs `relay_if_popup`): whether there is
// one, this window's name when there is (undefined when not; "" where the name is
// unreadable), and the relay posted to it for this page's own origin only (a WindowProxy
// of another origin is no `instanceof Window`; postMessage is still callable: `relayFromPopup`).
function hasOpener() {
  try {
    return opener !== null && typeof opener === "object";
  } catch {
    return false;
  }
}

export function openerName() {
  if (!hasOpener()) return;
  try {
    return String(name);
  } catch {
    return "";
  }
}

// A popup page's relay (popup.rs `relay_if_popup`): posted to the opener, and on the flow's
// channel, heard for as long as the page lives: on the opener's word `{ type: SETTLED }` the
// window closes, now if its page has loaded, else once it has (WebKit ignored a close() that
// came while the page was still loading); when no word came within `waitMs`, the page says
// `CLOSE_AND_RETURN`.
export function relayFromPopup(state, href, waitMs) {
  try {
    if (hasOpener()) opener.postMessage(relayMessage(state, href), location.origin);
  } catch {
    // No opener to tell: the flow's channel carries the relay.
  }
  hear(
    state,
    href,
    (source) => {
      if (source === 1) say(CLOSE_AND_RETURN);
      else if (source === 0) {
        try {
          if (document.readyState === "complete") window.close();
          else addEventListener("load", () => window.close(), { once: true });
        } catch {
          // A window we may not close: the page says where to go instead.
        }
      }
    },
    waitMs,
  );
}

// `w.open(url, name, features)` (popup.rs `start`): a throw answers as a blocked popup.
export function open(w, url, name, width, height, left, top) {
  try {
    return w.open(url, name, `popup=yes,width=${width},height=${height},left=${left},top=${top}`);
  } catch {
    // Refused (a sandboxed frame): no popup.
  }
}

// The opener's index (under core::store `INDEX_KEY`) written into the popup's own
// sessionStorage (popup.rs `hand_copy`).
const KEY = "bank-link";
export function handCopy(popup) {
  try {
    const text = sessionStorage.getItem(KEY);
    if (text !== null) popup.sessionStorage.setItem(KEY, text);
  } catch {
    // The popup's storage refused: the browser's own clone is all it gets.
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
