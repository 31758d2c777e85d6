//! The callback oracle: three pending flows, one hostile href, and everything that must
//! hold whatever the input. Shared by the mutation fuzzer (tests/callback_fuzz.rs, native
//! and in browsers) and the coverage-guided one (fuzz/fuzz_targets/callback.rs).

// Each user takes what it needs.
#![allow(dead_code)]

use bank_link::core::authorize::build_authorization;
use bank_link::core::callback::{handle, parse_callback, Navigation};
use bank_link::core::config::{validate, ConfigValue};
use bank_link::core::entropy::Seed;
use bank_link::core::error::ErrorCode;
use bank_link::core::outcome::AuthorizationResult;
use bank_link::core::pending::PendingFlow;
use bank_link::core::pending::{done_key, pending_key};
use bank_link::core::store::{Index, MemoryStore, INDEX_KEY};
use bank_link::core::uri::UrlParser;

pub const NOW: u64 = 1_700_000_000_000;

/// A Tink flow at `/cb`, an OAuth 2.0 flow with an issuer at `/cb?tab=1`, a Flinks v3
/// flow at `/cb`: the store and their states.
pub fn store_with_flows(parser: &dyn UrlParser) -> (MemoryStore, Vec<String>) {
    let s = |v: &str| ConfigValue::String(v.into());
    let mut store = MemoryStore::default();
    let mut states = Vec::new();
    let configs: [Vec<(String, ConfigValue)>; 3] = [
        vec![
            ("provider".into(), s("tink")),
            ("clientId".into(), s("c")),
            ("scope".into(), s("accounts:read")),
            ("redirectUri".into(), s("https://app.example/cb")),
        ],
        vec![
            ("provider".into(), s("oauth2")),
            ("authorizeUrl".into(), s("https://as.example/authorize")),
            ("clientId".into(), s("c")),
            ("redirectUri".into(), s("https://app.example/cb?tab=1")),
            ("issuer".into(), s("https://as.example")),
        ],
        vec![
            ("provider".into(), s("flinks-v3")),
            ("instance".into(), s("toolbox")),
            ("redirectUri".into(), s("https://app.example/cb")),
        ],
    ];
    for (i, cfg) in configs.iter().enumerate() {
        let cfg = validate(cfg, "https://app.example", parser).unwrap_or_else(|e| panic!("{e}"));
        let auth = build_authorization(&cfg, &Seed([i as u8 + 1; 80]), NOW + i as u64);
        put_unchecked(&mut store, &auth.state, &auth.pending);
        states.push(auth.state);
    }
    (store, states)
}

/// Adds a pending flow to `store` past `put_pending`, which refuses one whose redirect URI
/// is ambiguous with another's (`/cb` beside `/cb?tab=1`). Such stores still occur: records
/// an earlier version wrote, or the flows of both storage areas that a callback page reads,
/// which no start compares. The binding must hold in them, so the fuzzers keep attacking one.
pub fn put_unchecked(store: &mut MemoryStore, state: &str, flow: &PendingFlow) {
    let index = Index::load(store).unwrap_or_default().serialize();
    let (created_ms, expires_ms) = (flow.created_ms(), flow.expires_ms());
    let index = Index::parse(&format!("{index},p.{state}.{created_ms}.{expires_ms}.{}", flow.to_record()));
    index.write(store).unwrap_or_else(|e| panic!("{e:?}"));
}

/// Handles `href` against fresh flows and checks every invariant; the first broken one,
/// described with `label`.
pub fn check_callback(label: &str, href: &str, parser: &dyn UrlParser) -> Result<(), String> {
    check_against(label, href, parser, store_with_flows(parser))
}

/// [`check_callback`] against flows made once (`store_with_flows`) and cloned per run.
pub fn check_against(
    label: &str,
    href: &str,
    parser: &dyn UrlParser,
    (mut store, states): (MemoryStore, Vec<String>),
) -> Result<(), String> {
    let before = store.items.clone();
    let keys = |s: &MemoryStore| s.logical_keys();
    let handled = handle(href, Ok(&mut store), NOW + 10_000, Navigation::Navigate, parser);
    let ctx = || format!("{label}: {href:?} → {:?}", handled.outcome);
    let changed = store.items != before;
    match &handled.outcome {
        Ok(Some(result)) => {
            let Some(state) = result.state() else { return Err(format!("a result without a state: {}", ctx())) };
            if !(states.iter().any(|s| s == state)) {
                return Err(format!("result for a state we never issued: {}", ctx()));
            }
            if keys(&store).contains(&pending_key(state)) {
                return Err(format!("not consumed: {}", ctx()));
            }
            if !(keys(&store).contains(&done_key(state))) {
                return Err(format!("no done marker: {}", ctx()));
            }
            for other in states.iter().filter(|s| *s != state) {
                if !(keys(&store).contains(&pending_key(other))) {
                    return Err(format!("consumed another flow: {}", ctx()));
                }
                if !(store.items.get(INDEX_KEY).is_some_and(|i| i.contains(other.as_str()))) {
                    return Err(format!("unindexed: {}", ctx()));
                }
            }
            if let AuthorizationResult::Success { params, .. } = result {
                if !(params.iter().any(|(k, _)| k == "state")) {
                    return Err(format!("success without its state param: {}", ctx()));
                }
            }
        }
        Err(e) if e.code == ErrorCode::Expired => return Err(format!("nothing is expired at this time: {}", ctx())),
        _ if changed => return Err(format!("the store changed without a verified answer: {}", ctx())),
        _ => {}
    }
    if let Some(clean) = &handled.cleaned {
        match parse_callback(clean, parser) {
            Ok(None) => {}
            other => return Err(format!("cleaned address {clean:?} still reads as a callback ({other:?}): {}", ctx())),
        }
    }
    Ok(())
}
