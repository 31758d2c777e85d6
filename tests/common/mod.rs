// Shared by several test crates, each of which uses only some of it.
#![allow(dead_code)]

#[cfg(target_arch = "wasm32")]
pub mod browser;
pub mod dts;
pub mod json;
pub mod oracle;

/// Prints the hostile catalogue's count for one run (natively and in a browser's console,
/// which the suites show) and fails it below 120 cases or on any acceptance or leak.
pub fn report_hostile(n: usize, accepted: usize, leaked: usize, what: &str) {
    let line = format!("hostile: {n} cases, {accepted} accepted, {leaked} leaked ({what})");
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::console_log!("{line}");
    #[cfg(not(target_arch = "wasm32"))]
    println!("{line}");
    assert!(n >= 120 && accepted == 0 && leaked == 0, "{line}");
}

/// The body of a JS function that makes `sessionStorage` throw a `SecurityError` (as in a
/// sandboxed frame or with storage disabled) and returns the function that undoes it. The
/// getter throws, and so do the methods of the Storage object it gave before (the library
/// keeps that object once read): storage refused after it was read throws there.
pub const SESSION_STORAGE_THROWS: &str = "const d = Object.getOwnPropertyDescriptor(window, 'sessionStorage') || Object.getOwnPropertyDescriptor(Window.prototype, 'sessionStorage');
         const real = d.get ? d.get.call(window) : d.value, P = Storage.prototype;
         const m = { getItem: P.getItem, setItem: P.setItem, removeItem: P.removeItem };
         const deny = () => { throw new DOMException('denied', 'SecurityError') };
         Object.defineProperty(window, 'sessionStorage', { configurable: true, get: deny });
         for (const k in m) P[k] = function (...a) { if (this === real) deny(); return m[k].apply(this, a); };
         return () => { delete window.sessionStorage; if (!('sessionStorage' in window)) Object.defineProperty(window, 'sessionStorage', d); Object.assign(P, m); };";

use bank_link::core::uri::{NativeUrl, UrlParser};
use std::cell::Cell;

/// The URL parsers the vectors run under. In the browser suites: the browser's own `URL`
/// (the shipped build's parser) and the `url` crate (the native build's), so the same
/// expectations hold for both and any disagreement that changes an outcome fails the
/// suite. Natively: the `url` crate.
fn parsers() -> Vec<(&'static str, &'static dyn UrlParser)> {
    #[cfg(target_arch = "wasm32")]
    {
        vec![("the browser's URL", &bank_link::web::BrowserUrl), ("the url crate", &NativeUrl)]
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        vec![("the url crate", &NativeUrl)]
    }
}

thread_local! {
    static CURRENT: Cell<usize> = const { Cell::new(0) };
}

/// The parser of the run in progress (see [`each_parser`]); the first one outside.
pub fn parser() -> &'static dyn UrlParser {
    parsers()[CURRENT.get()].1
}

/// Runs `f` once per parser; `f` gets the parser's name for its failure messages.
pub fn each_parser(f: impl Fn(&str)) {
    for (i, (name, _)) in parsers().into_iter().enumerate() {
        CURRENT.set(i);
        f(name);
    }
    CURRENT.set(0);
}
