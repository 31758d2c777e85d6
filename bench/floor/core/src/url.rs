//! The browser's own `URL` as the core's parser, as the package parses (a copy of the
//! package's seam, `src/web/url.rs`, which is private to its web layer): one JS call
//! returns `origin` and `href`, the core slices the rest.

use bank_link::core::uri::{UrlParser, UrlParts};
use wasm_bindgen::prelude::wasm_bindgen;

// `origin`, a space, then `href` as the parser serialised it; `None` when it refuses.
#[wasm_bindgen(module = "/core_only.js")]
extern "C" {
    fn url(input: &str) -> Option<String>;
}

/// The core's [`UrlParser`] backed by the browser's `URL`.
pub struct BrowserUrl;

impl UrlParser for BrowserUrl {
    fn parse(&self, input: &str) -> Option<UrlParts> {
        UrlParts::joined(url(input)?)
    }
}
