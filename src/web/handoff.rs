//! A popup flow's answer that reached another tab (`storage: "local"`): the bank's app
//! opened the redirect URI in a new tab, not in the popup, which stays stranded on the
//! bank's page. This tab has no sessionStorage copy and no opener, but localStorage holds
//! the opener's copy (`popup.rs`), which is how `local.rs` sent the callback here.
//!
//! The tab relays the callback on the flow's BroadcastChannel, as a popup under COOP
//! does, and waits for the opener's settled word. The opener verifies against its own
//! record, settles its promise and closes the stranded popup; this tab then says "return
//! to the app", answers `null`, and does not close itself (a tab the operating system
//! opened may not be closable by script). No word within the wait means the opener is
//! gone (the browser killed a background tab), unless its claim is on the flow (it heard
//! the relay, and its own wait is stretched by throttling): the tab handles the answer as a redirect,
//! through the same claim the opener takes (`core::claim`), so that exactly one of them
//! completes the flow, and answers the result instead of relaying into the void.

use super::events::Events;
use super::local::{announced, claim_here, refused, IN_FLIGHT};
use super::page::now;
use super::popup::{clean_address, SETTLED, SETTLED_WAIT_MS};
use super::storage::local_store;
use super::{interop, remember, settle_here};
use crate::core::callback::Navigation;
use crate::core::claim;
use crate::core::events::EventName;
use crate::core::popup::channel_name;
use js_sys::{Function, Promise};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent, Window};

/// Relays `href` (a callback for `state`, a popup flow of another tab) to the opener and
/// answers `null` once it settled, or the result of handling it here if it never does.
pub fn relay(window: &Window, href: &str, current: &str, state: &str, nav: Navigation, events: &Events) -> Promise {
    if href == current {
        clean_address(window, href);
    }
    let message = interop::relay_to_js(state, href);
    let channel = BroadcastChannel::new(&channel_name(state)).ok();
    let (window, href, current, state, events) =
        (window.clone(), href.to_owned(), current.to_owned(), state.to_owned(), events.clone());
    Promise::new(&mut |resolve: Function, _reject: Function| {
        let Some(channel) = channel.clone() else {
            // No channel to relay on: this tab is the only one that can complete the flow.
            let _ = resolve.call1(&JsValue::UNDEFINED, &fallback(&window, &href, &current, &state, nav, &events));
            return;
        };
        // One of the two ends the wait: the opener's word, or the time.
        let waiting = Rc::new(Cell::new(true));
        let (w, h, r, c, waiting_now) =
            (window.clone(), href.clone(), resolve.clone(), channel.clone(), waiting.clone());
        let on_settled = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            if waiting_now.get() && interop::is_settled(&e.unchecked_ref::<MessageEvent>().data(), SETTLED) {
                waiting_now.set(false);
                c.set_onmessage(None);
                c.close();
                IN_FLIGHT.with_borrow_mut(|f| f.retain(|(x, _)| *x != h));
                let _ = r.call1(&JsValue::UNDEFINED, &handed_over(&w, &h));
            }
        });
        channel.set_onmessage(Some(on_settled.as_ref().unchecked_ref()));
        let _ = channel.post_message(&message);
        events.emit(EventName::Relayed, None, None, None);
        let (w, h, cur, st, ev, c) =
            (window.clone(), href.clone(), current.clone(), state.clone(), events.clone(), channel.clone());
        let gone = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
            if waiting.replace(false) {
                c.set_onmessage(None);
                c.close();
                let _ = resolve.call1(&JsValue::UNDEFINED, &fallback(&w, &h, &cur, &st, nav, &ev));
            }
        });
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(gone.as_ref().unchecked_ref(), SETTLED_WAIT_MS);
        // Both live as long as the page (one closure type with the popup's listeners: each
        // type costs its own glue); the channel is closed once the wait ends either way.
        on_settled.forget();
        gone.forget();
    })
}

/// No word within the wait. If a fresh claim is on the flow, the opener heard the relay
/// and is completing it (a background tab's timers are throttled: Firefox stretched the
/// claim's 150 ms wait past this one's 1.5 s): this tab's part is done, as on the word.
/// Otherwise the opener is gone: handle the answer here, through the claim (resolving
/// with this promise adopts its outcome).
fn fallback(window: &Window, href: &str, current: &str, state: &str, nav: Navigation, events: &Events) -> Promise {
    IN_FLIGHT.with_borrow_mut(|f| f.retain(|(x, _)| x != href));
    match local_store(window) {
        Ok(local) if claim::held(&local, state, now()) => handed_over(window, href),
        Ok(local) => claim_here(window, local, href, current, state, nav, events),
        Err(e) => announced(events, settle_here(window, href, current, refused(href, e))),
    }
}

/// The opener has the answer: remember `null` for this URL, say "return to the app".
fn handed_over(window: &Window, href: &str) -> Promise {
    remember(href, Ok(None), None);
    interop::say_return_to_app(window, interop::RETURN);
    Promise::resolve(&JsValue::NULL)
}
