//! `handleCallback(location, { storage: "local" })`: the callback may answer a flow that
//! another tab started and kept in localStorage (a bank app that opened the redirect URI
//! in a new tab). This tab's own flows (sessionStorage) take the usual path; a flow in
//! localStorage is claimed first (`core::claim`), so that of two tabs handling the same
//! callback exactly one gets the result. A popup flow's copy there means the answer
//! missed the popup: it goes to the opener (`handoff.rs`). Everything answers through a
//! Promise.

use super::events::Events;
use super::page::{navigation, now};
use super::storage::{local_store, session_store, WebStore};
use super::{announce, answered, error, handle_here, handoff, popup, random, settle_here, BrowserUrl, Outcome};
use crate::core::callback::{handle, parse_callback, strip_callback_params, Handled, Navigation};
use crate::core::claim::{self, Claim, CLAIM_SETTLE_MS};
use crate::core::error::AuthError;
use crate::core::popup::relay_state;
use crate::core::store::Index;
use crate::core::uri::UrlParser;
use js_sys::{Function, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::Window;

thread_local! {
    /// Callbacks being claimed in this page, with the promise each caller gets (React's
    /// StrictMode calls twice: the second call must not see its own claim as another tab's).
    pub(super) static IN_FLIGHT: RefCell<Vec<(String, Promise)>> = const { RefCell::new(Vec::new()) };
}

/// Handles `href` in the page at `current`, checking localStorage for flows of other tabs.
pub fn handle_local(window: &Window, href: &str, current: &str, events: &Events) -> Promise {
    if let Some(p) = IN_FLIGHT.with_borrow(|f| f.iter().find(|(h, _)| h == href).map(|(_, p)| p.clone())) {
        return p;
    }
    if let Some(done) = answered(href) {
        return promise_of(&done);
    }
    let state = match parse_callback(href, &BrowserUrl) {
        Ok(Some(cb)) => cb.get("state").map(str::to_owned),
        _ => None,
    };
    // A page that is no callback, a callback without a state, or one of this tab's own
    // flows: the usual path (which also relays inside a popup).
    let Some(state) = state.filter(|s| !in_session(window, s)) else {
        sweep(window);
        return promise_of(&handle_here(window, href, current, events));
    };
    let nav = if href == current { navigation(window) } else { Navigation::Other };
    let mut local = match local_store(window) {
        Ok(store) => store,
        Err(e) => return announced(events, settle_here(window, href, current, refused(href, e))),
    };
    // A popup flow's answer, here instead of in the popup: the opener verifies it.
    let listening = popup::listening();
    if let Some(state) = relay_state(href, Some(&mut local), nav, &listening, now(), &BrowserUrl) {
        let promise = handoff::relay(window, href, current, &state, nav, events);
        IN_FLIGHT.with_borrow_mut(|f| f.push((href.to_owned(), promise.clone())));
        return promise;
    }
    claim_here(window, local, href, current, &state, nav, events)
}

/// Phase one of the claim (`core::claim::begin`) on `state` in `local`, under a fresh
/// nonce of this window: what it found, and the nonce to check the claim by after the wait.
pub(super) fn claim_for_this_window(local: &mut WebStore, state: &str) -> Result<(Claim, String), AuthError> {
    let t = now();
    let nonce = claim::claim_value(&random::seed()?.state(), t);
    Ok((claim::begin(local, state, &nonce, t)?, nonce))
}

/// Claims `state`'s flow in localStorage for this tab, then verifies and consumes it if
/// the claim holds (`core::claim`).
pub(super) fn claim_here(
    window: &Window,
    mut local: WebStore,
    href: &str,
    current: &str,
    state: &str,
    nav: Navigation,
    events: &Events,
) -> Promise {
    let handled = match claim_for_this_window(&mut local, state) {
        Err(e) => refused(href, e),
        Ok((Claim::Taken, _)) => refused(href, claim::lost()),
        Ok((Claim::NotPending, _)) => handle(href, Ok(&mut local), now(), nav, &BrowserUrl),
        Ok((Claim::Claimed, nonce)) => {
            return settle_later(window, href, current, state.to_owned(), nonce, nav, events.clone())
        }
    };
    announced(events, settle_here(window, href, current, handled))
}

/// The outcome's events, then its promise.
pub(super) fn announced(events: &Events, outcome: Rc<Outcome>) -> Promise {
    announce(events, &outcome);
    promise_of(&outcome)
}

/// Waits [`CLAIM_SETTLE_MS`], then verifies and consumes the flow if this tab's claim held.
fn settle_later(
    window: &Window,
    href: &str,
    current: &str,
    state: String,
    nonce: String,
    nav: Navigation,
    events: Events,
) -> Promise {
    let (window, href, current) = (window.clone(), href.to_owned(), current.to_owned());
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let (win, href, current, state, nonce, fail, events) = (
            window.clone(),
            href.clone(),
            current.clone(),
            state.clone(),
            nonce.clone(),
            reject.clone(),
            events.clone(),
        );
        let later = Closure::once_into_js(move || {
            let window = win;
            let outcome = match local_store(&window) {
                Ok(mut local) if claim::holds(&local, &state, &nonce) => {
                    let handled = handle(&href, Ok(&mut local), now(), nav, &BrowserUrl);
                    // After the index says what became of the flow (`core::claim`).
                    claim::release(&mut local, &state);
                    settle_here(&window, &href, &current, handled)
                }
                Ok(_) => settle_here(&window, &href, &current, refused(&href, claim::lost())),
                Err(e) => settle_here(&window, &href, &current, refused(&href, e)),
            };
            IN_FLIGHT.with_borrow_mut(|f| f.retain(|(h, _)| *h != href));
            announce(&events, &outcome);
            let _ = match super::to_js(&outcome) {
                Ok(v) => resolve.call1(&JsValue::UNDEFINED, &v),
                Err(e) => reject.call1(&JsValue::UNDEFINED, &error::to_js(&e)),
            };
        });
        let timer =
            window.set_timeout_with_callback_and_timeout_and_arguments_0(later.unchecked_ref(), CLAIM_SETTLE_MS);
        if timer.is_err() {
            let _ = fail.call1(
                &JsValue::UNDEFINED,
                &error::to_js(&AuthError::browser("setTimeout failed; the callback was not handled")),
            );
        }
    });
    IN_FLIGHT.with_borrow_mut(|f| f.push((href, promise.clone())));
    promise
}

/// A refusal that still cleans the address bar (the callback parameters must go).
pub(super) fn refused(href: &str, e: AuthError) -> Handled {
    Handled { outcome: Err(e), cleaned: BrowserUrl.parse(href).as_ref().and_then(strip_callback_params) }
}

/// Whether `state` is one of this tab's own flows (pending or done in sessionStorage).
fn in_session(window: &Window, state: &str) -> bool {
    session_store(window).ok().and_then(|s| Index::load(&s).ok()).is_some_and(|index| index.knows(state))
}

/// Removes expired flows from localStorage (at every `storage: "local"` callback, as at
/// every such start), so that none outlives its TTL, browser restarts included.
fn sweep(window: &Window) {
    let Ok(mut local) = local_store(window) else { return };
    if let Ok(mut index) = Index::load(&local) {
        if index.sweep(now()) {
            let _ = index.write(&mut local);
        }
    }
}

fn promise_of(outcome: &Rc<Outcome>) -> Promise {
    match super::to_js(outcome) {
        Ok(v) => Promise::resolve(&v),
        Err(e) => Promise::reject(&error::to_js(&e)),
    }
}
