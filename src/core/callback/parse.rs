//! Reading a callback: which component holds it, strict decoding, the size caps, and
//! the shapes that are refused before anything is looked up (tokens, a result together
//! with an error).

use crate::core::error::AuthError;
use crate::core::uri::{UrlParser, UrlParts};
use crate::core::urlenc::{cut, decode_lenient, names, parse_pairs, pieces, MAX_VALUE};

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
    CALLBACK_PARAMS.iter().any(|(n, _)| *n == name)
}

/// The callback parameter names of one role.
fn named(role: Role) -> impl Iterator<Item = &'static str> {
    CALLBACK_PARAMS.into_iter().filter(move |(_, r)| *r == role).map(|(n, _)| n)
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

fn has_callback_param(params: &[(String, String)]) -> bool {
    params.iter().any(|(k, v)| !v.is_empty() && is_callback_param(k))
}

/// Whether some segment of a component that failed strict parsing still names a
/// callback parameter (decoded leniently): then the failure is the callback's.
pub(super) fn mentions_callback_param(raw: &str) -> bool {
    names(raw).any(|n| is_callback_param(&n))
}

/// Whether some segment names a callback parameter (decoded leniently) with a non-empty
/// value: the component that holds the callback. An empty value counts as absent, so
/// `?code=` or `?error` alone is the app's own business, as in [`component`].
pub(super) fn holds_callback_param(raw: &str) -> bool {
    pieces(raw, b'&').any(|seg| cut(seg, b'=').is_some_and(|(_, v)| !v.is_empty()) && mentions_callback_param(seg))
}

/// The component's parameters if it holds a callback; `None` if it holds none. An
/// app's own unparsable query or fragment (`#/100%`) is not our business.
fn component(raw: Option<&str>) -> Result<Option<Vec<(String, String)>>, AuthError> {
    let raw = raw.unwrap_or("");
    match parse_pairs(raw, MAX_VALUE) {
        Ok(params) if has_callback_param(&params) => Ok(Some(params)),
        Ok(_) => Ok(None),
        // The same test as a parsed component's: a callback name with a value. A name
        // with none (`?error&q=100%`) is no callback, as `?error&q=1` is not.
        Err(e) if holds_callback_param(raw) => Err(e),
        Err(_) => Ok(None),
    }
}

/// Parses a callback URL. `Ok(None)`: no callback parameter in the query or fragment.
/// The fragment is read only when the query holds none, so an app's own fragment
/// routes are never mistaken for a callback.
pub fn parse_callback(href: &str, parser: &dyn UrlParser) -> Result<Option<Callback>, AuthError> {
    let url = parser.parse(href).ok_or_else(not_a_url)?;
    read_callback(url, href.len())
}

/// The refusal of a callback over [`MAX_URL`], in one place for the core, the boundary
/// (which refuses by JS length before a copy) and the popup opener. A message, not a
/// constructor: a shared function cost more wasm than the inlined calls (docs/performance.md).
pub const TOO_LONG: &str = "the callback URL is longer than 8192 bytes";

pub(super) fn not_a_url() -> AuthError {
    AuthError::malformed("the callback location is not an absolute URL")
}

/// [`parse_callback`] on a URL already parsed from an href of `href_len` bytes.
pub(super) fn read_callback(url: UrlParts, href_len: usize) -> Result<Option<Callback>, AuthError> {
    // The cap is for callbacks: an app's own long URL that names no callback parameter is
    // no callback (docs/api.md: apps call handleCallback on every load without try/catch).
    if href_len > MAX_URL {
        if [url.query(), url.fragment()].into_iter().flatten().any(holds_callback_param) {
            return Err(AuthError::malformed(TOO_LONG));
        }
        return Ok(None);
    }
    let params = match component(url.query())? {
        Some(params) => params,
        None => match component(url.fragment())? {
            Some(params) => params,
            None => return Ok(None),
        },
    };
    let cb = Callback { url, params };
    // This library runs the code flow only: tokens in a redirect are a misconfigured or
    // hostile server's, and must reach neither the app nor the history (they are cleaned).
    if named(Role::Token).any(|t| cb.params.iter().any(|(k, _)| k == t)) {
        return Err(AuthError::malformed("the callback carries a token; this library runs the code flow only"));
    }
    if cb.get("error").is_some() && named(Role::Result).any(|p| cb.get(p).is_some()) {
        return Err(AuthError::malformed("the callback carries both a result and an error"));
    }
    Ok(Some(cb))
}

/// Lenient read of one parameter, from the query or else the fragment: for a popup that
/// must relay a broken callback, and for finding which storage a callback's flow is in.
pub fn lenient_param(url: &UrlParts, name: &str) -> Option<String> {
    [url.query(), url.fragment()].into_iter().flatten().find_map(|component| {
        pieces(component, b'&').find_map(|seg| {
            let (k, v) = cut(seg, b'=').unwrap_or((seg, ""));
            (decode_lenient(k)? == name).then(|| decode_lenient(v)).flatten()
        })
    })
}
