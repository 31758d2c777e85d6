//! The browser boundary: each export reads "import → core → export". [`rust`] has the
//! same operations for Rust frontends (Leptos, Yew, Dioxus), with typed configs.

mod error;
mod events;
mod handoff;
mod interop;
mod page;
mod popup;
mod random;
pub mod rust;
mod shared;
mod storage;
mod url;

use crate::core::answered::Answered;
use crate::core::authorize::{begin, build_authorization, Authorization};
use crate::core::callback::{handle, strip_callback_params, Handled};
use crate::core::config::{validate, ConfigValue, Mode, StorageArea};
use crate::core::error::AuthError;
use crate::core::events::EventName;
use crate::core::outcome::AuthorizationResult;
use crate::core::provider::Provider;
use crate::core::shared::{route, Answer, Route};
use crate::core::store::{forget, Index};
use crate::core::uri::UrlParser;
use js_sys::Promise;
use page::{js_err, now, start_time, window};
use shared::Task;
use std::cell::RefCell;
use std::rc::Rc;
use storage::WebStore;
use wasm_bindgen::prelude::*;

pub use error::to_js as auth_error_to_js;
pub use interop::{relay_message, result_to_js};
pub use popup::via_window;
pub use url::BrowserUrl;

/// A started authorization: where the user goes, and the state that identifies it. Its
/// `Debug` shows no state, not even inside `url`.
#[derive(Clone, PartialEq, Eq)]
pub struct Started {
    /// The provider's authorize URL, with every parameter.
    pub url: String,
    /// The flow's state (RFC 6749 §10.12): its key in storage and in the callback.
    pub state: String,
}

impl core::fmt::Debug for Started {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        use crate::core::secret::{Redacted, RedactedUrl};
        f.debug_struct("Started")
            .field("url", &RedactedUrl { url: &self.url, secret: &self.state })
            .field("state", &Redacted("State"))
            .finish()
    }
}

/// `startAuthorization(config)`: validates, stores the pending authorization, then
/// navigates (default) or resolves `{ url, state }` with `navigate: false`.
///
/// Synchronous up to the returned Promise for this tab's storage, so that nothing
/// `await`s before the navigation or a popup opened inside the caller's click handler.
/// A `storage: "local"` redirect navigates once the shared store's transaction committed.
#[wasm_bindgen(js_name = startAuthorization)]
pub fn start_authorization(config: JsValue) -> Promise {
    let popup = interop::is_popup(&config);
    let events = events::Events(interop::on_event(&config), if popup { Mode::Popup } else { Mode::Redirect });
    shared::sweep_if_due(shared::hint());
    let answer = interop::deferred();
    let promise = answer.clone();
    let started = interop::config_entries(&config).and_then(|entries| {
        if popup {
            // The flow emits its own ending events (`popup.rs`).
            let settle: popup::Settle =
                Box::new(move |outcome| settled(&promise, outcome.map(|r| interop::result_to_js(&r))));
            open_popup(&entries, interop::signal(&config), &events, settle)
        } else {
            let then: Then = Box::new(move |r, events| {
                if let Err(e) = &r {
                    events.ended(Err(e), None);
                }
                settled(&promise, r.map(|s| interop::started(&s.url, &s.state)));
            });
            redirect(&entries, &events, then).map(drop)
        }
    });
    if let Err(e) = started {
        events.ended(Err(&e), None);
        settled(&answer, Err(e));
    }
    answer
}

/// Settles a promise of [`interop::deferred`]: resolved with the value, or rejected with
/// the `AuthError`.
fn settled(promise: &Promise, outcome: Result<JsValue, AuthError>) {
    let (ok, value) = match outcome {
        Ok(v) => (true, v),
        Err(e) => (false, error::to_js(&e)),
    };
    interop::settle(promise, ok, &value);
}

