//! `onEvent`: the app's progress callback (core `events` names them). An event is a plain
//! object `{ name, provider?, ok?, error? }`; it never holds a code, a verifier or a state.
//! A handler that throws is ignored: the flow goes on.

use crate::core::error::AuthError;
use crate::core::events::{ending, EventName};
use crate::core::outcome::AuthorizationResult;
use crate::core::provider::Provider;
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::JsValue;

/// The app's `onEvent`, if it gave one.
#[derive(Clone, Default)]
pub struct Events(pub Option<Function>);

impl Events {
    /// Calls `onEvent` with `{ name, provider?, ok?, error? }`. Never while a borrow of
    /// ours is held: the handler may call back into the library.
    pub fn emit(&self, name: EventName, provider: Option<Provider>, ok: Option<bool>, error: Option<&str>) {
        let Some(on) = &self.0 else { return };
        let event = Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = Reflect::set(&event, &k.into(), &v);
        };
        set("name", name.as_str().into());
        if let Some(p) = provider {
            set("provider", p.as_str().into());
        }
        if let Some(ok) = ok {
            set("ok", ok.into());
        }
        if let Some(code) = error {
            set("error", code.into());
        }
        let _ = on.call1(&JsValue::UNDEFINED, &event);
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
            self.emit(*name, provider, ok, outcome.err().map(|e| e.code.as_str()));
        }
    }
}
