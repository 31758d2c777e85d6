//! Popup mode in the browser, the driver of `core::popup::Waiting`: the opener opens the
//! window inside the caller's click, keeps the pending record in its own memory, and
//! feeds the machine what it samples (messages judged before they are read, `closed`,
//! focus, time, the signal); it verifies what the machine admits and ends the flow when
//! the machine says so. Relays come as origin- and source-checked `postMessage`, or on a
//! `BroadcastChannel` named after the state when a provider's COOP severed the opener.
//!
//! With `storage: "local"` the flow is also kept in the shared store (`shared.rs`), so
//! that a tab the answer reaches instead of the popup (a bank app that opened the
//! redirect URI in a new tab) can relay it, or complete the flow when the opener is gone.
//! The opener then verifies and consumes the shared record in one transaction: exactly
//! one window completes the flow.

use super::events::Events;
use super::interop::{self, Handler};
use super::shared::{self, Task};
use super::storage::WebStore;
use super::{BrowserUrl, Prepared};
use crate::core::authorize::begin;
use crate::core::callback::{strip_callback_params, verify_relayed, Navigation};
use crate::core::config::StorageArea;
use crate::core::error::{AuthError, ErrorCode};
use crate::core::events::EventName;
use crate::core::handoff::SETTLED_WAIT_MS;
use crate::core::outcome::AuthorizationResult;
use crate::core::popup::verdict;
use crate::core::popup::{
    from_flow, judge, named_relay, placement, relay_state, timeout_ms, window_name, Admit, Frame, Step, Via, Waiting,
    Wake, POLL_MS,
};
use crate::core::shared::{relayed_outcome, Answer};
use crate::core::store::{forget, put_pending, IndexCopy};
use crate::core::uri::UrlParser;
use js_sys::Function;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, MessageEvent, Window};

/// Everything one waiting popup flow holds; dropped (listeners with it) when it ends.
struct Flow {
    popup: Window,
    state: String,
    /// The opener's own record: the popup's storage is only a copy.
    store: IndexCopy,
    settle: Settle,
    /// The app's `onEvent`.
    events: Events,
    /// `storage: "local"`: the flow is also in the shared store.
    local: bool,
    /// Removes every listener (`popup.js` `watch`).
    unwatch: Function,
    /// The decisions.
    waiting: Waiting,
}

/// What a flow does with its outcome, once: resolve or reject the JS promise
/// (`startAuthorization`), or wake the Rust future ([`crate::start_popup`]).
pub type Settle = Box<dyn FnOnce(Result<AuthorizationResult, AuthError>)>;

/// What woke a waiting flow, numbered as `popup.js` `watch` calls it.
pub(super) mod source {
    /// A `message` event on the opener window.
    pub const MESSAGE: u8 = 0;
    /// The opener window's `blur`.
    pub const BLUR: u8 = 1;
    /// The `popup.closed` poll.
    pub const TICK: u8 = 2;
    /// `popup.timeoutMs` is over.
    pub const TIMEOUT: u8 = 3;
    /// A message on the flow's BroadcastChannel.
    pub const CHANNEL: u8 = 4;
    /// The signal's `abort`.
    pub const ABORT: u8 = 5;
    /// A relay's channel (`popup.js` `hear`): the opener's word that it settled the flow.
    pub const HEARD: u8 = 0;
    /// A relay's channel: the wait for the opener's word is over.
    pub const WAIT_OVER: u8 = 1;
    /// A relay's channel: none could be made, so nobody heard the relay (said at once).
    pub const NO_CHANNEL: u8 = 2;
}

type Shared = Rc<RefCell<Option<Flow>>>;

/// Samples what woke the flow and feeds it to the machine. Every borrow is a `try_`: an
/// event dispatched synchronously while the flow is borrowed (a page's own doing) is
/// dropped rather than allowed to panic the module.
fn woke(s: &Shared, source: u8, event: &JsValue) {
    let message = || event.unchecked_ref::<MessageEvent>();
    let mut href = None;
    let step = {
        let Ok(mut guard) = s.try_borrow_mut() else { return };
        let Some(flow) = guard.as_mut() else { return };
        let wake = match source {
            source::MESSAGE | source::CHANNEL => {
                if source == source::MESSAGE {
                    // Origin and source first, compared in JS: a message from anywhere else
                    // is never read, and nothing of it (not even its origin) is copied.
                    if !from_flow(via_window(event, &flow.popup)) {
                        return;
                    }
                }
                // Judged by typeof and length in JS before any of it is copied.
                let admitted = match interop::relay_message(&message().data()) {
                    Some((state, h)) => {
                        let admitted = judge(&state, h.as_deref(), &flow.state);
                        href = h;
                        admitted
                    }
                    None => Admit::Ignore,
                };
                Wake::Relay(admitted, href.as_deref().unwrap_or(""))
            }
            source::BLUR => Wake::Blur,
            source::TICK => {
                // Closed, this page focused, the popup's page loaded: sampled in one call.
                let bits = look(&flow.popup);
                Wake::Look {
                    closed: bits & 1 != 0,
                    focused: bits & 2 != 0,
                    loaded: bits & 4 != 0,
                    now_ms: js_sys::Date::now(),
                }
            }
            source::TIMEOUT => Wake::Timeout,
            source::ABORT => Wake::Abort,
            _ => return,
        };
        flow.waiting.on(wake)
    };
    stepped(s, step, href);
}
/// Where a `message` event on this window came from, for [`from_flow`]: sampled in JS
/// against the flow's `popup` and this page's origin, with nothing of the event copied.
/// Public for the popup-message catalogue (tests/popup_messages.rs).
pub fn via_window(event: &JsValue, popup: &Window) -> Via {
    let bits = sender(event, popup);
    Via::Window { from_popup: bits & 1 != 0, same_origin: bits & 2 != 0 }
}

