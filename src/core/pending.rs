//! The pending authorization: what `startAuthorization` leaves in sessionStorage for
//! `handleCallback` to verify against. Keyed by state, so two tabs or two clicks never
//! overwrite each other.

use super::config::Mode;
use super::provider::Provider;
use super::urlenc::{cat, decimal, encode, parse_decimal, parse_pairs};

/// sessionStorage key prefixes. `done` markers hold no code: only the expiry.
pub const PENDING_PREFIX: &str = "bank-link:pending:";
pub const DONE_PREFIX: &str = "bank-link:done:";
pub const RECORD_VERSION: &str = "1";

pub fn pending_key(state: &str) -> String {
    cat(&[PENDING_PREFIX, state])
}

/// The name tests and the demo give a `done` marker; the markers themselves live in the
/// store's index.
pub fn done_key(state: &str) -> String {
    cat(&[DONE_PREFIX, state])
}

/// One pending authorization, versioned so a later library can read or sweep it.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingFlow {
    pub provider: Provider,
    pub redirect_uri: String,
    pub created_ms: u64,
    pub expires_ms: u64,
    pub mode: Mode,
    pub code_verifier: Option<String>,
    /// JSON text, returned to the app as parsed JSON.
    pub app_state: Option<String>,
    pub issuer: Option<String>,
}

impl PendingFlow {
    /// `v=1&provider=…&redirect_uri=…&created=…&expires=…&mode=…[&code_verifier=…][&app_state=…][&issuer=…]`:
    /// form-encoded so it stays readable in devtools and needs no JSON parser in the wasm.
    pub fn to_record(&self) -> String {
        let mut s = cat(&[
            "v=",
            RECORD_VERSION,
            "&provider=",
            self.provider.as_str(),
            "&redirect_uri=",
            &encode(&self.redirect_uri),
            "&created=",
            &decimal(self.created_ms),
            "&expires=",
            &decimal(self.expires_ms),
            "&mode=",
            self.mode.as_str(),
        ]);
        for (name, value) in
            [("code_verifier", &self.code_verifier), ("app_state", &self.app_state), ("issuer", &self.issuer)]
        {
            if let Some(v) = value {
                s.push('&');
                s.push_str(name);
                s.push('=');
                s.push_str(&encode(v));
            }
        }
        s
    }

    /// `None` for anything this version did not write: such records are swept.
    pub fn from_record(record: &str) -> Option<Self> {
        let mut f: [Option<String>; 9] = Default::default();
        const NAMES: [&str; 9] =
            ["v", "provider", "redirect_uri", "created", "expires", "mode", "code_verifier", "app_state", "issuer"];
        // Strict: duplicates and bad escapes make the record unreadable.
        for (k, v) in parse_pairs(record, usize::MAX).ok()? {
            let i = NAMES.iter().position(|n| *n == k)?;
            f[i] = Some(v);
        }
        let [v, provider, redirect_uri, created, expires, mode, code_verifier, app_state, issuer] = f;
        if v.as_deref() != Some(RECORD_VERSION) {
            return None;
        }
        Some(Self {
            provider: Provider::parse(provider.as_deref()?)?,
            redirect_uri: redirect_uri?,
            created_ms: parse_decimal(&created?)?,
            expires_ms: parse_decimal(&expires?)?,
            mode: match mode.as_deref()? {
                "redirect" => Mode::Redirect,
                "popup" => Mode::Popup,
                _ => return None,
            },
            code_verifier,
            app_state,
            issuer,
        })
    }

    pub fn is_expired(&self, now_ms: u64) -> bool {
        now_ms >= self.expires_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow() -> PendingFlow {
        PendingFlow {
            provider: Provider::FlinksV3,
            redirect_uri: "https://app.example/cb?x=1&y=a b".into(),
            created_ms: 1_700_000_000_000,
            expires_ms: 1_700_000_600_000,
            mode: Mode::Redirect,
            code_verifier: Some("v".repeat(43)),
            app_state: Some("{\"a\":\"&=%\"}".into()),
            issuer: None,
        }
    }

    #[test]
    fn record_round_trips() {
        let f = flow();
        assert_eq!(PendingFlow::from_record(&f.to_record()), Some(f));
    }

    #[test]
    fn foreign_records_are_refused() {
        let r = flow().to_record();
        for bad in [
            r.replace("v=1", "v=2"),
            format!("{r}&provider=tink"),
            format!("{r}&extra=1"),
            r.replace("created=", "created=x"),
            String::new(),
            "garbage".into(),
        ] {
            assert_eq!(PendingFlow::from_record(&bad), None, "{bad}");
        }
    }
}
