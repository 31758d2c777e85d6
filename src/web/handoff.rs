//! The driver of `core::handoff`: a popup flow's answer reached this tab instead of the
//! popup (the bank's app opened the redirect URI here). Relays it on the flow's
//! channel, feeds the machine the opener's word, the end of the wait and the shared
//! store's answer, and does what it says.

use super::events::Events;
use super::popup::{clean_address, relay_on_channel};
use super::shared::{self, Task};
use super::{announced, interop, remember, Answer_};
use crate::core::callback::Navigation;
use crate::core::config::Mode;
use crate::core::events::EventName;
use crate::core::handoff::{Action, Event, Handoff};
use crate::core::shared::Answer;
use js_sys::Function;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// What one hand-off holds while it waits.
struct Relay {
    machine: Handoff,
    href: String,
    /// The address the relay left in the address bar, when it cleaned one: the answer is
    /// remembered there too, so that a later call on this page is no fresh return.
    cleaned: Option<String>,
    nav: Navigation,
    events: Events,
    /// Closes the flow's channel (`None`: there is none).
    channel: Option<Function>,
    answer: Option<Answer_>,
}

type Shared = Rc<RefCell<Relay>>;

/// Relays `href` (a callback for `state`, a popup flow of another window) to the opener
/// and answers through `answer`: `null` once the opener settled it, or the outcome of
/// taking it here if the opener is gone.
pub fn relay(href: &str, current: &str, state: &str, nav: Navigation, events: &Events, answer: Answer_) {
    let cleaned = if href == current { clean_address(href) } else { None };
    let relay: Shared = Rc::new(RefCell::new(Relay {
        machine: Handoff::relayed(true).0,
        href: href.to_owned(),
        cleaned,
        nav,
        events: events.clone(),
        channel: None,
        answer: Some(answer),
    }));
    let (word, wait) = (Rc::clone(&relay), Rc::clone(&relay));
    let channel = relay_on_channel(
        state,
        &interop::relay_to_js(state, href),
        move || fed(&word, Event::Settled),
        move || fed(&wait, Event::WaitOver),
    );
    let (machine, first) = Handoff::relayed(channel.is_some());
    if channel.is_some() {
        events.emit_as(Mode::Popup, EventName::Relayed, None, None, None);
    }
    if let Ok(mut r) = relay.try_borrow_mut() {
        r.machine = machine;
        r.channel = channel;
    }
    act(&relay, first);
}

/// Feeds one event (a re-entrant one while the machine is busy is dropped: nothing of
/// ours dispatches events synchronously, so only a page's own doing can cause it).
fn fed(relay: &Shared, event: Event) {
    let action = match relay.try_borrow_mut() {
        Ok(mut r) => r.machine.on(event),
        Err(_) => return,
    };
    act(relay, action);
}

fn act(relay: &Shared, action: Action) {
    match action {
        Action::None => {}
        Action::Take => {
            let Ok(r) = relay.try_borrow() else { return };
            let task = Task::Callback(r.href.clone(), r.nav, true);
            drop(r);
            let back = Rc::clone(relay);
            shared::run(
                task,
                Box::new(move |taken| {
                    // The address bar was cleaned when the relay began.
                    let outcome = match taken {
                        Ok(Answer::Handled(h)) => h.outcome,
                        Ok(Answer::Refused(e)) | Err(e) => Err(e),
                        Ok(_) => Err(shared::unavailable()),
                    };
                    fed(&back, Event::Taken(outcome));
                }),
            );
        }
        Action::HandOver => {
            let Some((answer, href, cleaned)) = ended(relay) else { return };
            interop::say_return_to_app(interop::RETURN);
            answer(remember(&href, Ok(None), cleaned));
        }
        Action::Answer(outcome) => {
            let Some((answer, href, cleaned)) = ended(relay) else { return };
            let Ok(r) = relay.try_borrow() else { return };
            let events = r.events.clone();
            drop(r);
            answer(announced(&events, remember(&href, outcome, cleaned)));
        }
    }
}

/// The hand-off is over: its channel closes; the answer, once.
fn ended(relay: &Shared) -> Option<(Answer_, String, Option<String>)> {
    let mut r = relay.try_borrow_mut().ok()?;
    if let Some(close) = r.channel.take() {
        interop::run(&close, &JsValue::UNDEFINED, &JsValue::UNDEFINED);
    }
    Some((r.answer.take()?, r.href.clone(), r.cleaned.take()))
}
