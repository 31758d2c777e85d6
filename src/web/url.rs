//! The browser's own WHATWG `URL` as the core's parser: the parser that will navigate,
//! so the library and the browser never read a URL differently. Two reads cross the
//! boundary (`href`, `origin`); the core slices the rest from `href`.

use crate::core::uri::{UrlParser, UrlParts};

/// The core's [`UrlParser`] backed by the browser's `URL`: what the wasm build parses with.
pub struct BrowserUrl;

impl UrlParser for BrowserUrl {
    fn parse(&self, input: &str) -> Option<UrlParts> {
        let url = web_sys::Url::new(input).ok()?;
        Some(UrlParts::new(url.href(), url.origin()))
    }
}
