//! Secrets never reach a log through `Debug` (issue 24, item 4): every type that holds the
//! state, the PKCE verifier or the code is formatted with `{:?}` and `{:#?}`, and none of
//! the three appears. The browser-only `Started` is held to the same in tests/web.rs.
#![cfg(not(target_arch = "wasm32"))]

use bank_link::core::authorize::{begin, build_authorization};
use bank_link::core::callback::{handle, Navigation};
use bank_link::core::config::{validate, ConfigValue};
use bank_link::core::entropy::{Seed, SEED_BYTES};
use bank_link::core::pending::PendingFlow;
use bank_link::core::store::{Entry, Index, IndexCopy, MemoryStore, INDEX_KEY};
use bank_link::core::uri::NativeUrl;

const NOW: u64 = 1_700_000_000_000;

fn entries() -> Vec<(String, ConfigValue)> {
    let s = |v: &str| ConfigValue::String(v.to_owned());
    vec![
        ("provider".into(), s("oauth2")),
        ("authorizeUrl".into(), s("https://as.example/authorize?tenant=acme")),
        ("clientId".into(), s("my-client")),
        ("redirectUri".into(), s("https://app.example/cb")),
        ("appState".into(), ConfigValue::Json("{\"route\":\"/accounts\"}".into())),
    ]
}

/// `value` formatted both ways, each checked for every secret.
fn assert_redacted(what: &str, shown: [String; 2], secrets: &[(&str, &str)]) {
    for text in shown {
        for (name, secret) in secrets {
            assert!(!text.contains(secret), "{what} shows the {name}:\n{text}");
        }
        assert!(text.contains("<redacted>"), "{what} says nothing of what it left out:\n{text}");
    }
}

macro_rules! both {
    ($v:expr) => {
        [format!("{:?}", $v), format!("{:#?}", $v)]
    };
}

#[test]
fn no_debug_output_shows_the_state_the_verifier_or_the_code() {
    let entries = entries();
    let cfg = validate(&entries, "https://app.example", &NativeUrl).unwrap();
    let seed = Seed([0x5a; SEED_BYTES]);
    let auth = build_authorization(&cfg, &seed, NOW);
    let state = auth.state.clone();
    let verifier = auth.pending.code_verifier().unwrap().to_owned();
    assert_eq!((state.len(), verifier.len()), (43, 43));
    assert!(auth.url.contains(&state), "the URL carries the state: the redaction below is no accident");
    let secrets = [("state", state.as_str()), ("verifier", verifier.as_str())];

    assert_redacted("Authorization", both!(auth), &secrets);
    // What the rest of the URL says survives: the endpoint and its own query.
    assert!(format!("{auth:?}").contains("https://as.example/authorize?tenant=acme"), "{auth:?}");
    assert_redacted("PendingFlow", both!(auth.pending), &secrets);
    let flow = PendingFlow::from_record(&auth.pending.to_record(), NOW, NOW + 600_000).unwrap();
    assert_redacted("PendingFlow read back", both!(flow), &secrets);

    let record = auth.pending.to_record();
    let entry = Entry { state: &state, created_ms: NOW, expires_ms: NOW + 600_000, record: &record, done: false };
    assert!(entry.record.contains(&verifier), "the record holds the verifier: the redaction below is no accident");
    assert_redacted("Entry", both!(entry), &secrets);
    // An unreadable record is not shown either: it may hold a verifier all the same.
    let junk = format!("{}&junk", entry.record);
    let garbled = Entry { record: &junk, ..entry };
    assert_redacted("Entry with an unreadable record", both!(garbled), &secrets);
    let index = Index::parse(&format!("p.{state}.{NOW}.{}.{record}", NOW + 600_000));
    assert_redacted("Index", both!(index), &secrets);

    // The store a start wrote into (its raw index holds both), with an app key beside it.
    let mut store = MemoryStore::default();
    let auth = begin(&cfg, &seed, NOW, &mut store).unwrap();
    store.items.insert("app".into(), "the app's own".into());
    store.items.insert(format!("{INDEX_KEY}:claim:{}", auth.state), "nonce".into());
    assert!(store.items.get(INDEX_KEY).unwrap().contains(&verifier));
    assert_redacted("MemoryStore", both!(store), &secrets);
    assert!(format!("{store:?}").contains("the app's own"), "the app's data is shown as it is");

    // Our one key alone in memory (a popup opener's own record, the shared store's index
    // while it decides), written by a start.
    let mut copy = IndexCopy::default();
    begin(&cfg, &seed, NOW, &mut copy).unwrap();
    assert!(copy.0.as_deref().unwrap_or_default().contains(&verifier));
    assert_redacted("IndexCopy", both!(copy), &secrets);

    // The result of the callback: state, code and verifier in its fields and in `params`.
    let code = "SplxlOBeZQQYbYS6WxSbIA-the-code";
    let href = format!("https://app.example/cb?code={code}&state={state}&session_state=x");
    let result = handle(&href, Ok(&mut store), NOW + 1, Navigation::Navigate, &NativeUrl).outcome.unwrap().unwrap();
    assert_eq!(result.state(), Some(state.as_str()));
    let mut with_code = secrets.to_vec();
    with_code.push(("code", code));
    assert_redacted("AuthorizationResult", both!(result), &with_code);
    assert!(format!("{result:?}").contains("session_state"), "other parameters are shown: {result:?}");
}
