//! The pending authorization's record: what `startAuthorization` leaves in the pending
//! store (an entry of the store's one key, `store.rs`) for `handleCallback` to verify
//! against. Keyed by state, so two tabs or two clicks never overwrite each other.

use super::provider::Provider;
use super::secret::CodeVerifier;
use super::urlenc::{cat, cut, decode_strict, pieces, push_encoded};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// How the user reaches the provider (docs/api.md `mode`), recorded with the flow.
pub enum Mode {
    /// The page itself navigates to the provider, which redirects back to `redirectUri` (the default).
    Redirect,
    /// A popup goes to the provider; its callback page hands the callback to the opener.
    Popup,
}

impl Mode {
    /// The name the config and the pending record use: `redirect` or `popup`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Redirect => "redirect",
            Mode::Popup => "popup",
        }
    }
}

/// A `done` marker names its flow by the first this many characters of the state (96
/// bits): enough to tell a replay from an unknown state, and less than half the bytes.
/// Every call writes and reads every marker, so shorter markers are cheaper calls.
pub const DONE_ID_LEN: usize = 16;

/// What a `done` marker keeps of `state` ([`DONE_ID_LEN`]).
pub fn done_id(state: &str) -> &str {
    state.get(..DONE_ID_LEN).unwrap_or(state)
}

/// Prefix of the name tests and the demo give a pending flow ([`pending_key`]); no such
/// key is written. `done` markers hold no code: only the expiry.
pub const PENDING_PREFIX: &str = "bank-link:pending:";
/// Prefix of a `done` marker's name ([`done_key`]).
pub const DONE_PREFIX: &str = "bank-link:done:";
/// The `v` a record is written with; a record with another is not read. Version 2 left
/// out the times, which its entry in the index holds (`p.STATE.CREATED.EXPIRES.RECORD`).
pub const RECORD_VERSION: &str = "2";

/// The name tests and the demo give a pending flow; the flows themselves live in the store's index.
pub fn pending_key(state: &str) -> String {
    cat(&[PENDING_PREFIX, state])
}

/// The name tests and the demo give a `done` marker; the markers themselves live in the
/// store's index.
pub fn done_key(state: &str) -> String {
    cat(&[DONE_PREFIX, done_id(state)])
}

/// One pending authorization, versioned so a later library can read or sweep it. Its
/// `Debug` shows no verifier (a [`CodeVerifier`] prints none): a logged record gives
/// nobody the secret the backend's token request needs.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingFlow {
    pub(crate) provider: Provider,
    pub(crate) redirect_uri: String,
    pub(crate) created_ms: u64,
    pub(crate) expires_ms: u64,
    pub(crate) mode: Mode,
    pub(crate) code_verifier: Option<CodeVerifier>,
    /// JSON text, returned to the app as parsed JSON.
    pub(crate) app_state: Option<String>,
    pub(crate) issuer: Option<String>,
}

/// Read-only outside the core: a record is made by `authorize` or read back from storage.
impl PendingFlow {
    /// The preset the flow was started with.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The redirect URI exactly as sent: the callback must arrive at it.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// When the flow started, in milliseconds since the epoch.
    pub fn created_ms(&self) -> u64 {
        self.created_ms
    }

    /// When the flow expires (start + `ttlSeconds`), in milliseconds since the epoch.
    pub fn expires_ms(&self) -> u64 {
        self.expires_ms
    }

    /// Redirect or popup.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The PKCE verifier, when a challenge was sent.
    pub fn code_verifier(&self) -> Option<&str> {
        self.code_verifier.as_deref()
    }

    /// The app's `appState`, as JSON text.
    pub fn app_state(&self) -> Option<&str> {
        self.app_state.as_deref()
    }

    /// RFC 9207: the issuer the callback's `iss` must equal, when set.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// `v=2&provider=…&redirect_uri=…&mode=…[&code_verifier=…][&app_state=…][&issuer=…]`:
    /// form-encoded so it stays readable in devtools and needs no JSON parser in the wasm.
    /// The times are not in it: the record's entry in the index holds them.
    pub fn to_record(&self) -> String {
        let mut s = cat(&["v=", RECORD_VERSION, "&provider=", self.provider.as_str(), "&redirect_uri="]);
        push_encoded(&mut s, &self.redirect_uri);
        s.push_str("&mode=");
        s.push_str(self.mode.as_str());
        for (name, value) in [
            ("code_verifier", self.code_verifier.as_deref()),
            ("app_state", self.app_state.as_deref()),
            ("issuer", self.issuer.as_deref()),
        ] {
            if let Some(v) = value {
                s.push('&');
                s.push_str(name);
                s.push('=');
                push_encoded(&mut s, v);
            }
        }
        s
    }

    /// The flow a record holds, with the times of its entry; `None` for anything this
    /// version did not write: such records are swept.
    pub fn from_record(record: &str, created_ms: u64, expires_ms: u64) -> Option<Self> {
        const NAMES: [&str; 7] = ["v", "provider", "redirect_uri", "mode", "code_verifier", "app_state", "issuer"];
        // The values as written (still encoded); names are written plain. Strict: an
        // unknown or repeated name, a segment without `=`, or a bad escape makes the record
        // unreadable. Slices first, decoding last: no owned value to drop on the way out.
        let mut f: [Option<&str>; 7] = [None; 7];
        for seg in pieces(record, b'&') {
            let (k, v) = cut(seg, b'=')?;
            let slot = f.get_mut(NAMES.iter().position(|n| *n == k)?)?;
            if slot.replace(v).is_some() {
                return None;
            }
        }
        let [v, provider, redirect_uri, mode, code_verifier, app_state, issuer] = f;
        if v != Some(RECORD_VERSION) {
            return None;
        }
        let provider = Provider::parse(provider?)?;
        let mode = match mode? {
            "redirect" => Mode::Redirect,
            "popup" => Mode::Popup,
            _ => return None,
        };
        // `Some(None)`: not written; `None`: written but unreadable.
        let text = |v: Option<&str>| match v {
            None => Some(None),
            Some(v) => decode_strict(v).map(Some),
        };
        Some(Self {
            provider,
            redirect_uri: decode_strict(redirect_uri?)?,
            created_ms,
            expires_ms,
            mode,
            code_verifier: text(code_verifier)?.map(CodeVerifier::new),
            app_state: text(app_state)?,
            issuer: text(issuer)?,
        })
    }

    /// Whether the flow has expired at `now_ms` (its expiry instant included).
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
            code_verifier: Some(CodeVerifier::new("v".repeat(43))),
            app_state: Some("{\"a\":\"&=%\"}".into()),
            issuer: None,
        }
    }

    #[test]
    fn record_round_trips() {
        let f = flow();
        assert_eq!(PendingFlow::from_record(&f.to_record(), f.created_ms, f.expires_ms), Some(f));
    }

    #[test]
    fn foreign_records_are_refused() {
        let r = flow().to_record();
        for bad in [
            r.replace("v=2", "v=1"),
            format!("{r}&provider=tink"),
            format!("{r}&extra=1"),
            format!("{r}&created=1"),
            String::new(),
            "garbage".into(),
            format!("{r}&code_verifier=x"),
            r.replace("mode=redirect", "mode"),
            r.replace("&mode=", "&&mode="),
            format!("{r}&issuer=%zz"),
        ] {
            assert_eq!(PendingFlow::from_record(&bad, 1, 2), None, "{bad}");
        }
    }
}
