//! The driver of `core::handoff`: a popup flow's answer reached this tab instead of the
//! popup (the bank's app opened the redirect URI here). Relays it on the flow's
//! channel, feeds the machine the opener's word, the end of the wait and the shared
//! store's answer, and does what it says.

use super::events::Events;
use super::interop::{self, Arrival, Handler};
use super::popup::{clean_address, relay_on_channel, source};
use super::shared::{self, Task};
use super::{announced, answer, remember};
use crate::core::callback::Navigation;
use crate::core::config::Mode;
use crate::core::events::EventName;
use crate::core::handoff::{Action, Event, Handoff};
use crate::core::shared::Answer;
use wasm_bindgen::JsValue;

/// What one hand-off holds while it waits. It has one owner at a time: the channel's
/// listener until the wait ends, then the shared store's take. So it needs no shared
/// cell, and what comes after the wait ended finds nothing to feed (as the machine
/// would answer nothing).
struct Relay {
    machine: Handoff,
    href: String,
    /// The address the relay left in the address bar, when it cleaned one: the answer is
    /// remembered there too, so that a later call on this page is no fresh return.
    cleaned: Option<String>,
    nav: Navigation,
    events: Events,
    /// The caller's promise ([`answer`]).
    promise: js_sys::Promise,
}

/// Relays `href` (a callback for `state`, a popup flow of another window) to the opener
/// and answers `promise` ([`answer`]): `null` once the opener settled it, or the outcome of
/// taking it here if the opener is gone.
pub fn relay(page: &Arrival, state: &str, events: &Events, promise: js_sys::Promise) {
    let (href, nav) = (page.href.as_str(), page.nav);
    let cleaned = if page.here { clean_address(href, page) } else { None };
    let (machine, _) = Handoff::relayed(true);
    let mut waiting = Some(Relay { machine, href: href.to_owned(), cleaned, nav, events: events.clone(), promise });
    let heard = Handler::new(move |source, _: JsValue| {
        let Some(mut r) = waiting.take() else { return JsValue::FALSE };
        let action = match source {
            source::HEARD => r.machine.on(Event::Settled),
            source::WAIT_OVER => r.machine.on(Event::WaitOver),
            source::NO_CHANNEL => {
                let (machine, first) = Handoff::relayed(false);
                r.machine = machine;
                first
            }
            _ => Action::None,
        };
        if matches!(action, Action::None) {
            waiting = Some(r);
            return JsValue::FALSE;
        }
        act(r, action);
        // The wait is over: the channel closes (a late word would change nothing).
        JsValue::TRUE
    });
    if relay_on_channel(state, href, heard) {
        events.emit_as(Mode::Popup, EventName::Relayed, None, None, None);
    }
}

fn act(mut r: Relay, action: Action) {
    match action {
        Action::Take => {
            let task = Task::Callback(r.href.clone(), r.nav, true);
            shared::run(
                task,
                Some(Box::new(move |taken| {
                    // The address bar was cleaned when the relay began.
                    let outcome = match taken {
                        Ok(Answer::Handled(h)) => h.outcome,
                        Ok(Answer::Refused(e)) | Err(e) => Err(e),
                        Ok(_) => Err(shared::unavailable()),
                    };
                    match r.machine.on(Event::Taken(&outcome)) {
                        Action::Answer => {
                            answer(&r.promise, &r.href, announced(&r.events, remember(&r.href, outcome, r.cleaned)))
                        }
                        action => act(r, action),
                    }
                })),
            );
        }
        Action::HandOver => {
            interop::say_return_to_app(interop::RETURN);
            answer(&r.promise, &r.href, remember(&r.href, Ok(None), r.cleaned));
        }
        // Answered where the take's outcome is (above).
        Action::None | Action::Answer => {}
    }
}