/// What a redirect start's caller hears once the flow is kept and the page navigates (or,
/// with `navigate: false`, once it is kept), with the flow's events. Both by reference: the
/// caller of [`redirect`] gets the `Started` itself, and `then` keeps no copy of either.
pub(crate) type Then = Box<dyn FnOnce(Result<&Started, AuthError>, &events::Events)>;

/// Redirect mode (or `navigate: false`) for a config as field/value pairs: the one
/// validation both front doors share. An error returned here happened before anything was
/// kept; `then` hears every outcome after that (for this tab's storage before this
/// returns; for the shared store once its transaction committed).
pub(crate) fn redirect(
    entries: &[(String, ConfigValue)],
    events: &events::Events,
    then: Then,
) -> Result<Started, AuthError> {
    let Prepared { window, cfg, seed, now_ms } = prepare(entries, Mode::Redirect)?;
    let (navigate, provider) = (cfg.navigate(), cfg.provider());
    match cfg.storage() {
        StorageArea::Session => {
            let Authorization { url, state, .. } = begin(&cfg, &seed, now_ms, &mut WebStore)?;
            let started = Started { url, state };
            go(&window, &started, false, navigate, provider, events, then);
            Ok(started)
        }
        StorageArea::Local => {
            let Authorization { url, state, pending } = build_authorization(&cfg, &seed, now_ms);
            let started = Started { url, state };
            let (events, go_on) = (events.clone(), started.clone());
            shared::run(
                Task::Put(started.state.clone(), pending),
                Some(Box::new(move |kept| match kept {
                    Ok(Answer::Done) => go(&window, &go_on, true, navigate, provider, &events, then),
                    Ok(Answer::Refused(e)) | Err(e) => then(Err(e), &events),
                    Ok(_) => then(Err(shared::unavailable()), &events),
                })),
            );
            Ok(started)
        }
    }
}

/// The flow is kept: navigate (unless `navigate: false`), then tell `then`. A navigation
/// that throws (a sandboxed frame) removes the flow again.
fn go(
    window: &web_sys::Window,
    started: &Started,
    local: bool,
    navigate: bool,
    provider: Provider,
    events: &events::Events,
    then: Then,
) {
    if navigate {
        events.emit(EventName::Open, Some(provider), None, None);
        if let Err(e) = page::assign(window, &started.url) {
            if local {
                shared::run(Task::Forget(started.state.clone()), None);
            } else {
                forget(&mut WebStore, &started.state);
            }
            return then(Err(js_err(e)), events);
        }
    }
    then(Ok(started), events);
}

/// Popup mode for a config as field/value pairs: opens the window now (inside the click
/// handler, before any `await`); the outcome goes to `settle`.
pub(crate) fn open_popup(
    entries: &[(String, ConfigValue)],
    signal: Option<web_sys::AbortSignal>,
    events: &events::Events,
    settle: popup::Settle,
) -> Result<(), AuthError> {
    popup::start(prepare(entries, Mode::Popup)?, signal, events, settle)
}

/// What both modes read before anything is kept: the page, the config validated for its
/// origin, fresh randomness and the clock.
pub(crate) struct Prepared<'a> {
    pub window: web_sys::Window,
    pub cfg: crate::core::config::ValidatedConfig<'a>,
    pub seed: crate::core::entropy::Seed,
    pub now_ms: u64,
}

/// [`Prepared`] for a start in `mode`: one home for what the two front doors share, so
/// the package carries it once.
fn prepare(entries: &[(String, ConfigValue)], mode: Mode) -> Result<Prepared<'_>, AuthError> {
    let window = window()?;
    let origin = page::here("origin")?;
    let cfg = validate(entries, &origin, &BrowserUrl)?;
    if cfg.mode() != mode {
        return Err(AuthError::config(
            "mode",
            if mode == Mode::Popup {
                "must be \"popup\" for start_popup"
            } else {
                "\"popup\" resolves with the result: call start_popup"
            },
        ));
    }
    let seed = random::seed()?;
    Ok(Prepared { window, cfg, seed, now_ms: start_time()? })
}

