//! Reading a callback: which component holds it, strict decoding, the size caps, and
//! the shapes that are refused before anything is looked up (tokens, a result together
//! with an error).

use crate::core::error::AuthError;
use crate::core::uri::{UrlParser, UrlParts};
use crate::core::urlenc::{cut, decode_lenient, parse_pairs, pieces, MAX_VALUE};

/// What a callback parameter is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `state`: binds the callback to its pending authorization (RFC 6749 §4.1.2).
    State,
    /// The provider's answer: `code`, Flinks v3's `loginId`, Tink's `credentials_id`.
    Result,
    /// `error`, and its description and URI.
    Error,
    /// RFC 9207 `iss`.
    Issuer,
    /// An implicit-flow answer, which this library never asks for: such a callback is
    /// refused (docs/api.md, "Token leakage") and cleaned away.
    Token,
}

/// Every name a callback may carry: the one table that parsing, cleaning and config
/// validation (a redirect URI that already used one would be ambiguous) read.
pub const CALLBACK_PARAMS: [(&str, Role); 10] = [
    ("code", Role::Result),
    ("state", Role::State),
    ("error", Role::Error),
    ("error_description", Role::Error),
    ("error_uri", Role::Error),
    ("iss", Role::Issuer),
    ("loginId", Role::Result),
    ("credentials_id", Role::Result),
    ("access_token", Role::Token),
    ("id_token", Role::Token),
];

/// Whether `name` is one of the [`CALLBACK_PARAMS`] (compared exactly, case included).
pub fn is_callback_param(name: &str) -> bool {
    role(name).is_some()
}

/// The role of a callback parameter name, `None` for any other name.
fn role(name: &str) -> Option<Role> {
    CALLBACK_PARAMS.iter().find(|(n, _)| *n == name).map(|(_, r)| *r)
}

/// docs/api.md size cap: a larger callback is `malformed_callback`, never truncated.
pub const MAX_URL: usize = 8 * 1024;

/// A parsed callback: every parameter of the component it came from, decoded, each
/// name at most once. Empty values are kept in `params` but count as absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Callback {
    /// The callback location as the parser serialised it.
    pub url: UrlParts,
    /// The parameters in the order received, names and values decoded.
    pub params: Vec<(String, String)>,
}

impl Callback {
    /// A parameter's value; an empty value counts as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.as_str())
    }
}

/// One pass over a component's `&`-separated segments, each name decoded leniently once:
/// whether it holds a callback, and its other segments as they were, joined by `&` into
/// `kept` when given (what cleaning keeps; reading needs only the answer, and no string).
/// It holds a callback when some callback name has a non-empty value: an empty value counts
/// as absent, so `?code=` or `?error` alone is the app's own business.
/// When the component parses strictly this is exactly "a decoded callback name with a
/// non-empty decoded value"; when it does not, the failure is the callback's only if this
/// holds (a name with no value, `?error&q=100%`, is no callback, as `?error&q=1` is not),
/// and an app's own unparsable query or fragment (`#/100%`) is not our business.
pub(super) fn scan(raw: &str, mut kept: Option<&mut String>) -> bool {
    let mut holds = false;
    for seg in pieces(raw, b'&') {
        let (name, value) = cut(seg, b'=').unwrap_or((seg, ""));
        if decode_lenient(name).is_some_and(|n| is_callback_param(&n)) {
            holds |= !value.is_empty();
        } else if let Some(kept) = kept.as_deref_mut().filter(|_| !seg.is_empty()) {
            // Written into one string: a `Vec` of the kept segments joined cost more wasm.
            if !kept.is_empty() {
                kept.push('&');
            }
            kept.push_str(seg);
        }
    }
    holds
}

/// Parses a callback URL. `Ok(None)`: no callback parameter in the query or fragment.
/// The fragment is read only when the query holds none, so an app's own fragment
/// routes are never mistaken for a callback.
pub fn parse_callback(href: &str, parser: &dyn UrlParser) -> Result<Option<Callback>, AuthError> {
    let url = parser.parse(href).ok_or_else(not_a_url)?;
    read_callback(&url, href.len())
}

/// The refusal of a callback over [`MAX_URL`], in one place for the core, the boundary
/// (which refuses by JS length before a copy) and the popup opener. A message, not a
/// constructor: a shared function cost more wasm than the inlined calls (docs/performance.md).
pub const TOO_LONG: &str = "the callback URL is longer than 8192 bytes";

pub(super) fn not_a_url() -> AuthError {
    AuthError::malformed("the callback location is not an absolute URL")
}

/// [`parse_callback`] on a URL already parsed from an href of `href_len` bytes.
pub(super) fn read_callback(url: &UrlParts, href_len: usize) -> Result<Option<Callback>, AuthError> {
    let Some(raw) = [url.query(), url.fragment()].into_iter().flatten().find(|c| scan(c, None)) else {
        return Ok(None);
    };
    // The cap is for callbacks: an app's own long URL that names no callback parameter is
    // no callback (docs/api.md: apps call handleCallback on every load without try/catch).
    if href_len > MAX_URL {
        return Err(AuthError::malformed(TOO_LONG));
    }
    let params = parse_pairs(raw, MAX_VALUE)?;
    // This library runs the code flow only: tokens in a redirect are a misconfigured or
    // hostile server's, and must reach neither the app nor the history (they are cleaned).
    if params.iter().any(|(k, _)| role(k) == Some(Role::Token)) {
        return Err(AuthError::malformed("the callback carries a token; this library runs the code flow only"));
    }
    let cb = Callback { url: url.clone(), params };
    if cb.get("error").is_some() && cb.params.iter().any(|(k, v)| !v.is_empty() && role(k) == Some(Role::Result)) {
        return Err(AuthError::malformed("the callback carries both a result and an error"));
    }
    Ok(Some(cb))
}

/// Lenient read of one parameter, from the query or else the fragment: for a popup that
/// must relay a broken callback, and for finding which storage a callback's flow is in.
pub fn lenient_param(url: &UrlParts, name: &str) -> Option<String> {
    // By reference: an array walked by value is an `IntoIter` of its own in the wasm.
    [url.query(), url.fragment()].iter().flatten().find_map(|component| {
        pieces(component, b'&').find_map(|seg| {
            let (k, v) = cut(seg, b'=').unwrap_or((seg, ""));
            (decode_lenient(k)? == name).then(|| decode_lenient(v)).flatten()
        })
    })
}
