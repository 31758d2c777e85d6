// Shared by several test crates, each of which uses only some of it.
#![allow(dead_code)]

pub mod json;

use bank_link::core::uri::UrlParser;

/// The URL parser the shipped build uses where the test runs: the browser's own `URL` in
/// the browser suites, the `url` crate natively.
pub fn parser() -> &'static dyn UrlParser {
    #[cfg(target_arch = "wasm32")]
    {
        &bank_link::web::BrowserUrl
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        &bank_link::core::uri::NativeUrl
    }
}
