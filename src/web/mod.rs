//! The browser boundary: each export reads "import → core → export".

mod error;
mod interop;
mod random;
mod storage;

use crate::core::authorize::begin;
use crate::core::config::{validate, Mode};
use crate::core::error::AuthError;
use crate::core::pending::pending_key;
use crate::core::store::PendingStore;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

pub use error::to_js as auth_error_to_js;

fn window() -> Result<web_sys::Window, JsValue> {
    web_sys::window().ok_or_else(|| js_sys::Error::new("bank-link needs a browser window").into())
}

/// `startAuthorization(config)`: validates, stores the pending authorization, then
/// navigates (default) or resolves `{ url, state }` with `navigate: false`.
///
/// Synchronous up to the returned Promise, so that a popup (`mode: "popup"`) can be
/// opened inside the caller's click handler.
#[wasm_bindgen(js_name = startAuthorization)]
pub fn start_authorization(config: JsValue) -> Promise {
    match start(&config) {
        Ok(v) => Promise::resolve(&v),
        Err(e) => Promise::reject(&e),
    }
}

fn start(config: &JsValue) -> Result<JsValue, JsValue> {
    let window = window()?;
    let location = window.location();
    let origin = location.origin()?;
    let to_js = |e: AuthError| error::to_js(&e);
    let entries = interop::config_entries(config).map_err(to_js)?;
    let cfg = validate(&entries, &origin).map_err(to_js)?;
    if cfg.mode == Mode::Popup {
        return Err(to_js(AuthError::config("mode", "\"popup\" is not available in this release; use \"redirect\"")));
    }
    let seed = random::seed(&window)?;
    let mut store = storage::session_store(&window).map_err(to_js)?;
    let now = js_sys::Date::now() as u64;
    let auth = begin(&cfg, &seed, now, &mut store).map_err(to_js)?;
    if cfg.navigate {
        if let Err(e) = location.assign(&auth.url) {
            let _ = store.remove(&pending_key(&auth.state));
            return Err(e);
        }
    }
    Ok(interop::started(&auth.url, &auth.state))
}
