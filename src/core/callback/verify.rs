//! Verifying a parsed callback against the pending authorizations, in the order
//! oauth4webapi and RFC 9207 use (state → `iss` → expiry → binding → `error` or result),
//! consuming the flow it answers, and Tink's parameterless denial.

use super::parse::Callback;
use crate::core::binding::opens;
use crate::core::entropy::is_token;
use crate::core::error::{AuthError, ErrorCode};
use crate::core::outcome::AuthorizationResult;
use crate::core::pending::Mode;
use crate::core::pending::PendingFlow;
use crate::core::secret::ct_eq;
use crate::core::secret::{AuthorizationCode, State};
use crate::core::store::{Index, PendingStore, StoreFault};
use crate::core::uri::{UrlParser, UrlParts};

/// How the page was reached (`PerformanceNavigationTiming.type`). Tink's silent denial
/// is only read on a fresh navigation: a reload, Back or a restored tab is never one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Navigation {
    /// `navigate`: a link, a redirect, the address bar.
    Navigate,
    /// `reload`, `back_forward`, or not known (a URL passed in, no timing API).
    Other,
}

/// RFC 9700 §4.4 mix-up defence: the callback arrived at the very redirect URI the flow
/// was sent with, its own query included (apps that tell servers apart by `?as=a` and
/// `?as=b`, as §4.4.2 suggests, are protected too). The origin and path are equal, and the
/// redirect URI's query segments open the callback's query in order: RFC 6749 §3.1.2 has
/// the server retain that query and add its own parameters, so what follows them is the
/// provider's (`code`, `state`, and extras such as Tink's `message` or OIDC's `scope`).
fn bound_to(flow: &PendingFlow, page: &UrlParts, parser: &dyn UrlParser) -> bool {
    let Some(r) = redirect_of(flow, page, parser) else { return false };
    r.origin() == page.origin() && r.path() == page.path() && opens(r.query(), page.query())
}

/// Tink's silent denial: the page is the flow's redirect URI exactly, nothing added
/// (no query, no fragment), reached by a fresh navigation.
fn is_bare_redirect(flow: &PendingFlow, page: &UrlParts, parser: &dyn UrlParser) -> bool {
    redirect_of(flow, page, parser).is_some_and(|r| r.href() == page.href())
}

/// The flow's redirect URI as the parser reads it. Usually without a parse (a `new URL` is
/// the dearest step of a callback after the storage write): a redirect URI written as the
/// parser serialises it opens the page's parsed address up to a component boundary (`?`,
/// `#`, `&` or the end), and a serialisation parses back to itself. Such a prefix holds the
/// whole scheme and authority (a parsed http(s) address has a `/` after its host), so its
/// origin is the page's. Anything else (upper case, a default port, a dot segment, another
/// page) is parsed.
fn redirect_of(flow: &PendingFlow, page: &UrlParts, parser: &dyn UrlParser) -> Option<UrlParts> {
    let written = flow.redirect_uri.as_str();
    let rest = page.href().strip_prefix(written);
    if rest.is_some_and(|rest| matches!(rest.bytes().next(), None | Some(b'?' | b'#' | b'&'))) {
        return Some(UrlParts::new(written, page.origin()));
    }
    parser.parse(written)
}

pub(super) fn storage_fault(_: StoreFault) -> AuthError {
    AuthError::storage("sessionStorage is not available, so the callback cannot be verified")
}

/// The storage a callback is verified against: the store, the index read from it once,
/// and the parser that reads the flows' redirect URIs.
pub struct Ledger<'a> {
    /// The storage the flows live in.
    pub store: &'a mut dyn PendingStore,
    /// The flows and `done` markers, read from `store` once.
    pub index: Index,
    /// Reads the flows' redirect URIs, for the binding check.
    pub parser: &'a dyn UrlParser,
}

impl<'a> Ledger<'a> {
    /// Reads the index from `store` once; fails when the storage cannot be read.
    pub fn open(store: &'a mut dyn PendingStore, parser: &'a dyn UrlParser) -> Result<Self, StoreFault> {
        let index = Index::load(store)?;
        Ok(Self { store, index, parser })
    }
}

/// Verifies a parsed callback and consumes the pending authorization it answers. `mode`
/// is the path taking it: a flow is only ever taken by the path it was started for, so a
/// popup flow's copy in the opener's own storage is never taken by a redirect callback
/// there (the opener verifies the popup's relay against its own record).
pub fn verify_callback(
    cb: Callback,
    ledger: &mut Ledger,
    now_ms: u64,
    mode: Mode,
) -> Result<AuthorizationResult, AuthError> {
    // Owned from here: the result takes it and the callback's parameters whole, without a
    // copy of either.
    let Some(owned) = cb.get("state").map(State::new) else {
        return Err(AuthError::new(ErrorCode::MissingState, "the callback carries no state"));
    };
    let state: &str = &owned;
    // Never let a hostile state reach a storage key: ours are 43 base64url characters.
    if !is_token(state) {
        return Err(AuthError::new(ErrorCode::UnknownState, "the callback's state was not issued by this library"));
    }
    let Some(entry) = ledger.index.find(state) else {
        if ledger.index.done_until(state).is_some_and(|exp| now_ms < exp) {
            return Err(AuthError::new(
                ErrorCode::AlreadyHandled,
                "this callback was already handled (reload or back button)",
            ));
        }
        return Err(AuthError::new(ErrorCode::UnknownState, "no pending authorization matches the callback's state"));
    };
    let Some(flow) = entry.flow() else {
        // Not a flow of ours any more (tampered, or written by another version): forgotten.
        ledger.index.remove(state);
        let _ = ledger.index.write(ledger.store);
        return Err(AuthError::new(ErrorCode::UnknownState, "the pending authorization for this state is unreadable"));
    };
    if flow.mode != mode {
        return Err(AuthError::new(ErrorCode::UnknownState, "the callback's state belongs to a flow in another mode"));
    }
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
    // Each provider answers with what its document says, and nothing else counts; checked
    // before the flow is consumed, so a malformed answer leaves it pending.
    if cb.get("error").is_none() && !flow.provider.result_params().iter().any(|p| cb.get(p).is_some()) {
        return Err(AuthError::malformed(crate::core::urlenc::cat(&[
            "the callback carries neither an error nor the result ",
            flow.provider.as_str(),
            " sends",
        ])));
    }
    consume(ledger, state, &flow, now_ms)?;
    Ok(outcome(cb, flow, owned))
}

