//! The authorization request (RFC 6749 §4.1.1): the URL each preset sends the user to,
//! and the pending record that lets the callback be verified.

use super::config::ValidatedConfig;
use super::entropy::Seed;
use super::error::AuthError;
use super::pending::PendingFlow;
use super::pkce::Pkce;
use super::store::{put_pending, PendingStore};
use super::urlenc::encode;

/// What `startAuthorization` produced: where to send the user, and the record to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub pending: PendingFlow,
}

/// Builds the authorize URL and the pending record. Pure: the seed and clock come in.
pub fn build_authorization(cfg: &ValidatedConfig, seed: &Seed, now_ms: u64) -> Authorization {
    let state = seed.state();
    let pkce = cfg.pkce.then(|| Pkce::generate(seed));
    let mut params: Vec<(&str, String)> = Vec::new();
    for name in cfg.provider.params() {
        let value = match *name {
            "client_id" => cfg.client_id.clone(),
            "redirect_uri" => Some(cfg.redirect_uri.clone()),
            "scope" => cfg.scope.clone(),
            "state" => Some(state.clone()),
            "response_type" => Some("code".to_owned()),
            "provider_id" => cfg.provider_id.clone(),
            // Flinks correlates requests with it; one is made when the app has none.
            "correlation_id" => Some(cfg.correlation_id.clone().unwrap_or_else(|| seed.uuid())),
            "lang" => cfg.lang.clone(),
            "institution_id" => cfg.institution_id.clone(),
            "tag" => cfg.tag.clone(),
            "recipientId" => cfg.recipient_id.clone(),
            _ => None,
        };
        if let Some(v) = value {
            params.push((name, v));
        }
    }
    if let Some(p) = &pkce {
        params.push(("code_challenge", p.challenge.clone()));
        params.push(("code_challenge_method", "S256".to_owned()));
    }
    params.extend(cfg.extra_params.iter().map(|(k, v)| (k.as_str(), v.clone())));

    // The endpoint's own query is kept as given (config validation made sure it names
    // nothing we set); ours follows, each name and value percent-encoded.
    let mut query = cfg.authorize_url.query().unwrap_or("").to_owned();
    for (k, v) in &params {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&encode(k));
        query.push('=');
        query.push_str(&encode(v));
    }
    // A parser's serialisation with a fully percent-encoded query appended is what the
    // parser would serialise (the endpoint has no fragment: config validation).
    let url = cfg.authorize_url.with(Some(&query), None);

    let pending = PendingFlow {
        provider: cfg.provider,
        redirect_uri: cfg.redirect_uri.clone(),
        created_ms: now_ms,
        expires_ms: now_ms.saturating_add(u64::from(cfg.ttl_seconds) * 1000),
        mode: cfg.mode,
        code_verifier: pkce.map(|p| p.verifier),
        app_state: cfg.app_state.clone(),
        issuer: cfg.issuer.clone(),
    };
    Authorization { url, state, pending }
}

/// Builds the authorization and stores its pending record (written, then read back).
/// On failure nothing is stored.
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
