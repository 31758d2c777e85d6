//! The cleaned address: the callback URL with exactly its callback parameters removed.

use super::parse::{holds_callback_param, mentions_callback_param};
use crate::core::uri::UrlParts;
use crate::core::urlenc::{join, pieces};

/// The URL with exactly the callback parameters removed from the component that holds
/// them (the query, else the fragment); the app's own parameters, their order and
/// encoding stay byte for byte. `None` when there is nothing to remove.
pub fn strip_callback_params(url: &UrlParts) -> Option<String> {
    // Every component that holds a callback loses its callback parameters: the one
    // `parse_callback` read, and a second one it ignored (`?code=a&state=..#code=b&..`),
    // which would otherwise stay in the address bar and history and be read on reload. A
    // component whose callback names are all empty (`?error`) is the app's, left alone.
    let strip = |raw: &str| {
        let kept: Vec<&str> =
            pieces(raw, b'&').filter(|seg| !seg.is_empty() && !mentions_callback_param(seg)).collect();
        if kept.is_empty() {
            None
        } else {
            Some(join(&kept, "&"))
        }
    };
    let query = url.query().filter(|q| holds_callback_param(q)).map(strip);
    let fragment = url.fragment().filter(|f| holds_callback_param(f)).map(strip);
    if query.is_none() && fragment.is_none() {
        return None;
    }
    let q = query.unwrap_or_else(|| url.query().map(str::to_owned));
    let f = fragment.unwrap_or_else(|| url.fragment().map(str::to_owned));
    Some(url.with(q.as_deref(), f.as_deref()))
}
