//! The one error shape every operation fails with (docs/api.md, "AuthError").

use core::fmt;

/// Stable error codes: the `code` of a JS `AuthError`. Never renamed: apps switch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `invalid_config`: the config was rejected; `field` names the key as the caller wrote it.
    InvalidConfig,
    /// `storage_unavailable`: sessionStorage is missing, disabled or full in redirect mode.
    StorageUnavailable,
    /// `browser_unavailable`: a browser facility other than storage failed
    /// (`crypto.getRandomValues`, `location.assign`, no `window`).
    BrowserUnavailable,
    /// `popup_blocked`: the browser refused to open the popup.
    PopupBlocked,
    /// `popup_closed`: the user closed the popup before the callback (never a COOP severance).
    PopupClosed,
    /// `popup_timeout`: no callback within `popup.timeoutMs`.
    PopupTimeout,
    /// `aborted`: the `signal` fired.
    Aborted,
    /// `unknown_state`: the callback's state matches no pending authorization.
    UnknownState,
    /// `missing_state`: a code or error arrived without a state.
    MissingState,
    /// `expired`: the pending authorization is older than its `ttlSeconds`.
    Expired,
    /// `already_handled`: this state was consumed earlier (a reload or Back).
    AlreadyHandled,
    /// `malformed_callback`: duplicated parameters, `code` with `error`, oversized or undecodable values.
    MalformedCallback,
    /// `issuer_mismatch`: RFC 9207 `iss` differs from `issuer`, or is missing when `issuer` is set.
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

    /// The code as JS sees it (`invalid_config`, ...).
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
/// moves a pointer, not the whole record (in wasm a copy at each of the many exits; the
/// saving is in docs/performance.md). Read the details through `Deref`:
/// `e.code`, `e.field`, `e.message`.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthError(Box<ErrorInfo>);

/// What an [`AuthError`] says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInfo {
    /// Which failure, as a stable code.
    pub code: ErrorCode,
    /// For `invalid_config`: the config key as the caller wrote it.
    pub field: Option<String>,
    /// What failed and, for a config, what is allowed.
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
    /// An error with `code` and no field.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::made(code, None, message.into())
    }

    /// `invalid_config` for the config key `field`; `message` says what is allowed.
    pub fn config(field: &str, message: impl Into<String>) -> Self {
        Self::made(ErrorCode::InvalidConfig, Some(field), message.into())
    }

    /// The one constructor the generic ones call with their message made: each generic
    /// one is in the wasm once per message type, so only the conversion is repeated.
    fn made(code: ErrorCode, field: Option<&str>, message: String) -> Self {
        Self(Box::new(ErrorInfo { code, field: field.map(str::to_owned), message }))
    }

    /// The same error, its field named inside the object `prefix` names (`popup.` and
    /// `width`): a nested field's whole name is written out only when it fails.
    pub(crate) fn under(mut self, prefix: &str) -> Self {
        if let Some(field) = &mut self.0.field {
            field.insert_str(0, prefix);
        }
        self
    }

    /// `malformed_callback`: the callback's shape is refused.
    pub fn malformed(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::MalformedCallback, message)
    }

    /// `storage_unavailable`: the browser's storage is missing, disabled or full.
    pub fn storage(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::StorageUnavailable, message)
    }

    /// A browser facility other than storage failed (docs/api.md `browser_unavailable`).
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