/// Does what the machine said.
fn stepped(s: &Shared, step: Step, href: Option<String>) {
    match step {
        Step::Wait => {}
        Step::Verify => verify(s, href.unwrap_or_default()),
        Step::End(outcome) => {
            if let Some(events) = s.try_borrow().ok().and_then(|g| g.as_ref().map(|f| f.events.clone())) {
                if outcome.as_ref().err().is_none_or(|e| {
                    !matches!(e.code, ErrorCode::PopupClosed | ErrorCode::PopupTimeout | ErrorCode::Aborted)
                }) {
                    events.emit(EventName::Relayed, None, None, None);
                }
            }
            finish(s, outcome);
        }
    }
}

/// Verifies an admitted relay: a shared flow in one transaction of the shared store (which
/// consumes it there), otherwise against the opener's own record; the verdict goes back
/// to the machine.
fn verify(s: &Shared, href: String) {
    let Some((local, state)) = s.try_borrow().ok().and_then(|g| g.as_ref().map(|f| (f.local, f.state.clone()))) else {
        return;
    };
    if !local {
        let verdict = own_record(s, &href);
        return verified(s, verdict);
    }
    let back = Rc::clone(s);
    shared::run(
        Task::Relayed(href.clone(), state),
        Some(Box::new(move |answer| {
            let verdict = match answer {
                // The shared record is gone (expired, evicted) without a `done` marker:
                // no other tab can complete the flow, the opener's own copy decides.
                Ok(Answer::Absent) => own_record(&back, &href),
                Ok(answer) => relayed_outcome(answer),
                Err(e) => Some(Err(e)),
            };
            verified(&back, verdict);
        })),
    );
}

/// The relay verified against the opener's own record.
fn own_record(s: &Shared, href: &str) -> Option<Result<AuthorizationResult, AuthError>> {
    let mut guard = s.try_borrow_mut().ok()?;
    let flow = guard.as_mut()?;
    verdict(verify_relayed(href, &mut flow.store, js_sys::Date::now() as u64, &BrowserUrl))
}

fn verified(s: &Shared, verdict: Option<Result<AuthorizationResult, AuthError>>) {
    let step = match s.try_borrow_mut() {
        Ok(mut guard) => match guard.as_mut() {
            Some(flow) => flow.waiting.on(Wake::Verified(verdict)),
            None => return,
        },
        Err(_) => return,
    };
    stepped(s, step, None);
}

/// The opener's place on screen, to centre the popup over it.
fn frame(w: &Window) -> Frame {
    Frame { x: screen(w, 0), y: screen(w, 1), width: screen(w, 2), height: screen(w, 3) }
}

