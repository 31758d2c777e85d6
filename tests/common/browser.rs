//! Helpers of the browser suites (tests/web.rs, tests/popup.rs, tests/across_tabs.rs).

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

pub fn window() -> web_sys::Window {
    web_sys::window().unwrap()
}

/// This test page's origin.
pub fn origin() -> String {
    window().location().origin().unwrap()
}

pub fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &k.into()).unwrap()
}

/// The `code` of a rejection or throw, which must be an `AuthError`.
pub fn code_of(e: &JsValue) -> String {
    assert_eq!(get(e, "name").as_string().as_deref(), Some("AuthError"), "{e:?}");
    get(e, "code").as_string().unwrap()
}

/// An `onEvent` handler that keeps every event as JSON text in the returned array, then
/// throws if `throws` (a broken analytics script must not break the flow).
pub fn event_collector(throws: bool) -> (Function, Array) {
    let seen = Array::new();
    let body = if throws {
        "seen.push(JSON.stringify(e)); throw new Error('analytics broke')"
    } else {
        "seen.push(JSON.stringify(e))"
    };
    let f = Function::new_with_args("seen, e", body).bind1(&JsValue::NULL, &seen);
    (f.unchecked_into(), seen)
}

/// The events an [`event_collector`] kept.
pub fn events(seen: &Array) -> Vec<String> {
    seen.iter().map(|e| e.as_string().unwrap()).collect()
}
