//! `bank-link/relay` (js/relay.js) speaks the library's popup protocol without loading it,
//! so it restates a few of its facts: the storage key and the index entry of a pending
//! flow, the popup's window name, the relay message and the opener's word, the channel,
//! the state's length, the wait for the word and what the page then says. The Rust side
//! is their home; this test fails when the relay page's copy differs. (What the page does
//! with them runs in the three engines in the end-to-end suite, through www/relay.html.)

use bank_link::core::authorize::build_authorization;
use bank_link::core::config::{validate, ConfigValue};
use bank_link::core::entropy::{Seed, TOKEN_LEN};
use bank_link::core::handoff::SETTLED_WAIT_MS;
use bank_link::core::popup::{window_name, CLOSE_AND_RETURN, MESSAGE_TYPE, SETTLED, WINDOW_NAME_PREFIX};
use bank_link::core::shared::{DB_NAME, HINT_KEY, OBJECT_STORE};
use bank_link::core::store::{put_pending, MemoryStore, PendingStore, INDEX_KEY};
use bank_link::core::uri::NativeUrl;

const APP: &str = "https://app.example";

fn relay_js() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/js/relay.js")).expect("js/relay.js")
}

fn has(js: &str, piece: &str) {
    assert!(js.contains(piece), "js/relay.js lacks {piece}");
}

#[test]
fn the_relay_page_names_what_the_library_names() {
    let js = relay_js();
    has(&js, &format!("const NAME = \"{INDEX_KEY}\";"));
    assert_eq!(MESSAGE_TYPE, format!("{INDEX_KEY}:callback"));
    has(&js, "type: `${NAME}:callback`, state, href }");
    assert_eq!(SETTLED, format!("{INDEX_KEY}:settled"));
    has(&js, "data?.type === `${NAME}:settled`");
    // The flow's channel: the library names it in src/web/popup.js.
    let popup_js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/popup.js")).unwrap();
    assert!(popup_js.contains(&format!("new BroadcastChannel(`{INDEX_KEY}:${{state}}`)")), "src/web/popup.js");
    has(&js, "new BroadcastChannel(`${NAME}:${state}`)");
    let state = "A".repeat(TOKEN_LEN);
    assert_eq!(WINDOW_NAME_PREFIX, format!("{INDEX_KEY}-"));
    assert_eq!(window_name(&state), format!("{WINDOW_NAME_PREFIX}{}", &state[..12]));
    has(&js, "window.name === `${NAME}-${state.slice(0, 12)}`");
    has(&js, &format!("/^[\\w-]{{{TOKEN_LEN}}}$/.test(state)"));
    has(&js, &format!("}}, {SETTLED_WAIT_MS});"));
    has(&js, &format!("document.body.textContent = \"{CLOSE_AND_RETURN}\";"));
    // The library's popup side writes the same words in src/web/popup.js.
    for word in [MESSAGE_TYPE, SETTLED, CLOSE_AND_RETURN] {
        assert!(popup_js.contains(&format!(" = \"{word}\";")), "src/web/popup.js lacks {word}");
    }
    assert!(popup_js.contains(&format!("const KEY = \"{INDEX_KEY}\";")), "src/web/popup.js");
    // And the shared store's names in src/web/shared.js.
    let shared_js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/shared.js")).unwrap();
    for (name, value) in [("DB", DB_NAME), ("STORE", OBJECT_STORE), ("KEY", INDEX_KEY)] {
        assert!(shared_js.contains(&format!("const {name} = \"{value}\";")), "src/web/shared.js: {name}");
    }
    assert_eq!(HINT_KEY, format!("{INDEX_KEY}:shared"));
    has(&js, "!localStorage.getItem(`${NAME}:shared`)");
}

/// The page finds a popup flow's copy as `p.STATE.` and `&mode=popup` in the index the
/// library writes; a redirect flow's entry must not match.
#[test]
fn the_relay_page_reads_the_index_the_library_writes() {
    let js = relay_js();
    has(&js, "item.startsWith(`p.${state}.`)");
    has(&js, "/&mode=popup(&|$)/.test(item)");
    let matches = |record: &str| {
        record.split_once("&mode=popup").is_some_and(|(_, after)| after.is_empty() || after.starts_with('&'))
    };
    for (seed, mode, popup) in [(1, "popup", true), (2, "redirect", false)] {
        let s = |v: &str| ConfigValue::String(v.into());
        let entries = vec![
            ("provider".into(), s("oauth2")),
            ("authorizeUrl".into(), s("https://as.example/authorize")),
            ("clientId".into(), s("c")),
            ("redirectUri".into(), s(&format!("{APP}/relay.html"))),
            ("mode".into(), s(mode)),
            ("appState".into(), ConfigValue::Json("\"&mode=popup\"".into())),
        ];
        let cfg = validate(&entries, APP, &NativeUrl).unwrap();
        let auth = build_authorization(&cfg, &Seed([seed; 80]), 1_700_000_000_000);
        let mut store = MemoryStore::default();
        put_pending(&mut store, &auth.state, &auth.pending, 1_700_000_000_000).unwrap();
        let text = store.get(INDEX_KEY).unwrap().unwrap();
        let entries: Vec<&str> = text.split(',').filter(|e| e.starts_with(&format!("p.{}.", auth.state))).collect();
        assert_eq!(entries.len(), 1, "{text}");
        assert_eq!(matches(entries[0]), popup, "{mode}: {}", entries[0]);
    }
}
