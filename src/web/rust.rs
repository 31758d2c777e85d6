//! The operations for Rust frontends, with typed configs and results: the same validation,
//! storage and verification as the JS exports (both call into the same functions of
//! `web` and the core), re-exported at the crate root.

use super::events::Events;
use super::{handle_callback_rs, open_popup, popup::Settle, redirect, Started};
use crate::core::error::AuthError;
use crate::core::outcome::AuthorizationResult;
use crate::core::typed::Config;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// Starts a redirect-mode authorization: validates `config`, stores the pending flow in
/// sessionStorage and navigates to the provider (with `navigate(false)`, only returns
/// the URL). Call it from the click handler that connects a bank.
///
/// With [`StorageArea::Local`](crate::StorageArea::Local) the flow is kept in the shared
/// store (IndexedDB, asynchronous): this returns at once and the page navigates once the
/// store's transaction has committed; if the store refuses, nothing navigates.
pub fn start_authorization(config: &Config) -> Result<Started, AuthError> {
    let failed: Rc<RefCell<Option<AuthError>>> = Rc::default();
    let seen = Rc::clone(&failed);
    let started = redirect(&config.entries(), &Events::default(), Box::new(move |r, _| *seen.borrow_mut() = r.err()))?;
    let failure = failed.borrow_mut().take();
    failure.map_or(Ok(started), Err)
}

/// Starts a popup-mode authorization (`config.popup(..)`): the window opens now, so call
/// this inside the click handler before any `.await`, then await the returned
/// [`PopupFlow`] for the result the opener verified. `signal` cancels the flow (`aborted`).
pub fn start_popup(config: &Config, signal: Option<web_sys::AbortSignal>) -> Result<PopupFlow, AuthError> {
    let slot = Rc::new(RefCell::new(Slot::default()));
    let filled = Rc::clone(&slot);
    let settle: Settle = Box::new(move |outcome| {
        let mut slot = filled.borrow_mut();
        slot.outcome = Some(outcome);
        if let Some(waker) = slot.waker.take() {
            waker.wake();
        }
    });
    open_popup(&config.entries(), signal, &Events::default(), settle)?;
    Ok(PopupFlow { slot })
}

/// Handles the provider's answer on the page at the redirect URI, on every load: `None`
/// reads this page's own address (and cleans its address bar), `Some(url)` reads that
/// URL. `Ok(None)` means the address is no callback. The provider's refusal is an
/// [`AuthorizationResult::Failure`]; a forged, replayed, expired or malformed answer is
/// an [`AuthError`].
pub fn handle_callback(href: Option<&str>) -> Result<Option<AuthorizationResult>, AuthError> {
    handle_callback_rs(href)
}

#[derive(Default)]
struct Slot {
    outcome: Option<Result<AuthorizationResult, AuthError>>,
    waker: Option<Waker>,
}

/// A popup flow that is waiting for its answer: a `Future` of the verified result (or of
/// `popup_closed`, `popup_timeout`, `aborted`, or the callback's own error). Dropping it
/// does not cancel the flow; its `AbortSignal` does.
pub struct PopupFlow {
    slot: Rc<RefCell<Slot>>,
}

impl Future for PopupFlow {
    type Output = Result<AuthorizationResult, AuthError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = self.slot.borrow_mut();
        match slot.outcome.take() {
            Some(outcome) => Poll::Ready(outcome),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
