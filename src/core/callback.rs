//! The authorization response (RFC 6749 §4.1.2): parsing it strictly, and verifying it
//! against the pending authorization in the order oauth4webapi and RFC 9207 use:
//! structure → state (constant time) → `iss` → expiry → binding → `error` or success.

use super::config::{Mode, CALLBACK_PARAMS};
use super::entropy::is_token;
use super::error::{AuthError, ErrorCode};
use super::outcome::{map_error, AuthorizationResult};
use super::pending::PendingFlow;
use super::provider::Provider;
use super::store::{Index, PendingStore, StoreFault};
use super::uri::{UrlParser, UrlParts};
use super::urlenc::{cut, decode_lenient, join, names, parse_pairs, pieces, MAX_VALUE};

/// API.md size cap: a larger callback is `malformed_callback`, never truncated.
pub const MAX_URL: usize = 8 * 1024;

/// A parsed callback: every parameter of the component it came from, decoded, each
/// name at most once. Empty values are kept in `params` but count as absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Callback {
    pub url: UrlParts,
    pub params: Vec<(String, String)>,
}

impl Callback {
    /// A parameter's value; an empty value counts as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.as_str())
    }
}

fn has_callback_param(params: &[(String, String)]) -> bool {
    params.iter().any(|(k, v)| !v.is_empty() && CALLBACK_PARAMS.contains(&k.as_str()))
}

/// Whether some segment of a component that failed strict parsing still names a
/// callback parameter (decoded leniently): then the failure is the callback's.
fn mentions_callback_param(raw: &str) -> bool {
    names(raw).any(|n| CALLBACK_PARAMS.contains(&n.as_str()))
}

