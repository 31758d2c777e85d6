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
    /// Every code, for the surface test that holds the `.d.ts` to them.
    pub const ALL: [ErrorCode; 13] = [
        Self::InvalidConfig,
        Self::StorageUnavailable,
        Self::BrowserUnavailable,
        Self::PopupBlocked,
        Self::PopupClosed,
        Self::PopupTimeout,
        Self::Aborted,
        Self::UnknownState,
        Self::MissingState,
        Self::Expired,
        Self::AlreadyHandled,
        Self::MalformedCallback,
        Self::IssuerMismatch,
    ];

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
///
/// One pointer wide: the details live in a box, so every `?` that passes an error up
/// moves a pointer, not the whole record (in wasm a copy at each of the many exits; this
/// alone took about 1 KB off the package). Read the details through `Deref`:
/// `e.code`, `e.field`, `e.message`.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthError(Box<ErrorInfo>);

/// What an [`AuthError`] says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInfo {
    pub code: ErrorCode,
    pub field: Option<String>,
    pub message: String,
}

impl core::ops::Deref for AuthError {
    type Target = ErrorInfo;
    fn deref(&self) -> &ErrorInfo {
        &self.0
    }
}

impl fmt::Debug for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl AuthError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(Box::new(ErrorInfo { code, field: None, message: message.into() }))
    }

    pub fn config(field: &str, message: impl Into<String>) -> Self {
        Self(Box::new(ErrorInfo {
            code: ErrorCode::InvalidConfig,
            field: Some(field.to_owned()),
            message: message.into(),
        }))
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
