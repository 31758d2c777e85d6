//! The popup-message catalogue (`tests/vectors/popup_messages.json`): what a waiting
//! opener does with each message that reaches it, natively and in the three engines (in
//! the browsers under both URL parsers, the message shape read by the web layer's own
//! reader from a real JS object). Foreign, look-alike and `null` origins, messages from
//! the same-origin tab, an iframe of the app or another window, wrong or near-miss states,
//! malformed and oversized data, on the window and on the flow's channel: none may be
//! accepted, none may repeat a code in an error, and none that is ignored may change the
//! opener's record. Every run prints `hostile: N cases, 0 accepted, 0 leaked`.
//!
//! Where the events come from (which window, which origin) is the browser's part: the
//! popup suite (tests/popup.rs) sends real forged messages to a real waiting opener.

mod common;

use bank_link::core::authorize::begin;
use bank_link::core::callback::verify_relayed;
use bank_link::core::callback::MAX_URL;
use bank_link::core::config::validate;
use bank_link::core::entropy::Seed;
use bank_link::core::entropy::TOKEN_LEN;
use bank_link::core::error::ErrorCode;
use bank_link::core::popup::{from_flow, judge, Admit, Via, MESSAGE_TYPE};
use bank_link::core::store::MemoryStore;
use common::json::{cases, to_entries};
use common::{each_parser, parser};
use serde_json::Value;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const ORIGIN: &str = "https://app.example";
const SECRET: &str = "SECRET-CODE";
const NOW: u64 = 1_700_000_000_000;

/// The opener's side: one popup flow pending in its memory store, and its state.
fn opener() -> (MemoryStore, String) {
    let config = serde_json::json!({"provider": "oauth2", "authorizeUrl": "https://as.example/authorize",
        "clientId": "c", "redirectUri": "https://app.example/cb", "mode": "popup"});
    let entries = to_entries(config.as_object().unwrap());
    let cfg = validate(&entries, ORIGIN, parser()).unwrap();
    let mut store = MemoryStore::default();
    let auth = begin(&cfg, &Seed([9; 80]), NOW, &mut store).unwrap();
    (store, auth.state)
}

/// The catalogue's placeholders, filled with this flow's values.
fn fill(v: &Value, state: &str) -> Value {
    let other = "O".repeat(43);
    let href = |s: &str| format!("{ORIGIN}/cb?code={SECRET}&state={s}");
    let subs = [
        ("$href_other", href(&other)),
        ("$href", href(state)),
        ("$huge", format!("{}&pad={}", href(state), "x".repeat(9000))),
        ("$denied", format!("{ORIGIN}/cb?error=access_denied&state={state}")),
        ("$plain", format!("{ORIGIN}/cb")),
        ("$other", other.clone()),
        ("$short", state[..42].to_owned()),
        ("$upper", state.to_uppercase()),
        ("$state", state.to_owned()),
        ("$own", ORIGIN.to_owned()),
    ];
    match v {
        Value::String(s) => {
            let mut out = s.clone();
            for (k, val) in &subs {
                if out.contains(k) {
                    out = out.replace(k, val);
                    break;
                }
            }
            Value::String(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| fill(x, state)).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), fill(x, state))).collect()),
        other => other.clone(),
    }
}

/// `{ type, state, href }` with string fields, a 43-character state, and the `href` left
/// out (`None`) when it is over the size cap, as the web layer judges it before copying:
/// in the browsers, from a real JS object through `bank_link::web::relay_message` (and
/// the two readings must agree); natively, from the JSON.
fn relay_of(data: &Value) -> Option<(String, Option<String>)> {
    let native = match (data.get("type"), data.get("state"), data.get("href")) {
        (Some(Value::String(t)), Some(Value::String(s)), Some(Value::String(h)))
            if t == MESSAGE_TYPE && s.len() == TOKEN_LEN =>
        {
            Some((s.clone(), Some(h.clone()).filter(|h| h.len() <= MAX_URL)))
        }
        _ => None,
    };
    #[cfg(target_arch = "wasm32")]
    {
        let js = js_sys::JSON::parse(&data.to_string()).unwrap();
        assert_eq!(bank_link::web::relay_message(&js), native, "the web layer reads {data} differently");
    }
    native
}

/// Where a window message came from, as the opener samples it: in the browsers, from a real
/// `MessageEvent` through `bank_link::web::via_window` (this page stands in for the popup,
/// and its own origin for the app's; the two readings must agree); natively, from the case.
fn window_via(origin: &str, from_popup: bool) -> Via {
    let native = Via::Window { same_origin: origin == ORIGIN, from_popup };
    #[cfg(target_arch = "wasm32")]
    {
        let window = web_sys::window().unwrap();
        let own = window.location().origin().unwrap();
        let init = web_sys::MessageEventInit::new();
        init.set_origin(if origin == ORIGIN { &own } else { origin });
        if from_popup {
            init.set_source(Some(&window));
        }
        let event = web_sys::MessageEvent::new_with_event_init_dict("message", &init).unwrap();
        assert_eq!(bank_link::web::via_window(&event, &window), native, "the web layer reads {origin} differently");
    }
    native
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn popup_messages() {
    each_parser(|name| {
        let (store, state) = opener();
        let (mut n, mut accepted, mut leaked, mut controls) = (0, 0, 0, 0);
        let mut failures = Vec::new();
        for case in cases(include_str!("vectors/popup_messages.json"), "popup_messages.json") {
            let case_name = case["name"].as_str().unwrap();
            let data = fill(&case["data"], &state);
            let origin = fill(case.get("origin").unwrap_or(&Value::Null), &state);
            let via = match case["via"].as_str() {
                Some("window") => window_via(origin.as_str().unwrap(), case["fromPopup"].as_bool().unwrap()),
                _ => Via::Channel,
            };
            let relay = relay_of(&data);
            let mut after = store.clone();
            // Where it came from first, then the fields, as the opener judges them.
            let admitted = match &relay {
                Some((s, h)) if from_flow(via) => judge(s, h.as_deref(), &state),
                _ => Admit::Ignore,
            };
            let (outcome, message) = match admitted {
                Admit::Ignore => ("ignored".to_owned(), None),
                Admit::TooLarge => ("malformed_callback".to_owned(), None),
                Admit::Verify => {
                    let href = relay.as_ref().and_then(|(_, h)| h.as_deref()).unwrap_or("");
                    match verify_relayed(href, &mut after, NOW + 1_000, parser()) {
                        Ok(Some(_)) => ("accepted".to_owned(), None),
                        Ok(None) => ("ignored".to_owned(), None),
                        Err(e) if e.code == ErrorCode::UnknownState => ("ignored".to_owned(), Some(e.message.clone())),
                        Err(e) => (e.code.as_str().to_owned(), Some(e.message.clone())),
                    }
                }
            };
            let control = case.get("control").and_then(Value::as_bool).unwrap_or(false);
            if control {
                controls += 1;
            } else {
                n += 1;
                accepted += usize::from(outcome == "accepted");
                leaked += usize::from(message.as_deref().is_some_and(|m| m.contains(SECRET)));
                if outcome == "ignored" && after.items != store.items {
                    failures.push(format!("{case_name}: ignored, but the opener's record changed"));
                }
            }
            if outcome != case["expect"].as_str().unwrap() {
                failures.push(format!("{case_name}: {outcome}, want {}", case["expect"]));
            }
        }
        assert!(failures.is_empty(), "{name}:\n  {}", failures.join("\n  "));
        assert_eq!(controls, 2, "the genuine relay, on the window and on the channel");
        common::report_hostile(n, accepted, leaked, &format!("popup_messages.json, {name}"));
    });
}
