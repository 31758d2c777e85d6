//! The authorization request (RFC 6749 §4.1.1): the URL each preset sends the user to,
//! and the pending record that lets the callback be verified.

use super::config::ValidatedConfig;
use super::entropy::Seed;
use super::error::AuthError;
use super::pending::PendingFlow;
use super::pkce::Pkce;
use super::provider::Param;
use super::secret::{CodeVerifier, Redacted, RedactedUrl};
use super::store::{put_pending, PendingStore};
use super::urlenc::push_encoded;
use core::fmt;

/// What `startAuthorization` produced: where to send the user, and the record to keep.
/// Its `Debug` shows neither the state (not even inside `url`) nor the verifier.
#[derive(Clone, PartialEq)]
pub struct Authorization {
    /// The provider's authorize endpoint with every parameter appended: where the user goes.
    pub url: String,
    /// The state in `url` (32 random bytes, base64url): the key of the pending record.
    pub state: String,
    /// The record to store under `state`, which the callback is verified against.
    pub pending: PendingFlow,
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorization")
            .field("url", &RedactedUrl { url: &self.url, secret: &self.state })
            .field("state", &Redacted("State"))
            .field("pending", &self.pending)
            .finish()
    }
}

/// Builds the authorize URL and the pending record. Pure: the seed and clock come in.
pub fn build_authorization(cfg: &ValidatedConfig, seed: &Seed, now_ms: u64) -> Authorization {
    let state = seed.state();
    let pkce = cfg.pkce.then(|| Pkce::generate(seed));
    // The endpoint's own query is kept as given (config validation made sure it names
    // nothing we set); ours follows, each name and value percent-encoded. Written into the
    // URL itself: a parser's serialisation with a fully percent-encoded query appended is
    // what the parser would serialise (the endpoint has no fragment: config validation),
    // and one `String` is one allocation to free, not two.
    let mut url = cfg.authorize_url.base().to_owned();
    url.push('?');
    let query_at = url.len();
    url.push_str(cfg.authorize_url.query().unwrap_or(""));
    let mut add = |k: &str, v: &str| {
        if url.len() > query_at {
            url.push('&');
        }
        push_encoded(&mut url, k);
        url.push('=');
        push_encoded(&mut url, v);
    };
    // Flinks correlates requests with a correlation_id; one is made when the app has none.
    let generated = cfg.correlation_id.is_none() && cfg.provider.params().contains(&Param::CorrelationId);
    let uuid = if generated { seed.uuid() } else { String::new() };
    for param in cfg.provider.params() {
        let value = match param {
            Param::ClientId => cfg.client_id,
            Param::RedirectUri => Some(cfg.redirect_uri),
            Param::Scope => cfg.scope.as_deref(),
            Param::State => Some(state.as_str()),
            Param::ResponseType => Some("code"),
            Param::ProviderId => cfg.provider_id,
            Param::CorrelationId => Some(cfg.correlation_id.unwrap_or(&uuid)),
            Param::Lang => cfg.lang,
            Param::InstitutionId => cfg.institution_id,
            Param::Tag => cfg.tag,
            Param::RecipientId => cfg.recipient_id,
        };
        if let Some(v) = value {
            add(param.name(), v);
        }
    }
    if let Some(p) = &pkce {
        add("code_challenge", &p.challenge);
        add("code_challenge_method", "S256");
    }
    for (k, v) in &cfg.extra_params {
        add(k, v);
    }

    let pending = PendingFlow {
        provider: cfg.provider,
        redirect_uri: cfg.redirect_uri.to_owned(),
        created_ms: now_ms,
        expires_ms: now_ms.saturating_add(u64::from(cfg.ttl_seconds) * 1000),
        mode: cfg.mode,
        code_verifier: pkce.map(|p| CodeVerifier::new(p.verifier)),
        app_state: cfg.app_state.map(str::to_owned),
        issuer: cfg.issuer.map(str::to_owned),
    };
    Authorization { url, state, pending }
}

/// Builds the authorization and stores its pending record (written, then read back).
/// On failure nothing is stored. A redirect URI ambiguous with a pending flow's in the
/// same store is refused ([`put_pending`]).
pub fn begin(
    cfg: &ValidatedConfig,
    seed: &Seed,
    now_ms: u64,
    store: &mut dyn PendingStore,
) -> Result<Authorization, AuthError> {
    let auth = build_authorization(cfg, seed, now_ms);
    put_pending(store, &auth.state, &auth.pending, now_ms)?;
    Ok(auth)
}
