//! What the boundary reads from the page itself: the window, the clock, and a browser
//! call's failure as an `AuthError` (how the page was reached is read with the callback's
//! address: `interop::arrival`).

use super::error::no_window;
use super::interop::is;
use crate::core::error::AuthError;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `globalThis.window`, undefined in a worker. Read directly: `web_sys::window()` goes
    /// through `js_sys::global()`, a four-way probe of global names that costs wasm and glue.
    #[wasm_bindgen(thread_local_v2, js_namespace = globalThis, js_name = window)]
    static WINDOW: JsValue;
}

pub fn window() -> Result<web_sys::Window, AuthError> {
    WINDOW.with(|w| is(w, "Window").then(|| w.clone().unchecked_into())).ok_or_else(no_window)
}

#[wasm_bindgen(module = "/src/web/boundary.js")]
extern "C" {
    #[wasm_bindgen(js_name = here)]
    fn here_js(part: &str) -> Option<String>;
}

/// This page's `location.href` or `location.origin` (`part`).
pub fn here(part: &str) -> Result<String, AuthError> {
    here_js(part).ok_or_else(|| AuthError::browser("this page's location could not be read"))
}

/// A browser call other than storage threw: `browser_unavailable`, with its message.
pub fn js_err(e: JsValue) -> AuthError {
    let msg = if is(&e, "Error") {
        e.unchecked_into::<js_sys::Error>().message().into()
    } else {
        "a browser call failed".to_owned()
    };
    AuthError::browser(msg)
}

/// `Date.now()` in whole ms. A patched clock (`NaN`, `Infinity`, `1e20`) saturates to
/// 0 or `u64::MAX` (`as` saturates; time math in the core saturates too): a callback then
/// reads `expired` or `unknown_state`, never a panic or a wrap.
pub fn now() -> u64 {
    js_sys::Date::now() as u64
}

/// The latest time JS can represent (`new Date(8.64e15)`): a start at a later "now" would
/// make a record that never expires, so it is refused.
const MAX_DATE_MS: u64 = 8_640_000_000_000_000;

/// `now()` for starting a flow: a clock that is not a real time is refused.
pub fn start_time() -> Result<u64, AuthError> {
    let t = js_sys::Date::now();
    if t.is_finite() && t > 0.0 && (t as u64) < MAX_DATE_MS {
        Ok(t as u64)
    } else {
        Err(AuthError::config("ttlSeconds", "cannot be counted: Date.now() returned no valid time"))
    }
}

/// `window.location.assign(url)`: the one navigation of a redirect start. Test builds (feature
/// `test-hooks`, never in the package) call `globalThis.__bankLinkAssign` instead when a
/// test set it: the real `assign` is an own, non-configurable property in every engine,
/// so a test cannot make it throw as a sandboxed frame's does.
pub fn assign(window: &web_sys::Window, url: &str) -> Result<(), JsValue> {
    #[cfg(feature = "test-hooks")]
    if let Ok(hook) = js_sys::Reflect::get(&js_sys::global(), &"__bankLinkAssign".into()) {
        if let Some(hook) = hook.dyn_ref::<js_sys::Function>() {
            return hook.call1(&JsValue::NULL, &url.into()).map(drop);
        }
    }
    let thrown = assign_js(window, url);
    if thrown.is_undefined() {
        Ok(())
    } else {
        Err(thrown)
    }
}

#[wasm_bindgen(module = "/src/web/boundary.js")]
extern "C" {
    /// `window.location.assign(url)`: undefined, or what it threw (`boundary.js` catches
    /// it: no exception crosses into the wasm).
    #[wasm_bindgen(js_name = assign)]
    fn assign_js(window: &web_sys::Window, url: &str) -> JsValue;
}
