//! What `handleCallback` returns: the provider's answer as a value (API.md,
//! `AuthorizationResult`). A provider error is a result, not a throw.

use super::provider::Provider;

/// RFC 6749 §4.1.2.1 error codes, the ones the TypeScript union names.
pub const OAUTH_ERRORS: [&str; 7] = [
    "access_denied",
    "invalid_request",
    "unauthorized_client",
    "unsupported_response_type",
    "invalid_scope",
    "server_error",
    "temporarily_unavailable",
];

#[derive(Debug, Clone, PartialEq)]
pub enum AuthorizationResult {
    Success {
        provider: Provider,
        state: String,
        code: Option<String>,
        login_id: Option<String>,
        credentials_id: Option<String>,
        code_verifier: Option<String>,
        /// Every callback parameter as received (decoded), including the lifted ones.
        params: Vec<(String, String)>,
        /// JSON text as the app gave it.
        app_state: Option<String>,
    },
    Failure {
        provider: Provider,
        state: Option<String>,
        /// The RFC 6749 code, or a provider status mapped to one, or the raw value.
        error: String,
        /// Untrusted text from the provider: never render it as HTML.
        error_description: Option<String>,
        error_uri: Option<String>,
        params: Vec<(String, String)>,
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

/// Maps a provider's error value to an RFC 6749 code where the provider documents a
/// status of its own (Tink Link's `USER_CANCELLED` and friends). The raw value stays
/// in `params.error`.
pub fn map_error(provider: Provider, raw: &str) -> String {
    let mapped = match (provider, raw) {
        (Provider::Tink, "USER_CANCELLED") => "access_denied",
        (Provider::Tink, "BAD_REQUEST") => "invalid_request",
        (Provider::Tink, "INTERNAL_ERROR") => "server_error",
        (Provider::Tink, "TEMPORARY_ERROR") => "temporarily_unavailable",
        _ => raw,
    };
    mapped.to_owned()
}
