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
}