/// Whether some segment names a callback parameter (decoded leniently) with a non-empty
/// value: the component that holds the callback. An empty value counts as absent, so
/// `?code=` or `?error` alone is the app's own business, as in [`component`].
fn holds_callback_param(raw: &str) -> bool {
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

fn not_a_url() -> AuthError {
    AuthError::malformed("the callback location is not an absolute URL")
}

/// [`parse_callback`] on a URL already parsed from an href of `href_len` bytes.
fn read_callback(url: UrlParts, href_len: usize) -> Result<Option<Callback>, AuthError> {
    // The cap is for callbacks: an app's own long URL that names no callback parameter is
    // no callback (API.md: apps call handleCallback on every load without try/catch).
    if href_len > MAX_URL {
        if [url.query(), url.fragment()].into_iter().flatten().any(holds_callback_param) {
            return Err(AuthError::malformed("the callback URL is longer than 8192 bytes"));
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
    if ["access_token", "id_token"].iter().any(|t| cb.params.iter().any(|(k, _)| k == t)) {
        return Err(AuthError::malformed("the callback carries a token; this library runs the code flow only"));
    }
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

/// The index entry whose state equals `state`, comparing every pending state in constant
/// time (no early exit), so the lookup reveals nothing but the outcome.
fn lookup(index: &Index, state: &str) -> Option<usize> {
    let mut found = None;
    for (i, e) in index.pending.iter().enumerate() {
        if ct_eq(e.state.as_bytes(), state.as_bytes()) {
            found = Some(i);
        }
    }
    found
}

/// How the page was reached (`PerformanceNavigationTiming.type`). Tink's silent denial
/// is only read on a fresh navigation: a reload, Back or a restored tab is never one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Navigation {
    /// `navigate`: a link, a redirect, the address bar.
    Navigate,
    /// `reload`, `back_forward`, or not known (a URL passed in, no timing API).
    Other,
}

/// The non-empty `&`-separated segments of a query, as written.
fn segments(query: Option<&str>) -> impl Iterator<Item = &str> {
    pieces(query.unwrap_or(""), b'&').filter(|s| !s.is_empty())
}

/// RFC 9700 §4.4 mix-up defence: the callback arrived at the very redirect URI the flow
/// was sent with, its own query included (apps that tell servers apart by `?as=a` and
/// `?as=b`, as §4.4.2 suggests, are protected too). The origin and path are equal, and the
/// redirect URI's query segments open the callback's query in order: RFC 6749 §3.1.2 has
/// the server retain that query and add its own parameters, so what follows them is the
/// provider's (`code`, `state`, and extras such as Tink's `message` or OIDC's `scope`).
fn bound_to(flow: &PendingFlow, page: &UrlParts, parser: &dyn UrlParser) -> bool {
    let Some(r) = parser.parse(&flow.redirect_uri) else { return false };
    let mut got = segments(page.query());
    r.origin() == page.origin() && r.path() == page.path() && segments(r.query()).all(|own| got.next() == Some(own))
}

/// Tink's silent denial: the page is the flow's redirect URI exactly, nothing added
/// (no query, no fragment), reached by a fresh navigation.
fn is_bare_redirect(flow: &PendingFlow, page: &UrlParts, nav: Navigation, parser: &dyn UrlParser) -> bool {
    nav == Navigation::Navigate && parser.parse(&flow.redirect_uri).is_some_and(|r| r.href() == page.href())
}

fn storage_fault(_: StoreFault) -> AuthError {
    AuthError::storage("sessionStorage is not available, so the callback cannot be verified")
}

/// The storage a callback is verified against: the store, the index read from it once,
/// and the parser that reads the flows' redirect URIs.
pub struct Ledger<'a> {
    pub store: &'a mut dyn PendingStore,
    pub index: Index,
    pub parser: &'a dyn UrlParser,
}

impl<'a> Ledger<'a> {
    pub fn open(store: &'a mut dyn PendingStore, parser: &'a dyn UrlParser) -> Result<Self, StoreFault> {
        let index = Index::load(store)?;
        Ok(Self { store, index, parser })
    }
}

/// Verifies a parsed callback and consumes the pending authorization it answers.
pub fn verify_callback(cb: &Callback, ledger: &mut Ledger, now_ms: u64) -> Result<AuthorizationResult, AuthError> {
    let Some(state) = cb.get("state") else {
        return Err(AuthError::new(ErrorCode::MissingState, "the callback carries no state"));
    };
    // Never let a hostile state reach a storage key: ours are 43 base64url characters.
    if !is_token(state) {
        return Err(AuthError::new(ErrorCode::UnknownState, "the callback's state was not issued by this library"));
    }
    let Some(i) = lookup(&ledger.index, state) else {
        let mut done = false;
        for (s, exp) in &ledger.index.done {
            done |= ct_eq(s.as_bytes(), state.as_bytes()) && now_ms < *exp;
        }
        if done {
            return Err(AuthError::new(
                ErrorCode::AlreadyHandled,
                "this callback was already handled (reload or back button)",
            ));
        }
        return Err(AuthError::new(ErrorCode::UnknownState, "no pending authorization matches the callback's state"));
    };
    let Some(flow) = ledger.index.pending.get(i).and_then(|e| PendingFlow::from_record(&e.record)) else {
        // Not a flow of ours any more (tampered, or written by another version): forgotten.
        ledger.index.pending.remove(i);
        let _ = ledger.index.write(ledger.store);
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
        // The sweep after verifying removes it.
        return Err(AuthError::new(
            ErrorCode::Expired,
            "the pending authorization expired before the callback arrived",
        ));
    }
    if !bound_to(&flow, &cb.url, ledger.parser) {
        return Err(AuthError::new(
            ErrorCode::UnknownState,
            "the callback's state belongs to a different redirect URI",
        ));
    }
    let result = outcome(cb, &flow, state)?;
    consume(ledger, state, &flow)?;
    Ok(result)
}

/// Single use: the flow goes, and its removal is read back, before the result is
/// returned; a marker that holds no code (only its expiry) turns a replay into
/// `already_handled`.
fn consume(ledger: &mut Ledger, state: &str, flow: &PendingFlow) -> Result<(), AuthError> {
    ledger.index.mark_done(state, flow.expires_ms);
    let mut saved = ledger.index.save(ledger.store);
    if saved == Err(StoreFault::Full) {
        // Quota: without the marker what we keep only shrinks, which a full storage still
        // takes; a replay is then `unknown_state`, still refused.
        ledger.index.done.pop();
        saved = ledger.index.save(ledger.store);
    }
    saved.map_err(|_| AuthError::storage("sessionStorage did not keep the removal of the pending authorization"))
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
        return Err(AuthError::malformed(super::urlenc::cat(&[
            "the callback carries neither an error nor the result ",
            flow.provider.as_str(),
            " sends",
        ])));
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

/// The flow Tink's documented denial answers: a fresh navigation to exactly the redirect
/// URI, with no parameters at all, means the newest Tink flow of this `mode` pending for
/// that URI. Read only. A reload, Back, `?utm_source=…` or `#/route` is no denial: the
/// flow stays pending. The mode keeps a popup flow's record (which its opener holds)
/// from being taken by a plain load of the redirect page in the opener's tab.
pub fn silent_denial_flow(
    page: &UrlParts,
    ledger: &Ledger,
    now_ms: u64,
    mode: Mode,
    nav: Navigation,
) -> Option<(String, PendingFlow)> {
    if nav != Navigation::Navigate {
        return None;
    }
    let mut newest: Option<(String, PendingFlow)> = None;
    for e in &ledger.index.pending {
        if now_ms >= e.expires_ms || newest.as_ref().is_some_and(|(_, n)| e.created_ms < n.created_ms) {
            continue;
        }
        let Some(flow) = PendingFlow::from_record(&e.record) else { continue };
        if flow.provider == Provider::Tink
            && flow.mode == mode
            && !flow.is_expired(now_ms)
            && is_bare_redirect(&flow, page, nav, ledger.parser)
        {
            newest = Some((e.state.clone(), flow));
        }
    }
    newest
}

/// Tink's silent denial as a result: `access_denied` for the flow
/// [`silent_denial_flow`] finds, which is consumed; otherwise the page is no callback.
pub fn silent_denial(
    page: &UrlParts,
    ledger: &mut Ledger,
    now_ms: u64,
    mode: Mode,
    nav: Navigation,
) -> Result<Option<AuthorizationResult>, AuthError> {
    let Some((state, flow)) = silent_denial_flow(page, ledger, now_ms, mode, nav) else { return Ok(None) };
    consume(ledger, &state, &flow)?;
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
/// `nav` is how the page was reached ([`Navigation::Other`] for a URL that is not this
/// page's own load).
pub fn handle(
    href: &str,
    store: Result<&mut dyn PendingStore, AuthError>,
    now_ms: u64,
    nav: Navigation,
    parser: &dyn UrlParser,
) -> Handled {
    handle_in(href, store, now_ms, Mode::Redirect, nav, parser)
}

/// What the opener of a popup does with the callback URL its popup relayed: the same
/// checks against the opener's own record (`store` holds that one flow), Tink's silent
/// denial included. The popup's storage is only a copy and is never trusted. The popup
/// relays a parameterless page only after a fresh navigation (`relay_state`), so the
/// relayed URL counts as one.
pub fn verify_relayed(
    href: &str,
    store: &mut dyn PendingStore,
    now_ms: u64,
    parser: &dyn UrlParser,
) -> Result<Option<AuthorizationResult>, AuthError> {
    handle_in(href, Ok(store), now_ms, Mode::Popup, Navigation::Navigate, parser).outcome
}

fn handle_in(
    href: &str,
    store: Result<&mut dyn PendingStore, AuthError>,
    now_ms: u64,
    mode: Mode,
    nav: Navigation,
    parser: &dyn UrlParser,
) -> Handled {
    // Parsed once: cleaning, reading and Tink's silent denial all look at the same URL.
    let page = parser.parse(href);
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
        // A page that is no callback, with nothing of ours stored, touches nothing more.
        Ok(store) => match Ledger::open(store, parser) {
            Err(fault) => match parsed {
                Ok(Some(_)) => Err(storage_fault(fault)),
                other => other.map(|_| None),
            },
            Ok(mut ledger) => {
                let outcome = match parsed {
                    Err(e) => Err(e),
                    Ok(Some(cb)) => verify_callback(&cb, &mut ledger, now_ms).map(Some),
                    Ok(None) => {
                        page.as_ref().map_or(Ok(None), |page| silent_denial(page, &mut ledger, now_ms, mode, nav))
                    }
                };
                // After verifying, so an expired flow answers `expired`, not `unknown_state`.
                if ledger.index.sweep(now_ms) {
                    let _ = ledger.index.write(ledger.store);
                }
                outcome
            }
        },
    };
    Handled { outcome, cleaned }
}

/// Lenient read of one parameter, for a popup that must relay a broken callback.
pub fn lenient_param(url: &UrlParts, name: &str) -> Option<String> {
    pieces(url.query()?, b'&').find_map(|seg| {
        let (k, v) = cut(seg, b'=').unwrap_or((seg, ""));
        (decode_lenient(k)? == name).then(|| decode_lenient(v)).flatten()
    })
}
