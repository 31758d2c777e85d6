//! Progress events for the app's `onEvent` (analytics, as Plaid's `onEvent`): a stable set
//! of names, and which ones an ending emits. Events never carry a code, a verifier or a
//! state: a name, the provider when known, `ok` for a result, the error code for a failure.

use super::error::{AuthError, ErrorCode};
use super::outcome::AuthorizationResult;

/// An event's `name`. Never renamed: apps count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventName {
    /// The popup opened, or the page is about to navigate to the provider.
    Open,
    /// The browser refused the popup.
    PopupBlocked,
    /// The provider's page loaded. A cross-origin page cannot be observed, so no browser
    /// lets the library see it today; the name is reserved and documented as such.
    ProviderLoaded,
    /// The user closed the popup before the answer.
    PopupClosed,
    /// The page at the redirect URI holds the provider's answer.
    CallbackReceived,
    /// The answer went (popup page) or came (opener) through the popup relay.
    Relayed,
    /// The flow ended with the provider's answer (`ok` says which).
    Completed,
    /// The flow ended with an `AuthError` (`error` is its code).
    Failed,
}

impl EventName {
    /// Every name, for the surface test that holds the `.d.ts` to them.
    pub const ALL: [EventName; 8] = [
        Self::Open,
        Self::PopupBlocked,
        Self::ProviderLoaded,
        Self::PopupClosed,
        Self::CallbackReceived,
        Self::Relayed,
        Self::Completed,
        Self::Failed,
    ];

    /// The name as JS sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::PopupBlocked => "popup_blocked",
            Self::ProviderLoaded => "provider_loaded",
            Self::PopupClosed => "popup_closed",
            Self::CallbackReceived => "callback_received",
            Self::Relayed => "relayed",
            Self::Completed => "completed",
            Self::Failed => "failed",
        }
    }
}

/// The events an ending emits, in order: `completed` for the provider's answer; for an
/// error `failed`, preceded by `popup_blocked` or `popup_closed` when that is the error.
pub fn ending(outcome: Result<&AuthorizationResult, &AuthError>) -> &'static [EventName] {
    match outcome {
        Ok(_) => &[EventName::Completed],
        Err(e) if e.code == ErrorCode::PopupBlocked => &[EventName::PopupBlocked, EventName::Failed],
        Err(e) if e.code == ErrorCode::PopupClosed => &[EventName::PopupClosed, EventName::Failed],
        Err(_) => &[EventName::Failed],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ending_names_its_reason_before_failed() {
        let err = |code| AuthError::new(code, "x");
        assert_eq!(ending(Err(&err(ErrorCode::PopupClosed))), [EventName::PopupClosed, EventName::Failed]);
        assert_eq!(ending(Err(&err(ErrorCode::PopupBlocked))), [EventName::PopupBlocked, EventName::Failed]);
        assert_eq!(ending(Err(&err(ErrorCode::PopupTimeout))), [EventName::Failed]);
        let names: Vec<&str> = EventName::ALL.iter().map(|n| n.as_str()).collect();
        let mut unique = names.clone();
        unique.dedup();
        assert_eq!(names.len(), unique.len());
    }
}
