//! The authorization response (RFC 6749 §4.1.2): parsing it strictly, and verifying it
//! against the pending authorization in the order oauth4webapi and RFC 9207 use:
//! structure → `iss` → state (constant time) → expiry → binding → `error` or success.

use super::config::{Mode, CALLBACK_PARAMS};
use super::entropy::is_token;
use super::error::{AuthError, ErrorCode};
use super::outcome::{map_error, AuthorizationResult};
use super::pending::{done_key, PendingFlow, PENDING_PREFIX};
use super::provider::Provider;
use super::store::{sweep, PendingStore, StoreFault};
use url::Url;

/// API.md size caps: a larger callback is `malformed_callback`, never truncated.
pub const MAX_URL: usize = 8 * 1024;
pub const MAX_VALUE: usize = 2 * 1024;

/// Where the callback parameters were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Query,
    Fragment,
}

/// A parsed callback: every parameter of the component it came from, decoded, each
/// name at most once. Empty values are kept in `params` but count as absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Callback {
    pub url: Url,
    pub source: Source,
    pub params: Vec<(String, String)>,
}

impl Callback {
    /// A parameter's value; an empty value counts as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.as_str())
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// application/x-www-form-urlencoded decoding, strictly: a `%` not followed by two hex
/// digits, or bytes that are not UTF-8, are malformed (never replaced by U+FFFD, which
/// would let two different inputs decode to the same value).
pub fn decode_component(raw: &str) -> Result<String, AuthError> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex);
                let lo = bytes.get(i + 2).copied().and_then(hex);
                match (hi, lo) {
                    (Some(h), Some(l)) => out.push(h << 4 | l),
                    _ => return Err(AuthError::malformed("a callback parameter has an invalid percent-escape")),
                }
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| AuthError::malformed("a callback parameter is not valid UTF-8"))
}

/// Splits `a=1&b=2` into decoded pairs, refusing duplicates of a decoded name
/// (`state=A&%73tate=A` is a duplicate) and oversized values.
pub fn parse_pairs(raw: &str) -> Result<Vec<(String, String)>, AuthError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for segment in raw.split('&').filter(|s| !s.is_empty()) {
        let (name, value) = segment.split_once('=').unwrap_or((segment, ""));
        let name = decode_component(name)?;
        let value = decode_component(value)?;
        if value.len() > MAX_VALUE {
            return Err(AuthError::malformed(format!("a callback value is longer than {MAX_VALUE} bytes")));
        }
        if out.iter().any(|(k, _)| *k == name) {
            return Err(AuthError::malformed("a callback parameter appears more than once"));
        }
        out.push((name, value));
    }
    Ok(out)
}

fn has_callback_param(params: &[(String, String)]) -> bool {
    params.iter().any(|(k, v)| !v.is_empty() && CALLBACK_PARAMS.contains(&k.as_str()))
}

/// Whether some segment of a component that failed strict parsing still names a
/// callback parameter (decoded leniently): then the failure is the callback's.
fn mentions_callback_param(raw: &str) -> bool {
    raw.split('&').any(|seg| {
        let name = seg.split_once('=').map_or(seg, |(n, _)| n).replace('+', " ");
        CALLBACK_PARAMS.contains(&percent_encoding::percent_decode_str(&name).decode_utf8_lossy().as_ref())
    })
}

/// Whether some segment names a callback parameter (decoded leniently) with a non-empty
/// value: the component that holds the callback. An empty value counts as absent, so
/// `?code=` or `?error` alone is the app's own business, as in [`component`].
fn holds_callback_param(raw: &str) -> bool {
    raw.split('&').any(|seg| seg.split_once('=').is_some_and(|(_, v)| !v.is_empty()) && mentions_callback_param(seg))
}

