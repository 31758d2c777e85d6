//! The browser boundary: each export reads "import → core → export". [`rust`] has the
//! same operations for Rust frontends (Leptos, Yew, Dioxus), with typed configs.

mod error;
mod events;
mod handoff;
mod interop;
mod local;
mod page;
mod popup;
mod random;
pub mod rust;
mod storage;
mod url;

use crate::core::answered::Answered;
use crate::core::authorize::begin;
use crate::core::callback::{handle, Handled, Navigation};
use crate::core::config::{validate, ConfigValue, Mode, StorageArea};
use crate::core::error::AuthError;
use crate::core::events::EventName;
use crate::core::outcome::AuthorizationResult;
use crate::core::store::{forget, PendingStore};
use js_sys::Promise;
use page::{js_err, navigation, now, start_time, window};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

pub use error::to_js as auth_error_to_js;
pub use interop::{relay_message, result_to_js};
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
/// Synchronous up to the returned Promise, so that nothing `await`s before the
/// navigation or, later, a popup opened inside the caller's click handler.
#[wasm_bindgen(js_name = startAuthorization)]
pub fn start_authorization(config: JsValue) -> Promise {
    let events = events::Events(interop::on_event(&config));
    let started = interop::config_entries(&config).and_then(|entries| {
        if interop::is_popup(&config) {
            let mut opened = Ok(());
            let promise = Promise::new(&mut |resolve: js_sys::Function, reject: js_sys::Function| {
                let settle: popup::Settle = Box::new(move |outcome| {
                    let _ = match outcome {
                        Ok(result) => resolve.call1(&JsValue::UNDEFINED, &interop::result_to_js(&result)),
                        Err(e) => reject.call1(&JsValue::UNDEFINED, &error::to_js(&e)),
                    };
                });
                opened = open_popup(&entries, interop::signal(&config), events.clone(), settle);
            });
            opened.map(|()| promise)
        } else {
            redirect(&entries, &events).map(|s| Promise::resolve(&interop::started(&s.url, &s.state)))
        }
    });
    started.unwrap_or_else(|e| {
        events.ended(Err(&e), None);
        Promise::reject(&error::to_js(&e))
    })
}

/// Redirect mode (or `navigate: false`) for a config as field/value pairs: the one
/// validation both front doors share.
pub(crate) fn redirect(entries: &[(String, ConfigValue)], events: &events::Events) -> Result<Started, AuthError> {
    let window = window()?;
    let location = window.location();
    let origin = location.origin().map_err(js_err)?;
    let cfg = validate(entries, &origin, &BrowserUrl)?;
    if cfg.mode() == Mode::Popup {
        return Err(AuthError::config("mode", "\"popup\" resolves with the result: call start_popup"));
    }
    let seed = random::seed()?;
    let mut store = match cfg.storage() {
        StorageArea::Session => storage::session_store(&window)?,
        StorageArea::Local => storage::local_store(&window)?,
    };
    let auth = begin(&cfg, &seed, start_time()?, &mut store)?;
    if cfg.navigate() {
        events.emit(EventName::Open, Some(cfg.provider()), None, None);
        if let Err(e) = location.assign(&auth.url) {
            forget(&mut store, &auth.state);
            return Err(js_err(e));
        }
    }
    Ok(Started { url: auth.url, state: auth.state })
}

/// Popup mode for a config as field/value pairs: opens the window now (inside the click
/// handler, before any `await`); the outcome goes to `settle`.
pub(crate) fn open_popup(
    entries: &[(String, ConfigValue)],
    signal: Option<web_sys::AbortSignal>,
    events: events::Events,
    settle: popup::Settle,
) -> Result<(), AuthError> {
    let window = window()?;
    let origin = window.location().origin().map_err(js_err)?;
    let cfg = validate(entries, &origin, &BrowserUrl)?;
    if cfg.mode() != Mode::Popup {
        return Err(AuthError::config("mode", "must be \"popup\" for start_popup"));
    }
    let seed = random::seed()?;
    popup::start(&window, &cfg, &seed, start_time()?, signal, events, settle)
}

type Outcome = Result<Option<AuthorizationResult>, AuthError>;

