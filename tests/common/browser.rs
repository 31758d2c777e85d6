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

/// Tink's silent denial is read on a fresh navigation only: the tests that rely on it first
/// check that the test page itself was reached by one.
pub fn assert_fresh_navigation() {
    let nav = js_sys::eval("performance.getEntriesByType('navigation')[0].type").unwrap();
    assert_eq!(nav.as_string().as_deref(), Some("navigate"), "the test page was reached by a navigation");
}

/// Empties the shared store (its IndexedDB database and the hint key): the other tests of
/// a page expect no shared flow.
pub async fn forget_shared_store() {
    let gone: js_sys::Promise = Function::new_no_args(
        "localStorage.removeItem('bank-link:shared');
         return new Promise((ok) => { const r = indexedDB.deleteDatabase('bank-link'); r.onsuccess = r.onerror = r.onblocked = ok; });",
    )
    .call0(&JsValue::NULL)
    .unwrap()
    .unchecked_into();
    wasm_bindgen_futures::JsFuture::from(gone).await.unwrap();
}

/// The events an [`event_collector`] kept.
pub fn events(seen: &Array) -> Vec<String> {
    seen.iter().map(|e| e.as_string().unwrap()).collect()
}