/// The component's parameters if it holds a callback; `None` if it holds none. An
/// app's own unparsable query or fragment (`#/100%`) is not our business.
fn component(raw: Option<&str>) -> Result<Option<Vec<(String, String)>>, AuthError> {
    let raw = raw.unwrap_or("");
    match parse_pairs(raw) {
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
pub fn parse_callback(href: &str) -> Result<Option<Callback>, AuthError> {
    let url = Url::parse(href).map_err(|_| not_a_url())?;
    read_callback(url, href.len())
}

fn not_a_url() -> AuthError {
    AuthError::malformed("the callback location is not an absolute URL")
}

/// [`parse_callback`] on a URL already parsed from an href of `href_len` bytes.
fn read_callback(url: Url, href_len: usize) -> Result<Option<Callback>, AuthError> {
    // The cap is for callbacks: an app's own long URL that names no callback parameter is
    // no callback (API.md: apps call handleCallback on every load without try/catch).
    if href_len > MAX_URL {
        if [url.query(), url.fragment()].into_iter().flatten().any(holds_callback_param) {
            return Err(AuthError::malformed(format!("the callback URL is longer than {MAX_URL} bytes")));
        }
        return Ok(None);
    }
    let (source, params) = match component(url.query())? {
        Some(params) => (Source::Query, params),
        None => match component(url.fragment())? {
            Some(params) => (Source::Fragment, params),
            None => return Ok(None),
        },
    };
    let cb = Callback { url, source, params };
    if cb.get("error").is_some() && ["code", "loginId", "credentials_id"].iter().any(|p| cb.get(p).is_some()) {
        return Err(AuthError::malformed("the callback carries both a result and an error"));
    }
    Ok(Some(cb))
}

/// Equality that takes the same time wherever the inputs differ (RFC 6749 §10.10 asks
/// that guessing a state be infeasible; timing must not help).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The pending record whose state equals `state`, comparing every pending key in
/// constant time (no early exit), so the lookup reveals nothing but the outcome.
fn lookup(store: &dyn PendingStore, state: &str) -> Result<Option<(String, String)>, StoreFault> {
    let mut found = None;
    for key in store.keys()? {
        if let Some(candidate) = key.strip_prefix(PENDING_PREFIX) {
            if ct_eq(candidate.as_bytes(), state.as_bytes()) {
                found = Some(key.clone());
            }
        }
    }
    match found {
        Some(key) => Ok(store.get(&key)?.map(|record| (key, record))),
        None => Ok(None),
    }
}

/// Origin and path, which the browser normalises; the binding compares these.
fn endpoint(url: &Url) -> (String, String) {
    (url.origin().ascii_serialization(), url.path().to_owned())
}

/// RFC 9700 §4.4 mix-up defence, in the form a browser can check: the flow was started
/// for this very redirect URI.
fn bound_to(flow: &PendingFlow, page: &Url) -> bool {
    Url::parse(&flow.redirect_uri).is_ok_and(|r| endpoint(&r) == endpoint(page))
}

fn storage_fault(_: StoreFault) -> AuthError {
    AuthError::storage("sessionStorage is not available, so the callback cannot be verified")
}

/// Verifies a parsed callback and consumes the pending authorization it answers.
pub fn verify_callback(
    cb: &Callback,
    store: &mut dyn PendingStore,
    now_ms: u64,
) -> Result<AuthorizationResult, AuthError> {
    let Some(state) = cb.get("state") else {
        return Err(AuthError::new(ErrorCode::MissingState, "the callback carries no state"));
    };
    // Never let a hostile state reach a storage key: ours are 43 base64url characters.
    if !is_token(state) {
        return Err(AuthError::new(ErrorCode::UnknownState, "the callback's state was not issued by this library"));
    }
    let Some((key, record)) = lookup(store, state).map_err(storage_fault)? else {
        let done = store.get(&done_key(state)).map_err(storage_fault)?;
        if done.and_then(|exp| exp.parse::<u64>().ok()).is_some_and(|exp| now_ms < exp) {
            return Err(AuthError::new(
                ErrorCode::AlreadyHandled,
                "this callback was already handled (reload or back button)",
            ));
        }
        return Err(AuthError::new(ErrorCode::UnknownState, "no pending authorization matches the callback's state"));
    };
    let Some(flow) = PendingFlow::from_record(&record) else {
        return Err(AuthError::new(ErrorCode::UnknownState, "the pending authorization for this state is unreadable"));
    };
    // RFC 9207 §2.4: when the issuer is known, `iss` must be present and equal.
    if let Some(issuer) = &flow.issuer {
        if cb.get("iss").is_none_or(|iss| !ct_eq(iss.as_bytes(), issuer.as_bytes())) {
            return Err(AuthError::new(
                ErrorCode::IssuerMismatch,
                "the callback's iss does not match the expected issuer",
            ));
        }
    }
    if flow.is_expired(now_ms) {
        let _ = store.remove(&key);
        return Err(AuthError::new(
            ErrorCode::Expired,
            "the pending authorization expired before the callback arrived",
        ));
    }
    if !bound_to(&flow, &cb.url) {
        return Err(AuthError::new(
            ErrorCode::UnknownState,
            "the callback's state belongs to a different redirect URI",
        ));
    }
    let result = outcome(cb, &flow, state)?;
    consume(store, &key, state, &flow)?;
    Ok(result)
}

/// Single use: the record goes before the result is returned, and a marker that holds
/// no code (only its expiry) turns a replay into `already_handled`.
fn consume(store: &mut dyn PendingStore, key: &str, state: &str, flow: &PendingFlow) -> Result<(), AuthError> {
    store.remove(key).map_err(storage_fault)?;
    if store.get(key).map_err(storage_fault)?.is_some() {
        return Err(AuthError::storage("sessionStorage did not remove the pending authorization"));
    }
    // Best effort: without the marker a replay is `unknown_state`, still refused.
    let _ = store.set(&done_key(state), &flow.expires_ms.to_string());
    Ok(())
}

fn outcome(cb: &Callback, flow: &PendingFlow, state: &str) -> Result<AuthorizationResult, AuthError> {
    let get = |n: &str| cb.get(n).map(str::to_owned);
    if let Some(raw) = cb.get("error") {
        return Ok(AuthorizationResult::Failure {
            provider: flow.provider,
            state: Some(state.to_owned()),
            error: map_error(flow.provider, raw),
            error_description: get("error_description"),
            error_uri: get("error_uri"),
            params: cb.params.clone(),
            app_state: flow.app_state.clone(),
        });
    }
    let (code, login_id, credentials_id) = (get("code"), get("loginId"), get("credentials_id"));
    // Each provider answers with what its document says, and nothing else counts.
    let answered = match flow.provider {
        Provider::Tink => code.is_some() || credentials_id.is_some(),
        Provider::FlinksV3 => login_id.is_some(),
        Provider::Flinks | Provider::OAuth2 => code.is_some(),
    };
    if !answered {
        return Err(AuthError::malformed(format!(
            "the callback carries neither an error nor the result {} sends",
            flow.provider.as_str()
        )));
    }
    Ok(AuthorizationResult::Success {
        provider: flow.provider,
        state: state.to_owned(),
        code,
        login_id,
        credentials_id,
        code_verifier: flow.code_verifier.clone(),
        params: cb.params.clone(),
        app_state: flow.app_state.clone(),
    })
}

/// The flow Tink's documented denial answers: back at the redirect URI with no
/// parameters at all means the newest Tink flow of this `mode` pending for this page.
/// Read only. The mode keeps a popup flow's record (which its opener holds) from being
/// taken by a plain load of the redirect page in the opener's tab.
pub fn silent_denial_flow(
    page: &Url,
    store: &dyn PendingStore,
    now_ms: u64,
    mode: Mode,
) -> Option<(String, PendingFlow)> {
    let mut newest: Option<(String, PendingFlow)> = None;
    for key in store.keys().ok()? {
        let Some(state) = key.strip_prefix(PENDING_PREFIX) else { continue };
        let Some(flow) = store.get(&key).ok().flatten().and_then(|r| PendingFlow::from_record(&r)) else { continue };
        if flow.provider == Provider::Tink
            && flow.mode == mode
            && !flow.is_expired(now_ms)
            && bound_to(&flow, page)
            && newest.as_ref().is_none_or(|(_, n)| flow.created_ms >= n.created_ms)
        {
            newest = Some((state.to_owned(), flow));
        }
    }
    newest
}

/// Tink's silent denial as a result: `access_denied` for the flow
/// [`silent_denial_flow`] finds, which is consumed; otherwise the page is no callback.
pub fn silent_denial(
    page: &Url,
    store: &mut dyn PendingStore,
    now_ms: u64,
    mode: Mode,
) -> Result<Option<AuthorizationResult>, AuthError> {
    let Some((state, flow)) = silent_denial_flow(page, store, now_ms, mode) else { return Ok(None) };
    consume(store, &format!("{PENDING_PREFIX}{state}"), &state, &flow)?;
    Ok(Some(AuthorizationResult::Failure {
        provider: Provider::Tink,
        state: Some(state),
        error: "access_denied".to_owned(),
        error_description: None,
        error_uri: None,
        params: Vec::new(),
        app_state: flow.app_state,
    }))
}

/// The URL with exactly the callback parameters removed from the component that holds
/// them (the query, else the fragment); the app's own parameters, their order and
/// encoding stay byte for byte. `None` when there is nothing to remove.
pub fn strip_callback_params(url: &Url) -> Option<String> {
    let mut url = url.clone();
    // Every component that holds a callback loses its callback parameters: the one
    // `parse_callback` read, and a second one it ignored (`?code=a&state=..#code=b&..`),
    // which would otherwise stay in the address bar and history and be read on reload. A
    // component whose callback names are all empty (`?error`) is the app's, left alone.
    let strip = |raw: &str| {
        let kept: Vec<&str> = raw.split('&').filter(|seg| !seg.is_empty() && !mentions_callback_param(seg)).collect();
        if kept.is_empty() {
            None
        } else {
            Some(kept.join("&"))
        }
    };
    let query = url.query().filter(|q| holds_callback_param(q)).map(strip);
    let fragment = url.fragment().filter(|f| holds_callback_param(f)).map(strip);
    if query.is_none() && fragment.is_none() {
        return None;
    }
    if let Some(q) = query {
        url.set_query(q.as_deref());
    }
    if let Some(f) = fragment {
        url.set_fragment(f.as_deref());
    }
    Some(url.into())
}

/// Everything `handleCallback` decides for one location: the outcome (`Ok(None)`: not a
/// callback) and the address to show instead, when callback parameters must go.
#[derive(Debug, Clone, PartialEq)]
pub struct Handled {
    pub outcome: Result<Option<AuthorizationResult>, AuthError>,
    pub cleaned: Option<String>,
}

/// Parses, verifies and consumes a redirect-mode callback. `store` is `Err` when the
/// browser's storage is not available: then a callback cannot be verified
/// (`storage_unavailable`), and a page that is no callback is simply no callback.
pub fn handle(href: &str, store: Result<&mut dyn PendingStore, AuthError>, now_ms: u64) -> Handled {
    handle_in(href, store, now_ms, Mode::Redirect)
}

/// What the opener of a popup does with the callback URL its popup relayed: the same
/// checks against the opener's own record (`store` holds that one flow), Tink's silent
/// denial included. The popup's storage is only a copy and is never trusted.
pub fn verify_relayed(
    href: &str,
    store: &mut dyn PendingStore,
    now_ms: u64,
) -> Result<Option<AuthorizationResult>, AuthError> {
    handle_in(href, Ok(store), now_ms, Mode::Popup).outcome
}

fn handle_in(href: &str, store: Result<&mut dyn PendingStore, AuthError>, now_ms: u64, mode: Mode) -> Handled {
    // Parsed once: cleaning, reading and Tink's silent denial all look at the same URL.
    let page = Url::parse(href).ok();
    // Oversized callbacks are cleaned too: README "Clean" has no size exception, and
    // leaving one in the address bar would fail the same way on every reload.
    let cleaned = page.as_ref().and_then(strip_callback_params);
    let parsed = match &page {
        Some(url) => read_callback(url.clone(), href.len()),
        None => Err(not_a_url()),
    };
    let outcome = match store {
        Err(unavailable) => match parsed {
            Ok(Some(_)) => Err(unavailable),
            other => other.map(|_| None),
        },
        Ok(store) => {
            let outcome = match parsed {
                Err(e) => Err(e),
                Ok(Some(cb)) => verify_callback(&cb, store, now_ms).map(Some),
                Ok(None) => page.as_ref().map_or(Ok(None), |page| silent_denial(page, store, now_ms, mode)),
            };
            // After verifying, so an expired flow answers `expired`, not `unknown_state`.
            let _ = sweep(store, now_ms);
            outcome
        }
    };
    Handled { outcome, cleaned }
}
