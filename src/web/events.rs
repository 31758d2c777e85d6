//! `onEvent`: the app's progress callback (core `events` names them). An event is a plain
//! object `{ name, provider, mode, ok, error }`, every field an own property (`undefined`
//! when it does not apply); it never holds a code, a verifier or a state. A handler that
//! throws is ignored: the flow goes on.

use crate::core::config::Mode;
use crate::core::error::{AuthError, ErrorCode};
use crate::core::events::{ending, EventName};
use crate::core::outcome::AuthorizationResult;
use crate::core::provider::Provider;
use js_sys::Function;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/boundary.js")]
extern "C" {
    /// Calls `on` with the event object; a handler that throws is ignored. The name and the
    /// error code cross as their place in [`EventName::ALL`] and [`ErrorCode::ALL`]:
    /// `boundary.js` writes the text (a table of the texts' places in the wasm is gone).
    fn emit(on: &Function, name: u8, provider: Option<&str>, mode: &str, ok: Option<bool>, error: Option<u8>);
}

/// The app's `onEvent`, if it gave one, and the mode of the flow it hears about.
#[derive(Clone)]
pub struct Events(pub Option<Function>, pub Mode);

impl Default for Events {
    fn default() -> Self {
        Self(None, Mode::Redirect)
    }
}

impl Events {
    /// Calls `onEvent` with `{ name, provider, mode, ok, error }`. Never while a borrow of
    /// ours is held: the handler may call back into the library.
    pub fn emit(&self, name: EventName, provider: Option<Provider>, ok: Option<bool>, error: Option<ErrorCode>) {
        self.emit_as(self.1, name, provider, ok, error);
    }

    /// [`Events::emit`] for a flow of `mode` (a callback page relaying a popup flow's answer).
    pub fn emit_as(
        &self,
        mode: Mode,
        name: EventName,
        provider: Option<Provider>,
        ok: Option<bool>,
        error: Option<ErrorCode>,
    ) {
        let Some(on) = &self.0 else { return };
        emit(on, name as u8, provider.map(Provider::as_str), mode.as_str(), ok, error.map(|c| c as u8));
    }

    /// The events of a flow's ending: `completed`, or `failed` (after `popup_blocked` or
    /// `popup_closed` when that is why).
    pub fn ended(&self, outcome: Result<&AuthorizationResult, &AuthError>, provider: Option<Provider>) {
        let (provider, ok) = match outcome {
            Ok(AuthorizationResult::Success { provider, .. }) => (Some(*provider), Some(true)),
            Ok(AuthorizationResult::Failure { provider, .. }) => (Some(*provider), Some(false)),
            Err(_) => (provider, None),
        };
        for name in ending(outcome) {
            self.emit(*name, provider, ok, outcome.err().map(|e| e.code));
        }
    }
}