thread_local! {
    /// This page's answers (core `Answered`: the rule and its tests live there).
    static ANSWERED: RefCell<Answered<Outcome>> = const { RefCell::new(Answered::new()) };
}

/// `handleCallback(location?, options?)`: verifies and consumes the provider's answer.
/// Returns the `AuthorizationResult`, or `null` when the location is no callback; throws
/// `AuthError`. With `{ storage: "local" }` it returns a Promise of the same (the
/// callback may belong to a flow another tab started: `local.rs`).
#[wasm_bindgen(js_name = handleCallback)]
pub fn handle_callback(location: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let local = interop::wants_local(&options).map_err(|e| error::to_js(&e))?;
    let events = events::Events(interop::on_event(&options));
    let handled = window().and_then(|w| {
        let current = w.location().href().map_err(js_err)?;
        let href = interop::location_href(&location, &current)?;
        Ok(if local {
            Err(local::handle_local(&w, &href, &current, &events))
        } else {
            Ok(handle_here(&w, &href, &current, &events))
        })
    });
    // The result is converted from the remembered outcome by reference: the JS path never
    // clones a result (that code stays out of the package).
    match handled {
        Ok(Err(promise)) => Ok(promise.into()),
        Ok(Ok(outcome)) => to_js(&outcome).map_err(|e| error::to_js(&e)),
        Err(e) if local => Ok(Promise::reject(&error::to_js(&e)).into()),
        Err(e) => Err(error::to_js(&e)),
    }
}

/// An outcome as `handleCallback` returns it: the result object or `null`, or the error.
fn to_js(outcome: &Outcome) -> Result<JsValue, AuthError> {
    match outcome {
        Ok(Some(result)) => Ok(interop::result_to_js(result)),
        Ok(None) => Ok(JsValue::NULL),
        Err(e) => Err(e.clone()),
    }
}

/// [`handle_callback`] for Rust callers ([`crate::handle_callback`]): `None` handles this
/// page's location.
pub(crate) fn handle_callback_rs(href: Option<&str>) -> Outcome {
    let window = window()?;
    let current = window.location().href().map_err(js_err)?;
    (*handle_here(&window, href.unwrap_or(&current), &current, &events::Events::default())).clone()
}

/// Handles `href` in the page at `current`, or answers what this page answered for it
/// before. Never inlined: both `handleCallback` paths call it, and an inlined copy in each
/// cost 2 KB of wasm.
#[inline(never)]
fn handle_here(window: &web_sys::Window, href: &str, current: &str, events: &events::Events) -> Rc<Outcome> {
    if let Some(done) = answered(href) {
        return done;
    }
    // Only this page's own load has a navigation type; a URL passed in is read as is.
    let nav = if href == current { navigation(window) } else { Navigation::Other };
    // Inside a popup the opener verifies with its own record: relay, close, answer null.
    if href == current && popup::relay_if_popup(window, href, nav) {
        events.emit(EventName::Relayed, None, None, None);
        return remember(href, Ok(None), None);
    }
    let mut store = storage::session_store(window);
    let store_ref = store.as_mut().map(|s| s as &mut dyn PendingStore).map_err(|e| e.clone());
    let outcome = settle_here(window, href, current, handle(href, store_ref, now(), nav, &BrowserUrl));
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

/// Cleans this page's address bar when `href` is its own location (a URL passed in is just
/// read), then remembers the outcome for `href`.
fn settle_here(window: &web_sys::Window, href: &str, current: &str, handled: Handled) -> Rc<Outcome> {
    let Handled { outcome, cleaned } = handled;
    if let (Some(clean), true) = (&cleaned, href == current) {
        if let Ok(history) = window.history() {
            let state = history.state().unwrap_or(JsValue::NULL);
            let _ = history.replace_state_with_url(&state, "", Some(clean));
        }
    }
    let cleaned = cleaned.filter(|_| outcome.is_ok());
    remember(href, outcome, cleaned)
}

/// What this page answered for `href` before, if it did.
fn answered(href: &str) -> Option<Rc<Outcome>> {
    ANSWERED.with_borrow(|a| a.get(href))
}

fn remember(href: &str, outcome: Outcome, cleaned: Option<String>) -> Rc<Outcome> {
    ANSWERED.with_borrow_mut(|a| a.remember(href, outcome, cleaned))
}
