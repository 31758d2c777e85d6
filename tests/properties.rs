//! Property tests (proptest): the core's invariants over generated flows, callbacks and
//! storage histories, beyond what the hand-written vectors enumerate. Native only.
#![cfg(not(target_arch = "wasm32"))]

use bank_link::core::authorize::{begin, build_authorization};
use bank_link::core::callback::{handle, Navigation};
use bank_link::core::config::{validate, ConfigValue};
use bank_link::core::entropy::{Seed, SEED_BYTES};
use bank_link::core::outcome::AuthorizationResult;
use bank_link::core::store::{forget, Index, MemoryStore, MAX_PENDING};
use bank_link::core::uri::NativeUrl;
use common::oracle::put_unchecked;
use proptest::prelude::*;
use std::collections::BTreeMap;

mod common;

const T0: u64 = 1_700_000_000_000;
const TTL_MS: u64 = 600_000;
const ORIGIN: &str = "https://app.example";

fn seed(bytes: &[u8]) -> Seed {
    let mut s = [0u8; SEED_BYTES];
    for (d, b) in s.iter_mut().zip(bytes.iter().cycle()) {
        *d = *b;
    }
    Seed(s)
}

fn text(v: &str) -> ConfigValue {
    ConfigValue::String(v.to_owned())
}

/// The flows every callback case starts with: (redirect URI, issuer).
const FLOWS: [(&str, Option<&str>); 3] = [
    ("https://app.example/cb", None),
    ("https://app.example/cb?as=b", Some("https://as.example")),
    ("https://app.example/other", None),
];

struct Started {
    store: MemoryStore,
    states: Vec<String>,
}

fn start_flows(seeds: &[Vec<u8>]) -> Started {
    let mut store = MemoryStore::default();
    let mut states = Vec::new();
    for ((redirect, issuer), bytes) in FLOWS.iter().zip(seeds) {
        let mut entries = vec![
            ("provider".to_owned(), text("oauth2")),
            ("authorizeUrl".to_owned(), text("https://as.example/authorize")),
            ("clientId".to_owned(), text("c")),
            ("redirectUri".to_owned(), text(redirect)),
        ];
        if let Some(iss) = issuer {
            entries.push(("issuer".to_owned(), text(iss)));
        }
        let cfg = validate(&entries, ORIGIN, &NativeUrl).expect("valid config");
        // `/cb` beside `/cb?as=b`: ambiguous, so written past `put_pending`, which refuses
        // it; the properties must hold in such stores too (common::oracle::put_unchecked).
        let auth = build_authorization(&cfg, &seed(bytes), T0);
        put_unchecked(&mut store, &auth.state, &auth.pending);
        states.push(auth.state);
    }
    Started { store, states }
}

/// A generated callback: where it lands, which state it names, what else it carries.
#[derive(Debug, Clone)]
struct Case {
    path: &'static str,
    /// Index into the started states, or a foreign token, or no state at all.
    state: Option<Result<usize, String>>,
    code: Option<String>,
    error: bool,
    iss: Option<&'static str>,
    extra: Option<String>,
    in_fragment: bool,
    twice: bool,
    after_ms: u64,
}

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{43}"
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(vec!["/cb", "/cb?as=b", "/other", "/cb?as=a"]),
        prop::option::weighted(0.9, prop_oneof![4 => (0usize..3).prop_map(Ok), 1 => token().prop_map(Err)]),
        prop::option::weighted(0.8, "[a-zA-Z0-9]{12}"),
        prop::bool::weighted(0.2),
        prop::option::of(prop::sample::select(vec!["https://as.example", "https://evil.example"])),
        prop::option::of("[a-z]{1,6}"),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.05),
        0u64..2 * TTL_MS,
    )
        .prop_map(|(path, state, code, error, iss, extra, in_fragment, twice, after_ms)| Case {
            path,
            state,
            code,
            error,
            iss,
            extra,
            in_fragment,
            twice,
            after_ms,
        })
}

