//! The browser's own WHATWG `URL` as the core's parser: the parser that will navigate,
//! so the library and the browser never read a URL differently. One JS call parses and
//! reads back `origin` and `href` as one string (a crossing each for the constructor and
//! the two getters cost about 3 µs more a URL in Chromium); the core slices the rest
//! from `href`.

use crate::core::uri::{UrlParser, UrlParts};
use crate::core::urlenc::cut;
use wasm_bindgen::prelude::wasm_bindgen;

// `origin` never holds a space (an opaque origin is "null"), so the first space ends it;
// `href` follows as the parser serialised it. `undefined` when the parser refuses.
#[wasm_bindgen(inline_js = "export function u(s){try{const u=new URL(s);return u.origin+' '+u.href}catch{}}")]
extern "C" {
    fn u(input: &str) -> Option<String>;
}

/// The core's [`UrlParser`] backed by the browser's `URL`: what the wasm build parses with.
pub struct BrowserUrl;

impl UrlParser for BrowserUrl {
    fn parse(&self, input: &str) -> Option<UrlParts> {
        let both = u(input)?;
        let (origin, href) = cut(&both, b' ')?;
        Some(UrlParts::new(href.to_owned(), origin.to_owned()))
    }
}
