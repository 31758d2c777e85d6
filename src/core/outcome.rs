//! What `handleCallback` returns: the provider's answer as a value (docs/api.md,
//! `AuthorizationResult`). A provider error is a result, not a throw.

use super::provider::Provider;
use super::secret::{AuthorizationCode, CodeVerifier, RedactedParams, State};
use core::fmt;

/// RFC 6749 §4.1.2.1 error codes: the TypeScript union `OAuthErrorCode` names exactly
/// these (tests/surface.rs).
pub const OAUTH_ERRORS: [&str; 7] = [
    "access_denied",
    "invalid_request",
    "unauthorized_client",
    "unsupported_response_type",
    "invalid_scope",
    "server_error",
    "temporarily_unavailable",
];

#[derive(Clone, PartialEq)]
/// The answer of a verified callback (docs/api.md `AuthorizationResult`): success, or the provider's error.
/// Its `Debug` shows no state, code or verifier, in the fields or in `params`.
pub enum AuthorizationResult {
    /// The provider granted access (`ok: true`).
    Success {
        /// The preset the flow used.
        provider: Provider,
        /// The verified state.
        state: State,
        /// The authorization code (Tink, Flinks outbound, oauth2).
        code: Option<AuthorizationCode>,
        /// Flinks v3's `loginId`.
        login_id: Option<String>,
        /// Tink's `credentials_id`.
        credentials_id: Option<String>,
        /// The PKCE verifier the backend sends with the code, when PKCE was on.
        code_verifier: Option<CodeVerifier>,
        /// Every callback parameter as received (decoded), including the lifted ones.
        params: Vec<(String, String)>,
        /// JSON text as the app gave it.
        app_state: Option<String>,
    },
    /// The provider answered with an error, or Tink's silent denial (`ok: false`).
    Failure {
        /// The preset the flow used.
        provider: Provider,
        /// The verified state.
        state: Option<State>,
        /// The RFC 6749 code, or a provider status mapped to one, or the raw value.
        error: String,
        /// Untrusted text from the provider: never render it as HTML.
        error_description: Option<String>,
        /// The provider's `error_uri`, as sent: untrusted.
        error_uri: Option<String>,
        /// Every callback parameter as received (decoded); `error` holds the raw value.
        params: Vec<(String, String)>,
        /// JSON text as the app gave it.
        app_state: Option<String>,
    },
}

impl AuthorizationResult {
    /// The verified state, when the result has one.
    pub fn state(&self) -> Option<&str> {
        match self {
            Self::Success { state, .. } => Some(state),
            Self::Failure { state, .. } => state.as_deref(),
        }
    }
}

impl fmt::Debug for AuthorizationResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Success { provider, state, code, login_id, credentials_id, code_verifier, params, app_state } => f
                .debug_struct("Success")
                .field("provider", provider)
                .field("state", state)
                .field("code", code)
                .field("login_id", login_id)
                .field("credentials_id", credentials_id)
                .field("code_verifier", code_verifier)
                .field("params", &RedactedParams(params))
                .field("app_state", app_state)
                .finish(),
            Self::Failure { provider, state, error, error_description, error_uri, params, app_state } => f
                .debug_struct("Failure")
                .field("provider", provider)
                .field("state", state)
                .field("error", error)
                .field("error_description", error_description)
                .field("error_uri", error_uri)
                .field("params", &RedactedParams(params))
                .field("app_state", app_state)
                .finish(),
        }
    }
}