/// Single use: the flow goes, and its removal is read back, before the result is
/// returned; a marker that holds no code (only its expiry) turns a replay into
/// `already_handled`.
fn consume(ledger: &mut Ledger, state: &str, flow: &PendingFlow, now_ms: u64) -> Result<(), AuthError> {
    ledger.index.mark_done(state, flow.expires_ms, now_ms);
    let mut saved = ledger.index.write(ledger.store);
    if saved == Err(StoreFault::Full) {
        // Quota: without the marker what we keep only shrinks, which a full storage still
        // takes; a replay is then `unknown_state`, still refused.
        ledger.index.unmark();
        saved = ledger.index.write(ledger.store);
    }
    saved.map_err(|_| AuthError::storage("sessionStorage did not keep the removal of the pending authorization"))
}

/// The result of a verified callback, taking the callback's parameters and the flow's
/// values whole.
fn outcome(cb: Callback, flow: PendingFlow, state: State) -> AuthorizationResult {
    let get = |n: &str| cb.get(n).map(str::to_owned);
    if let Some(raw) = cb.get("error") {
        return AuthorizationResult::Failure {
            provider: flow.provider,
            state: Some(state),
            error: flow.provider.rfc6749_error(raw).to_owned(),
            error_description: get("error_description"),
            error_uri: get("error_uri"),
            params: cb.params,
            app_state: flow.app_state,
        };
    }
    let (code, login_id, credentials_id) = (get("code"), get("loginId"), get("credentials_id"));
    AuthorizationResult::Success {
        provider: flow.provider,
        state,
        code: code.map(AuthorizationCode::new),
        login_id,
        credentials_id,
        code_verifier: flow.code_verifier,
        params: cb.params,
        app_state: flow.app_state,
    }
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
    for e in ledger.index.entries() {
        if now_ms >= e.expires_ms || newest.as_ref().is_some_and(|(_, n)| e.created_ms < n.created_ms) {
            continue;
        }
        let Some(flow) = e.flow() else { continue };
        if flow.provider.denies_silently()
            && flow.mode == mode
            && !flow.is_expired(now_ms)
            && is_bare_redirect(&flow, page, ledger.parser)
        {
            newest = Some((e.state.to_owned(), flow));
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
    consume(ledger, &state, &flow, now_ms)?;
    Ok(Some(AuthorizationResult::Failure {
        provider: flow.provider,
        state: Some(State::new(state)),
        error: "access_denied".to_owned(),
        error_description: None,
        error_uri: None,
        params: Vec::new(),
        app_state: flow.app_state,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::provider::Provider;
    use crate::core::uri::NativeUrl;

    /// The redirect URI read without a parse is exactly what the parser reads, and the
    /// cases the shortcut must not take are parsed.
    #[test]
    fn the_redirect_uri_read_without_a_parse_is_the_parsers() {
        let cases = [
            ("https://app.example/cb", "https://app.example/cb?code=1&state=x"),
            ("https://app.example/cb?as=a", "https://app.example/cb?as=a&code=1"),
            ("https://app.example/cb?as=a", "https://app.example/cb?as=ab&code=1"),
            ("https://app.example/cb", "https://app.example/cb"),
            ("https://app.example/cb", "https://app.example/cb#code=1"),
            ("https://app.example/a", "https://app.example/a&b?code=1"),
            ("https://APP.example/cb", "https://app.example/cb?code=1"),
            ("https://app.example:443/cb", "https://app.example/cb?code=1"),
            ("https://app.example/x/../cb", "https://app.example/cb?code=1"),
            ("https://app.example/cb?", "https://app.example/cb?code=1"),
            ("https://app.example", "https://app.example/?code=1"),
            ("http://[::1]:8080/cb", "http://[::1]:8080/cb?code=1"),
            ("http://127.0.0.1:8080/cb", "http://127.0.0.1:8080/cb?x"),
            ("https://app.example/cb", "https://other.example/cb?code=1"),
        ];
        for (written, page) in cases {
            let flow = PendingFlow {
                provider: Provider::OAuth2,
                redirect_uri: written.into(),
                created_ms: 0,
                expires_ms: 1,
                mode: Mode::Redirect,
                code_verifier: None,
                app_state: None,
                issuer: None,
            };
            let page = NativeUrl.parse(page).unwrap();
            assert_eq!(redirect_of(&flow, &page, &NativeUrl), NativeUrl.parse(written), "{written} on {page:?}");
        }
    }
}