fn href(c: &Case, states: &[String]) -> String {
    let mut params: Vec<String> = Vec::new();
    if let Some(code) = &c.code {
        params.push(format!("code={code}"));
    }
    if c.error {
        params.push("error=access_denied".into());
    }
    match &c.state {
        Some(Ok(i)) => params.push(format!("state={}", states[*i])),
        Some(Err(t)) => params.push(format!("state={t}")),
        None => {}
    }
    if c.twice {
        params.push(params.last().cloned().unwrap_or_default());
    }
    if let Some(iss) = c.iss {
        params.push(format!("iss={}", iss.replace(':', "%3A").replace('/', "%2F")));
    }
    if let Some(x) = &c.extra {
        params.push(format!("x={x}"));
    }
    let joined = params.join("&");
    let sep = if c.path.contains('?') { '&' } else { '?' };
    if c.in_fragment {
        format!("{ORIGIN}{}#{joined}", c.path)
    } else if joined.is_empty() {
        format!("{ORIGIN}{}", c.path)
    } else {
        format!("{ORIGIN}{}{sep}{joined}", c.path)
    }
}

/// Whether the callback's path and query open with the flow's redirect URI (the binding).
fn bound(flow: usize, c: &Case) -> bool {
    let redirect = FLOWS[flow].0.trim_start_matches(ORIGIN);
    let (rpath, rquery) = redirect.split_once('?').unwrap_or((redirect, ""));
    let (cpath, cquery) = c.path.split_once('?').unwrap_or((c.path, ""));
    rpath == cpath && (rquery.is_empty() || cquery == rquery)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any accepted callback carries exactly one state, equal to an unexpired pending one
    /// whose redirect URI and issuer rules hold; any rejection repeats no code; storage
    /// is unchanged unless the state matched a pending flow.
    #[test]
    fn callbacks_are_accepted_only_when_every_rule_holds(
        seeds in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..8), 3),
        c in case(),
    ) {
        let Started { mut store, states } = start_flows(&seeds);
        prop_assume!(states.iter().collect::<std::collections::BTreeSet<_>>().len() == 3);
        let before = store.logical_keys();
        let now = T0 + c.after_ms;
        let url = href(&c, &states);
        let handled = handle(&url, Ok(&mut store), now, Navigation::Other, &NativeUrl);
        match &handled.outcome {
            Ok(Some(AuthorizationResult::Success { state, code, .. })) => {
                let i = states.iter().position(|s| s == state.secret()).expect("a pending state");
                prop_assert_eq!(c.state.clone(), Some(Ok(i)));
                prop_assert!(!c.twice, "a repeated parameter is never accepted");
                prop_assert!(now < T0 + TTL_MS, "accepted after expiry");
                prop_assert!(bound(i, &c), "accepted at {} for {}", c.path, FLOWS[i].0);
                if let Some(iss) = FLOWS[i].1 {
                    prop_assert_eq!(c.iss, Some(iss));
                }
                prop_assert_eq!(code.as_deref(), c.code.as_deref());
            }
            Ok(Some(AuthorizationResult::Failure { state, .. })) => {
                // A provider error is also verified first.
                let s = state.as_ref().expect("a verified error has a state");
                let i = states.iter().position(|x| x == s.secret()).expect("a pending state");
                prop_assert!(c.error && now < T0 + TTL_MS && bound(i, &c));
            }
            Ok(None) => prop_assert!(c.state.is_none() && c.code.is_none() && !c.error),
            Err(e) => {
                if let Some(code) = &c.code {
                    prop_assert!(!e.message.contains(code.as_str()), "the error repeats the code");
                    prop_assert!(!e.field.as_deref().unwrap_or("").contains(code.as_str()));
                }
            }
        }
        let matched = matches!(&c.state, Some(Ok(_)));
        if !matched && now < T0 + TTL_MS {
            prop_assert_eq!(store.logical_keys(), before, "storage changed without a matching state");
        }
    }

    /// Generated states are unique and 43 base64url characters.
    #[test]
    fn states_are_unique_and_43_base64url_characters(
        seeds in prop::collection::btree_set(prop::collection::vec(any::<u8>(), SEED_BYTES), 2..12),
    ) {
        let mut seen = std::collections::BTreeSet::new();
        for bytes in &seeds {
            let s = seed(bytes).state();
            prop_assert_eq!(s.len(), 43);
            prop_assert!(s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{}", s);
            prop_assert!(seen.insert(s));
        }
    }

    /// Authorize URLs parse back (with the url crate) to exactly the parameters the
    /// config asked for, whatever text they carry.
    #[test]
    fn authorize_urls_parse_back_to_the_same_parameters(
        client in "[^\\p{Cc}]{1,40}",
        scope in prop::collection::vec("[!#-\\[\\]-~]{1,12}", 1..4),
        extra in prop::collection::btree_map("[a-z]{1,8}x", "[^\\p{Cc}]{1,20}", 0..4),
        bytes in prop::collection::vec(any::<u8>(), 1..8),
    ) {
        let mut entries = vec![
            ("provider".to_owned(), text("oauth2")),
            ("authorizeUrl".to_owned(), text("https://as.example/authorize?tenant=a%20b")),
            ("clientId".to_owned(), text(&client)),
            ("redirectUri".to_owned(), text("https://app.example/cb")),
            ("scope".to_owned(), ConfigValue::List(scope.iter().map(|s| text(s)).collect())),
        ];
        entries.push((
            "extraParams".to_owned(),
            ConfigValue::Map(extra.iter().map(|(k, v)| (k.clone(), text(v))).collect()),
        ));
        let cfg = validate(&entries, ORIGIN, &NativeUrl).expect("valid config");
        let mut store = MemoryStore::default();
        let auth = begin(&cfg, &seed(&bytes), T0, &mut store).expect("started");
        let url = url::Url::parse(&auth.url).expect("an absolute URL");
        let got: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let mut want = vec![("tenant".to_owned(), "a b".to_owned()), ("response_type".into(), "code".into()), ("client_id".into(), client.clone())];
        want.push(("redirect_uri".into(), "https://app.example/cb".into()));
        want.push(("scope".into(), scope.join(" ")));
        want.push(("state".into(), auth.state.clone()));
        let verifier = auth.pending.code_verifier().expect("PKCE on for oauth2").to_owned();
        want.push(("code_challenge".into(), bank_link::core::pkce::challenge_s256(&verifier)));
        want.push(("code_challenge_method".into(), "S256".into()));
        want.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        prop_assert_eq!(got, want);
    }

    /// The pending store never holds more than its cap, and never loses a flow it did not
    /// expire, consume or evict (the oldest goes when a start finds it full).
    #[test]
    fn the_store_keeps_its_cap_and_loses_nothing_else(
        ops in prop::collection::vec((0u8..3, 0u64..90_000, any::<u8>()), 1..60),
    ) {
        let mut store = MemoryStore::default();
        let mut now = T0;
        // The model: state → expiry, oldest first.
        let mut model: Vec<(String, u64)> = Vec::new();
        let entries = vec![
            ("provider".to_owned(), text("oauth2")),
            ("authorizeUrl".to_owned(), text("https://as.example/authorize")),
            ("clientId".to_owned(), text("c")),
            ("redirectUri".to_owned(), text("https://app.example/cb")),
            ("ttlSeconds".to_owned(), ConfigValue::Number(60.0)),
        ];
        let cfg = validate(&entries, ORIGIN, &NativeUrl).expect("valid config");
        for (n, (op, step, b)) in ops.into_iter().enumerate() {
            now += step;
            match op {
                0 | 1 => {
                    let bytes = [b, n as u8, (n >> 8) as u8, 7];
                    let auth = begin(&cfg, &seed(&bytes), now, &mut store).expect("started");
                    model.retain(|(_, exp)| now < *exp);
                    while model.len() >= MAX_PENDING {
                        model.remove(0);
                    }
                    model.push((auth.state, now + 60_000));
                }
                _ => {
                    // Consume one (or forget it, as a failed navigation does).
                    if !model.is_empty() {
                        let (state, _) = model.remove(usize::from(b) % model.len());
                        forget(&mut store, &state);
                    }
                }
            }
            let index = Index::load(&store).expect("readable");
            prop_assert!(index.entries().count() <= MAX_PENDING);
            let held: BTreeMap<&str, u64> = index.entries().map(|e| (e.state, e.expires_ms)).collect();
            for (state, exp) in &model {
                if now < *exp {
                    prop_assert_eq!(held.get(state.as_str()), Some(exp), "lost a live flow");
                }
            }
        }
    }
}
