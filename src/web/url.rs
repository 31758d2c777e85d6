//! The browser's own WHATWG `URL` as the core's parser: the parser that will navigate,
//! so the library and the browser never read a URL differently. One JS call parses and
//! reads back `origin` and `href` as one string (a crossing each for the constructor and
//! the two getters was measurably slower: docs/performance.md); the core slices the rest
//! from `href`.

use crate::core::uri::{UrlParser, UrlParts};
use wasm_bindgen::prelude::wasm_bindgen;

// `origin`, a space, then `href` as the parser serialised it; `None` when it refuses.
#[wasm_bindgen(module = "/src/web/boundary.js")]
extern "C" {
    fn url(input: &str) -> Option<String>;
}

/// The core's [`UrlParser`] backed by the browser's `URL`: what the wasm build parses with.
pub struct BrowserUrl;

impl UrlParser for BrowserUrl {
    fn parse(&self, input: &str) -> Option<UrlParts> {
        UrlParts::joined(url(input)?)
    }
}
