//! The one error shape every operation fails with (API.md, "AuthError").

use core::fmt;

/// Stable error codes: the `code` of a JS `AuthError`. Never renamed: apps switch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    InvalidConfig,
    StorageUnavailable,
    BrowserUnavailable,
    PopupBlocked,
    PopupClosed,
    PopupTimeout,
    Aborted,
    UnknownState,
    MissingState,
    Expired,
    AlreadyHandled,
    MalformedCallback,
    IssuerMismatch,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidConfig => "invalid_config",
            Self::StorageUnavailable => "storage_unavailable",
            Self::BrowserUnavailable => "browser_unavailable",
            Self::PopupBlocked => "popup_blocked",
            Self::PopupClosed => "popup_closed",
            Self::PopupTimeout => "popup_timeout",
            Self::Aborted => "aborted",
            Self::UnknownState => "unknown_state",
            Self::MissingState => "missing_state",
            Self::Expired => "expired",
            Self::AlreadyHandled => "already_handled",
            Self::MalformedCallback => "malformed_callback",
            Self::IssuerMismatch => "issuer_mismatch",
        }
    }
}

/// A failure that is not the provider's answer. `field` names the config key, as the
/// caller wrote it, for `invalid_config`. Messages never echo a secret or a callback value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    pub code: ErrorCode,
    pub field: Option<String>,
    pub message: String,
}

impl AuthError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, field: None, message: message.into() }
    }

    pub fn config(field: &str, message: impl Into<String>) -> Self {
        Self { code: ErrorCode::InvalidConfig, field: Some(field.to_owned()), message: message.into() }
    }

    pub fn malformed(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::MalformedCallback, message)
    }

    pub fn storage(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::StorageUnavailable, message)
    }

    /// A browser facility other than storage failed (API.md `browser_unavailable`).
    pub fn browser(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BrowserUnavailable, message)
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{} ({}): {}", self.code.as_str(), field, self.message),
            None => write!(f, "{}: {}", self.code.as_str(), self.message),
        }
    }
}

impl std::error::Error for AuthError {}
