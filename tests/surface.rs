//! The public surface has one source of truth: the Rust side. The shipped `.d.ts` must
//! name exactly its error codes and, per provider, exactly the config fields validation
//! accepts; a difference in either direction fails. (The result objects are compared in
//! the browser suites, on what `result_to_js` really produces: tests/web.rs.)

mod common;
use bank_link::core::config::fields_for;
use bank_link::core::error::ErrorCode;
use bank_link::core::provider::Provider;
use common::dts;

/// The `.d.ts` string union `name` holds exactly `rust`'s values.
fn union_matches(name: &str, rust: impl IntoIterator<Item = &'static str>) {
    let mut rust: Vec<String> = rust.into_iter().map(str::to_owned).collect();
    rust.sort();
    assert_eq!(dts::string_union(name), rust, "{name}");
}

#[test]
fn error_codes_match_both_ways() {
    union_matches("AuthErrorCode", ErrorCode::ALL.map(ErrorCode::as_str));
}

#[test]
fn oauth_error_codes_match_both_ways() {
    union_matches("OAuthErrorCode", bank_link::core::outcome::OAUTH_ERRORS);
}

#[test]
fn event_names_match_both_ways() {
    union_matches("EventName", bank_link::core::events::EventName::ALL.map(|n| n.as_str()));
}

/// The list `boundary.js` names `list` (`const list = "a b c".split(" ")`), which the wasm
/// indexes by a Rust enum's place in its `ALL`: the same texts in the same order.
fn boundary_list(list: &str) -> Vec<String> {
    let js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/boundary.js")).unwrap();
    let at = js.find(&format!("const {list} =")).unwrap_or_else(|| panic!("no list {list} in boundary.js"));
    let text = js[at..].split('"').nth(1).unwrap();
    text.split(' ').map(str::to_owned).collect()
}

#[test]
fn boundary_texts_follow_the_rust_order() {
    assert_eq!(boundary_list("codes"), ErrorCode::ALL.map(|c| c.as_str().to_owned()));
    assert_eq!(boundary_list("names"), bank_link::core::events::EventName::ALL.map(|n| n.as_str().to_owned()));
    // The wasm passes `code as u8`: each variant's place in `ALL` is its discriminant.
    assert!(ErrorCode::ALL.iter().enumerate().all(|(i, c)| *c as usize == i));
    assert!(bank_link::core::events::EventName::ALL.iter().enumerate().all(|(i, n)| *n as usize == i));
}

#[test]
fn providers_match_both_ways() {
    union_matches("Provider", Provider::ALL.map(Provider::as_str));
}

#[test]
fn config_fields_per_provider_match_both_ways() {
    for (p, interface) in [
        (Provider::Tink, "TinkConfig"),
        (Provider::Flinks, "FlinksConfig"),
        (Provider::FlinksV3, "FlinksV3Config"),
        (Provider::OAuth2, "OAuth2Config"),
    ] {
        let mut rust: Vec<String> = fields_for(p).map(str::to_owned).collect();
        rust.sort();
        let mut declared = dts::interface_fields(interface);
        declared.dedup();
        assert_eq!(declared, rust, "{interface} against what validation accepts for {}", p.as_str());
    }
}

#[test]
fn the_reader_ignores_comments() {
    // A word in a comment (`any`, a field name) never counts as a declaration.
    assert!(!dts::code().contains("/**"));
    assert!(dts::interface_fields("TinkConfig").iter().all(|f| f != "Absolute"));
}
