//! The protocol core alone behind two string exports, with no web layer: what the logic
//! that issue 9 keeps in Rust (validation, the authorize URL, PKCE, the pending store,
//! parsing and verifying the callback) weighs and costs by itself. Its own crate on the
//! library's public `core` items, built only by scripts/bench-floor; never part of the
//! package. Redirect mode only: no popup, no cross-tab path, no events, no result objects
//! (a callback returns its code as a string).

#![cfg(target_arch = "wasm32")]

mod url;

use bank_link::core::authorize::begin;
use bank_link::core::callback::{handle, Navigation};
use bank_link::core::config::{validate, ConfigValue};
use bank_link::core::entropy::{Seed, SEED_BYTES};
use bank_link::core::outcome::AuthorizationResult;
use bank_link::core::store::{PendingStore, StoreFault};
use bank_link::core::urlenc::{cut, parse_decimal, pieces};
use url::BrowserUrl;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(module = "/core_only.js")]
extern "C" {
    fn get(key: &str) -> Option<String>;
    fn set(key: &str, value: &str) -> bool;
    fn del(key: &str) -> bool;
    fn now() -> f64;
    fn origin() -> String;
}

struct Session;

impl PendingStore for Session {
    fn get(&self, key: &str) -> Result<Option<String>, StoreFault> {
        Ok(get(key))
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreFault> {
        set(key, value).then_some(()).ok_or(StoreFault::Full)
    }
    fn remove(&mut self, key: &str) -> Result<(), StoreFault> {
        del(key).then_some(()).ok_or(StoreFault::Unavailable)
    }
}

/// `config`: one field a line, `name TAB kind TAB value` (kind `s`, `b` or `n`). Returns
/// the authorize URL, or throws the error's message.
#[wasm_bindgen(js_name = startAuthorization)]
pub fn start(config: &str) -> Result<String, String> {
    let mut entries = Vec::new();
    for line in pieces(config, b'\n') {
        let Some((name, rest)) = cut(line, b'\t') else { continue };
        let Some((kind, value)) = cut(rest, b'\t') else { continue };
        let value = match kind {
            "b" => ConfigValue::Bool(value == "true"),
            "n" => ConfigValue::Number(parse_decimal(value).unwrap_or(0) as f64),
            _ => ConfigValue::String(value.to_owned()),
        };
        entries.push((name.to_owned(), value));
    }
    let cfg = validate(&entries, &origin(), &BrowserUrl).map_err(|e| e.message.clone())?;
    let mut bytes = [0u8; SEED_BYTES];
    getrandom::fill(&mut bytes).map_err(|_| String::from("crypto.getRandomValues failed"))?;
    let auth = begin(&cfg, &Seed(bytes), now() as u64, &mut Session).map_err(|e| e.message.clone())?;
    Ok(auth.url)
}

/// Verifies and consumes `href`; returns the code, or throws the error code.
#[wasm_bindgen(js_name = handleCallback)]
pub fn callback(href: &str) -> Result<String, String> {
    match handle(href, Ok(&mut Session), now() as u64, Navigation::Other, &BrowserUrl).outcome {
        Ok(Some(AuthorizationResult::Success { code: Some(code), .. })) => Ok(code.into_secret()),
        Ok(_) => Err(String::from("no code")),
        Err(e) => Err(String::from(e.code.as_str())),
    }
}
