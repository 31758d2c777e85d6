//! The cleaned address: the callback URL with exactly its callback parameters removed.

use super::parse::scan;
use crate::core::uri::UrlParts;

/// The URL with exactly the callback parameters removed from the component that holds
/// them (the query, else the fragment); the app's own parameters, their order and
/// encoding stay byte for byte. `None` when there is nothing to remove.
pub fn strip_callback_params(url: &UrlParts) -> Option<String> {
    // Every component that holds a callback loses its callback parameters: the one
    // `parse_callback` read, and a second one it ignored (`?code=a&state=..#code=b&..`),
    // which would otherwise stay in the address bar and history and be read on reload. A
    // component whose callback names are all empty (`?error`) is the app's, left alone.
    let clean = |c: Option<&str>| {
        let mut kept = String::new();
        scan(c?, Some(&mut kept)).then_some((!kept.is_empty()).then_some(kept))
    };
    let (q, f) = (url.query(), url.fragment());
    let (query, fragment) = (clean(q), clean(f));
    if query.is_none() && fragment.is_none() {
        return None;
    }
    Some(url.with(query.as_ref().map_or(q, Option::as_deref), fragment.as_ref().map_or(f, Option::as_deref)))
}