type Outcome = Result<Option<AuthorizationResult>, AuthError>;

thread_local! {
    /// This page's answers (core `Answered`: the rule and its tests live there).
    static ANSWERED: RefCell<Answered<Outcome>> = const { RefCell::new(Answered::new()) };
}

/// `handleCallback(location?, options?)`: verifies and consumes the provider's answer.
/// Returns the `AuthorizationResult`, or `null` when the location is no callback; throws
/// `AuthError`. Synchronous for this tab's own flows; a Promise of the same when the
/// callback may answer a `storage: "local"` flow of another tab (the shared store's hint
/// says one may be there: `core::shared::route`).
#[wasm_bindgen(js_name = handleCallback)]
pub fn handle_callback(location: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
    let on_event = interop::callback_options(options).map_err(|e| error::to_js(&e))?;
    let events = events::Events(on_event, Mode::Redirect);
    let page = interop::arrival(location).map_err(|e| error::to_js(&e))?;
    let href = page.href.as_str();
    if let Some(p) = IN_FLIGHT.with_borrow(|f| f.iter().find(|(h, _)| h == href).map(|(_, p)| p.clone())) {
        return Ok(p.into());
    }
    let now = now();
    if answered(href).is_none() {
        // Read once: localStorage is another storage area, and each read a crossing.
        let hint = shared::hint();
        if route(href, in_session, hint, now, page.nav, &page) == Route::Shared {
            return Ok(handle_shared(page, events).into());
        }
        shared::sweep_if_due(hint);
    }
    // The result is converted from the remembered outcome by reference: the JS path never
    // clones a result (that code stays out of the package).
    to_js(&handle_here(&page, now, &events))
}

thread_local! {
    /// Callbacks being answered from the shared store in this page, with the promise each
    /// caller gets (React's StrictMode calls twice: both get the one answer).
    static IN_FLIGHT: RefCell<Vec<(String, Promise)>> = const { RefCell::new(Vec::new()) };
}

/// Whether `state` is one of this tab's own flows (pending or done in sessionStorage).
fn in_session(state: &str) -> bool {
    Index::load(&WebStore).is_ok_and(|index| index.knows(state))
}

/// Answers the caller of a shared-store callback for `href`, once: its promise settles
/// with the outcome, and `href` is no longer in flight. A function, not a boxed closure
/// carried to the answer: each closure type is its own call shim and drop code in the wasm.
pub(crate) fn answer(promise: &Promise, href: &str, outcome: Rc<Outcome>) {
    IN_FLIGHT.with_borrow_mut(|f| f.retain(|(x, _)| x != href));
    let (ok, value) = match to_js(&outcome) {
        Ok(v) => (true, v),
        Err(v) => (false, v),
    };
    interop::settle(promise, ok, &value);
}

/// A callback answered from the shared store, through a Promise.
fn handle_shared(page: interop::Arrival, events: events::Events) -> Promise {
    let promise = interop::deferred();
    let (href, settling) = (page.href.clone(), promise.clone());
    shared::run(
        Task::Callback(href.clone(), page.nav, false),
        Some(Box::new(move |taken| {
            let h = page.href.as_str();
            let handled = match taken {
                Ok(Answer::Relay(state)) => return handoff::relay(&page, &state, &events, settling),
                Ok(Answer::Handled(handled)) if !matches!(handled.outcome, Ok(None)) => handled,
                Ok(Answer::Refused(e)) | Err(e) => refused(h, e, &page),
                // A bare page that is no shared flow's (or a store with nothing of it):
                // this tab's own storage answers, Tink's silent denial included.
                Ok(_) => return answer(&settling, h, handle_here(&page, now(), &events)),
            };
            answer(&settling, h, announced(&events, settle_here(h, page.here, handled)))
        })),
    );
    IN_FLIGHT.with_borrow_mut(|f| f.push((href, promise.clone())));
    promise
}

