//! The authorization response (RFC 6749 §4.1.2), one job per file: `parse` reads it
//! strictly, `verify` checks it against the pending authorization in the order
//! oauth4webapi and RFC 9207 use (structure → state, in constant time → `iss` → expiry →
//! binding → `error` or success) and consumes it, `clean` makes the address to show
//! instead; this file runs the three for one location.

mod clean;
mod parse;
mod verify;

pub use clean::strip_callback_params;
pub use parse::{is_callback_param, lenient_param, parse_callback, Callback, Role, CALLBACK_PARAMS, MAX_URL, TOO_LONG};
pub use verify::{silent_denial, silent_denial_flow, verify_callback, Ledger, Navigation};
// Their homes are the binding and the secrets; here too for the callers that know them here.
pub use crate::core::binding::{ambiguous, ambiguous_uris, first_ambiguous};
pub use crate::core::secret::ct_eq;

use crate::core::error::AuthError;
use crate::core::outcome::AuthorizationResult;
use crate::core::pending::Mode;
use crate::core::store::PendingStore;
use crate::core::uri::UrlParser;
use parse::{not_a_url, read_callback};
use verify::storage_fault;

/// Everything `handleCallback` decides for one location: the outcome (`Ok(None)`: not a
/// callback) and the address to show instead, when callback parameters must go.
#[derive(Debug, Clone, PartialEq)]
pub struct Handled {
    /// The result, the failure, or `Ok(None)` when the location is not a callback.
    pub outcome: Result<Option<AuthorizationResult>, AuthError>,
    /// The location without its callback parameters, for `history.replaceState`; `None`
    /// when there is nothing to remove.
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

/// [`handle`] for either mode: `mode` picks the flows Tink's silent denial may answer.
/// Never inlined: every path that takes a callback (this tab's, the shared store's, a
/// relay's) calls it, and each inlined copy would be its whole body again in the wasm.
#[inline(never)]
pub fn handle_in(
    href: &str,
    store: Result<&mut dyn PendingStore, AuthError>,
    now_ms: u64,
    mode: Mode,
    nav: Navigation,
    parser: &dyn UrlParser,
) -> Handled {
    // Parsed once: cleaning, reading and Tink's silent denial all look at the same URL.
    let page = parser.parse(href);
    // Oversized callbacks are cleaned too: docs/api.md's "Clean" step has no size exception, and
    // leaving one in the address bar would fail the same way on every reload.
    let cleaned = page.as_ref().and_then(strip_callback_params);
    let parsed = match &page {
        Some(url) => read_callback(url, href.len()),
        None => Err(not_a_url()),
    };
    // Storage that cannot be had (no storage at all, or an index that cannot be read)
    // fails a callback; a page that is no callback is simply no callback.
    let outcome = match store.and_then(|store| Ledger::open(store, parser).map_err(storage_fault)) {
        Err(unavailable) => parsed.and_then(|cb| match cb {
            Some(_) => Err(unavailable),
            None => Ok(None),
        }),
        // A page that is no callback, with nothing of ours stored, touches nothing more.
        Ok(mut ledger) => {
            let outcome = match parsed {
                Err(e) => Err(e),
                Ok(Some(cb)) => verify_callback(cb, &mut ledger, now_ms, mode).map(Some),
                Ok(None) => page.as_ref().map_or(Ok(None), |page| silent_denial(page, &mut ledger, now_ms, mode, nav)),
            };
            // After verifying, so an expired flow answers `expired`, not `unknown_state`. A
            // flow that was taken swept the index as it was consumed (`mark_done`).
            if !matches!(outcome, Ok(Some(_))) && ledger.index.sweep(now_ms) {
                let _ = ledger.index.write(ledger.store);
            }
            outcome
        }
    };
    Handled { outcome, cleaned }
}
