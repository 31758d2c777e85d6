//! Values that must not leak into logs: the state (RFC 6749 §10.12's CSRF token), the
//! PKCE code verifier (RFC 7636) and the authorization code. Each is its own type, so one
//! cannot be passed where another belongs, and its `Debug` prints the type's name and no
//! value (as oauth2-rs does). Read the text with `secret()` or through `Deref`, on purpose.

use core::fmt;
use core::ops::Deref;

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Wraps `value`.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The text itself: for the wire, the backend, or a constant-time comparison.
            pub fn secret(&self) -> &str {
                &self.0
            }

            /// The text itself, taking the wrapper apart.
            pub fn into_secret(self) -> String {
                self.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }
    };
}

secret_type!(
    /// RFC 6749 §10.12: the unguessable value that binds a callback to the tab that asked.
    State
);
secret_type!(
    /// RFC 7636 §4.1: the PKCE secret the backend sends with the code.
    CodeVerifier
);
secret_type!(
    /// RFC 6749 §4.1.2: the one-time code the backend exchanges.
    AuthorizationCode
);

/// What `Debug` shows in place of a secret that is kept as plain text (a state in a
/// `String`, a record that holds a verifier).
pub const REDACTED: &str = "<redacted>";

/// `Debug` for a URL that carries a secret (an authorize URL carries the state): the URL
/// with every occurrence of `secret` replaced by [`REDACTED`], so the rest of it (the
/// endpoint, the other parameters) still helps whoever reads the log.
pub struct RedactedUrl<'a> {
    /// The URL as it will be sent.
    pub url: &'a str,
    /// The secret it carries; empty means none.
    pub secret: &'a str,
}

impl fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        if self.secret.is_empty() {
            write!(f, "{}", self.url.escape_debug())?;
        } else {
            for (i, part) in self.url.split(self.secret).enumerate() {
                if i > 0 {
                    f.write_str(REDACTED)?;
                }
                write!(f, "{}", part.escape_debug())?;
            }
        }
        f.write_str("\"")
    }
}

/// `Debug` for a field that holds a secret as plain text: its name and no value, as the
/// secret types print themselves.
pub struct Redacted(pub &'static str);

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)?;
        f.write_str("(")?;
        f.write_str(REDACTED)?;
        f.write_str(")")
    }
}

/// `Debug` for callback parameters as received: each pair as it came, but the value of a
/// parameter that is itself a secret (`code`, `state`) redacted.
pub struct RedactedParams<'a>(pub &'a [(String, String)]);

impl fmt::Debug for RedactedParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (name, value) in self.0 {
            match name.as_str() {
                "code" => list.entry(&(name, Redacted("AuthorizationCode"))),
                "state" => list.entry(&(name, Redacted("State"))),
                _ => list.entry(&(name, value)),
            };
        }
        list.finish()
    }
}

/// Equality that takes the same time wherever the inputs differ (RFC 6749 §10.10 asks
/// that guessing a state be infeasible; timing must not help).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let code = AuthorizationCode::new("s3cr3t-code");
        let shown = format!("{code:?} {:?} {:?}", State::new("st4te"), CodeVerifier::new("v3rifier"));
        assert_eq!(shown, "AuthorizationCode(<redacted>) State(<redacted>) CodeVerifier(<redacted>)");
        assert_eq!(code.secret(), "s3cr3t-code");
        assert_eq!(&*code, "s3cr3t-code");
    }

    #[test]
    fn a_redacted_url_keeps_everything_but_the_secret() {
        let url = RedactedUrl { url: "https://as.example/a?state=S3&x=\"S3", secret: "S3" };
        assert_eq!(format!("{url:?}"), r#""https://as.example/a?state=<redacted>&x=\"<redacted>""#);
        assert_eq!(format!("{:?}", RedactedUrl { url: "https://as.example/", secret: "" }), r#""https://as.example/""#);
        assert_eq!(format!("{:?}", Redacted("State")), "State(<redacted>)");
    }
}