/// The outcome's events, then the outcome.
pub(crate) fn announced(events: &events::Events, outcome: Rc<Outcome>) -> Rc<Outcome> {
    announce(events, &outcome);
    outcome
}

/// A refusal that still cleans the address bar (the callback parameters must go).
pub(crate) fn refused(href: &str, e: AuthError, parser: &dyn UrlParser) -> Handled {
    Handled { outcome: Err(e), cleaned: parser.parse(href).as_ref().and_then(strip_callback_params) }
}

/// An outcome as `handleCallback` returns it: the result object or `null`, or the JS
/// `AuthError`. Converted by reference, the error too: no copy of it to make and free.
fn to_js(outcome: &Outcome) -> Result<JsValue, JsValue> {
    match outcome {
        Ok(Some(result)) => Ok(interop::result_to_js(result)),
        Ok(None) => Ok(JsValue::NULL),
        Err(e) => Err(error::to_js(e)),
    }
}

/// [`handle_callback`] for Rust callers ([`crate::handle_callback`]): `None` handles this
/// page's location.
pub(crate) fn handle_callback_rs(href: Option<&str>) -> Outcome {
    let page = interop::arrival(&href.map_or(JsValue::UNDEFINED, JsValue::from_str))?;
    (*handle_here(&page, now(), &events::Events::default())).clone()
}

/// Handles the address of `page` at `now_ms`, or answers what this page answered for it
/// before. Never inlined: both `handleCallback` paths call it, and an inlined copy in each
/// doubled its wasm (docs/performance.md).
#[inline(never)]
fn handle_here(page: &interop::Arrival, now_ms: u64, events: &events::Events) -> Rc<Outcome> {
    let href = page.href.as_str();
    if let Some(done) = answered(href) {
        return done;
    }
    // Inside a popup the opener verifies with its own record: relay, close, answer null.
    // The answer is remembered under the address the relay leaves too: a second call
    // there (React StrictMode) must not read it as a fresh return to the redirect URI,
    // which another pending Tink popup flow's copy would take for that flow's silent denial.
    if let Some(cleaned) = page.here.then(|| popup::relay_if_popup(href, page.nav, page)).flatten() {
        events.emit_as(Mode::Popup, EventName::Relayed, None, None, None);
        return remember(href, Ok(None), Some(cleaned));
    }
    let outcome = settle_here(href, page.here, handle(href, Ok(&mut WebStore), now_ms, page.nav, page));
    announce(events, &outcome);
    outcome
}

/// A callback's events, once it was handled: `callback_received`, then `completed` or
/// `failed`. A page that is no callback says nothing.
pub(crate) fn announce(events: &events::Events, outcome: &Outcome) {
    let ended = match outcome {
        Ok(None) => return,
        Ok(Some(result)) => Ok(result),
        Err(e) => Err(e),
    };
    events.emit(EventName::CallbackReceived, None, None, None);
    events.ended(ended, None);
}

/// Cleans this page's address bar when `href` is its own location (`here`; a URL passed in
/// is just read), then remembers the outcome for `href` and for the cleaned address, a
/// refusal too: a second call there (React StrictMode) is no fresh return to the redirect
/// URI, and gets the same answer (docs/api.md, "Same page, same answer").
pub(crate) fn settle_here(href: &str, here: bool, handled: Handled) -> Rc<Outcome> {
    let Handled { outcome, cleaned } = handled;
    if let (Some(clean), true) = (&cleaned, here) {
        interop::replace_address(clean);
    }
    remember(href, outcome, cleaned)
}

/// What this page answered for `href` before, if it did.
fn answered(href: &str) -> Option<Rc<Outcome>> {
    ANSWERED.with_borrow(|a| a.get(href))
}

pub(crate) fn remember(href: &str, outcome: Outcome, cleaned: Option<String>) -> Rc<Outcome> {
    ANSWERED.with_borrow_mut(|a| a.remember(href, outcome, cleaned))
}