/// Opens the popup now (synchronously, inside the caller's click: Safari blocks a popup
/// opened after an `await`) and waits for its result, which goes to `settle`. An error
/// here means nothing was opened and `settle` is never called.
pub fn start(
    Prepared { window, cfg, seed, now_ms }: Prepared,
    signal: Option<AbortSignal>,
    events: &Events,
    settle: Settle,
) -> Result<(), AuthError> {
    let (window, cfg) = (&window, &cfg);
    if signal.as_ref().is_some_and(AbortSignal::aborted) {
        return Err(AuthError::new(ErrorCode::Aborted, "the signal was already aborted; no popup was opened"));
    }
    let mut store = IndexCopy::default();
    let auth = begin(cfg, &seed, now_ms, &mut store)?;
    // A copy in sessionStorage, written before `open`, is what the browser copies into
    // the popup: it is how the popup's callback page knows it is one (core
    // `relay_state`). Without it the popup could never relay, so no storage, no popup.
    put_pending(&mut WebStore, &auth.state, &auth.pending, now_ms)?;
    let shared_flow: Shared = Rc::new(RefCell::new(None));
    let local = cfg.storage() == StorageArea::Local;
    if local {
        // The shared record's transaction is created before the window opens: any
        // transaction that could take the answer is created later, and IndexedDB runs
        // overlapping transactions in the order they were created. So the popup opens at
        // once, inside the click; if the store refuses, the flow ends with that error.
        let back = Rc::clone(&shared_flow);
        shared::run(
            Task::Put(auth.state.clone(), auth.pending),
            Some(Box::new(move |kept| match kept {
                Ok(Answer::Done) => {}
                Ok(Answer::Refused(e)) | Err(e) => finish(&back, Err(e)),
                Ok(_) => finish(&back, Err(shared::unavailable())),
            })),
        );
    }
    let at = placement(cfg, frame(window));
    let opened = open(window, &auth.url, &window_name(&auth.state), at.width, at.height, at.left, at.top);
    // The opener keeps its own copy until the flow ends (`finish`): WebKit clones the
    // sessionStorage for the popup on another channel than this page's own writes, so a
    // removal right after `open` can reach the storage first and leave the popup without
    // its copy (seen under load). This window `waits` for the state meanwhile,
    // which keeps it from taking itself for the popup.
    let Some(popup) = opened else {
        forget(&mut WebStore, &auth.state);
        if local {
            shared::run(Task::Forget(auth.state.clone()), None);
        }
        return Err(AuthError::new(
            ErrorCode::PopupBlocked,
            "the browser blocked the popup; call startAuthorization inside a click handler, before any await",
        ));
    };
    hand_copy(&popup);
    // The listeners are registered before the flow is in its cell (nothing they hear
    // comes within this task), so the flow is made whole, with no field to fill later.
    let s = Rc::clone(&shared_flow);
    let handler = Handler::new(move |source, event: JsValue| {
        woke(&s, source, &event);
        JsValue::UNDEFINED
    });
    // JS owns what hears the listeners: it is freed once the listeners are gone.
    let unwatch = watch(&handler.into_js_value(), &auth.state, signal.as_ref(), POLL_MS, timeout_ms(cfg));
    *shared_flow.borrow_mut() = Some(Flow {
        popup,
        state: auth.state,
        store,
        settle,
        events: events.clone(),
        local,
        unwatch,
        waiting: Waiting::default(),
    });
    events.emit(EventName::Open, Some(cfg.provider()), None, None);
    Ok(())
}

#[wasm_bindgen(module = "/src/web/popup.js")]
extern "C" {
    /// What a `message` event says of its sender, as bits, with nothing of it copied: 1 its
    /// `source` is `popup`, 2 its `origin` is this page's.
    fn sender(event: &JsValue, popup: &Window) -> u8;
    /// What a tick samples of the popup, as bits: 1 closed, 2 this page focused, 4 the
    /// popup's page loaded (no longer its initial `about:blank`).
    fn look(popup: &Window) -> u8;
    /// `window`'s `screenX`, `screenY`, `outerWidth` or `outerHeight` (0, 1, 2, 3); 0 where
    /// unreadable. (Taking the window makes the glue call it through a wrapper: an import
    /// wasm-bindgen can take straight from the snippet would make the bundle build the
    /// snippet's namespace object, every export by name.)
    fn screen(window: &Window, i: u8) -> f64;
    /// `window.name` when this window has an opener (`window.opener` is an object): `None`
    /// when it has none, `""` where the name is unreadable.
    #[wasm_bindgen(js_name = openerName)]
    fn opener_name() -> Option<String>;
    /// A popup page's relay `{ type, state, href }`: posted to this window's opener, for
    /// this page's own origin only, and on the flow's channel, which is heard for as long as
    /// the page lives (the opener's word may come after the wait): the window closes once the
    /// word `{ type: SETTLED }` comes (once its page has loaded: WebKit ignored a `close()`
    /// that came while it was still loading), and says `CLOSE_AND_RETURN` when none came
    /// within `wait_ms`. (The protocol's words are `popup.js`'s own: core `popup` names them,
    /// and tests/relay.rs holds the two to one text.)
    #[wasm_bindgen(js_name = relayFromPopup)]
    fn relay_from_popup(state: &str, href: &str, wait_ms: i32);
    /// `window.open(url, name, features)`, the features a popup of this size at this place
    /// (core `placement`); `None` when it returned null or threw (caught in `popup.js`: no
    /// exception crosses into the wasm, which then carries no code to take one).
    fn open(window: &Window, url: &str, name: &str, width: u32, height: u32, left: u32, top: u32) -> Option<Window>;
    /// Writes this tab's index (`key`), the new flow's record in it, into the popup's own
    /// sessionStorage, while the popup still shows its initial `about:blank` (ours, until the
    /// navigation to the provider commits, which cannot happen inside this task). The browser's
    /// clone at `open` already carries it in Chromium and Firefox. WebKit clones on a request
    /// from its UI process, which can reach the storage before this page's own write of the
    /// record: the popup then lacked its copy (seen under load: docs/testing.md).
    /// This write goes on this page's connection, after the record's: whichever side of the
    /// clone it lands on, the popup's area ends up holding the record. A popup of a provider
    /// with COOP has no opener and no name left, so the copy is all that makes its callback
    /// page a popup's (core `relay_state`).
    /// The text goes from storage to storage in JS, never through the wasm, under the
    /// index's key (core `INDEX_KEY`), which `popup.js` names itself.
    #[wasm_bindgen(js_name = handCopy)]
    fn hand_copy(popup: &Window);
    /// Registers a waiting flow's listeners; returns the function that removes them, posts
    /// the word that the flow is settled and closes the popup (`remove(popup)`). While
    /// they are registered, this window [`waits`] for `state`.
    fn watch(on: &JsValue, state: &str, signal: Option<&AbortSignal>, poll_ms: i32, timeout_ms: u32) -> Function;
    /// Whether a flow of this window waits for `state` (its listeners are registered): a
    /// window never relays a callback to itself (core `relay_state`).
    fn waits(state: &str) -> bool;
    /// Posts the relay `{ type, state, href }` on the flow's channel and hears the opener's
    /// word `{ type: SETTLED }` there; whether a channel could be made.
    fn hear(state: &str, href: &str, on: &JsValue, wait_ms: i32) -> bool;
}

/// Every ending: removes the pending record (memory, the popup's copy, the shared one)
/// and every listener, closes the popup, then settles the promise.
fn finish(shared: &Shared, outcome: Result<AuthorizationResult, AuthError>) {
    let Some(flow) = shared.try_borrow_mut().ok().and_then(|mut g| g.take()) else { return };
    // Every listener goes, the channel carries the word that the flow is settled, and the
    // popup is closed.
    interop::run(&flow.unwatch, &flow.popup, &JsValue::UNDEFINED);
    forget(&mut WebStore, &flow.state);
    if flow.local {
        // Ended without the answer (closed, timed out, aborted, refused): the shared record
        // goes too. A consumed one keeps its `done` marker (forgetting removes pending
        // records only).
        shared::run(Task::Forget(flow.state.clone()), None);
    }
    flow.events.ended(outcome.as_ref(), None);
    (flow.settle)(outcome);
    // The listeners' handler is JS's: freed once the removed listeners no longer hold it.
}

/// The popup side, from `handleCallback`: when this page is a popup's callback (core
/// `relay_state`), hand it to the opener (postMessage to our own origin only, and the
/// state's BroadcastChannel for when COOP severed `window.opener`), drop this tab's copy
/// of the record and the callback parameters from the address bar, and answer the address
/// left there (`None`: no relay). The window closes when the opener says it settled the
/// flow (the opener also closes it where it can); if no word comes, the opener is gone and
/// the page says so.
pub fn relay_if_popup(href: &str, nav: Navigation, parser: &dyn UrlParser) -> Option<String> {
    let relayed =
        relay_state(href, Some(&mut WebStore), nav, waits, js_sys::Date::now() as u64, parser).or_else(|| {
            let name = opener_name();
            named_relay(href, name.as_deref().unwrap_or(""), name.is_some(), waits, parser)
        });
    let state = relayed?;
    // The verifier and appState need not stay in the popup's storage, nor the callback in
    // its history.
    forget(&mut WebStore, &state);
    let cleaned = clean_address(href, parser);
    relay_from_popup(&state, href, SETTLED_WAIT_MS);
    Some(cleaned.unwrap_or_else(|| href.to_owned()))
}

/// Posts the relay of `href` for `state` on the flow's channel, where `heard` hears the
/// opener's word that it settled the flow ([`source::HEARD`]) and the end of the wait for
/// it ([`source::WAIT_OVER`], after [`SETTLED_WAIT_MS`]); where no channel can be made,
/// `heard` is told at once ([`source::NO_CHANNEL`]: nobody heard the relay). The channel
/// closes once `heard` answers `true`. Whether a channel was made.
pub(super) fn relay_on_channel(state: &str, href: &str, heard: Handler) -> bool {
    let made = hear(state, href, heard.as_ref(), SETTLED_WAIT_MS);
    heard.forget();
    made
}

/// Drops the callback parameters of `href` (this page's location) from the address bar.
pub(super) fn clean_address(href: &str, parser: &dyn UrlParser) -> Option<String> {
    let clean = parser.parse(href).as_ref().and_then(strip_callback_params)?;
    interop::replace_address(&clean);
    Some(clean)
}
