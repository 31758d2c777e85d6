//! Data-driven callback tests: `tests/vectors/callback.json`, run natively
//! (`cargo test --test callback_vectors`) and in browsers (wasm-bindgen-test), as
//! rust-url runs its WPT vectors. Every case goes through the pure core only:
//! `config::validate` → `authorize::begin` into a `MemoryStore` → `callback::handle`.
//!
//! A case:
//! - `name` (unique, says what it proves), optional `note`;
//! - `flows`: pending authorizations started in order. Each has `preset` (one of
//!   [`PRESETS`], by provider name) and/or `config` (keys merged over the preset; JSON
//!   mapped to `ConfigValue` as in tests/vectors.rs, `null` = not given), `origin`
//!   (default `https://app.example`), `seedByte` (default: index + 1) and `now` (ms,
//!   default [`T0`]);
//! - `items`: raw store items written after the flows (a garbage record, a done marker,
//!   an app's own key);
//! - `storage`: `"ok"` (default); `"error"` passes `Err(AuthError::storage(..))` as the
//!   store; `"unavailable"` / `"full"` make the `MemoryStore` fault after setup;
//! - `calls`: `handle(href, store, now, navigation)` in order, each with `href`, `now`
//!   (default [`T0`] + 60 s), `navigation` (`"navigate"`, the default, or `"reload"`,
//!   `"back_forward"`, `"other"`: how the page was reached), `expect` and `cleaned` (the
//!   exact URL or `null`);
//! - `keys`: every key left in the store after the last call.
//!
//! `expect` is `null` (no callback), `{"throws": code}` (an `AuthError`), or a result:
//! `{"ok": true, provider, state, code?, loginId?, credentialsId?, codeVerifier?,
//! params | paramCount, appState?}` / `{"ok": false, provider, state?, error,
//! errorDescription?, errorUri?, params | paramCount, appState?}`. A field left out
//! must be absent. `params` lists `[name, value]` pairs in order; `codeVerifier` is
//! `true`/`false` (presence) or the exact verifier; `appState` is the JSON value.
//!
//! In every string, `{stateN}` / `{verifierN}` stand for flow N's state and PKCE
//! verifier, and `{entryN}` for flow N's entry as stored under `bank-link` (to write the
//! key again around it in `items`); `{"$repeat": [s, n]}` is `s` n times, `{"$concat": [..]}` joins strings,
//! and `{"$seq": [template, n]}` joins `template` with `{i}` replaced by 0..n.

mod common;
use common::json::expand;
use common::{each_parser, parser};

use bank_link::core::authorize::begin;
use bank_link::core::callback::{handle, Navigation};
use bank_link::core::config::{validate, ConfigValue};
use bank_link::core::entropy::{Seed, SEED_BYTES};
use bank_link::core::error::AuthError;
use bank_link::core::outcome::AuthorizationResult;
use bank_link::core::pending::{done_key, DONE_PREFIX};
use bank_link::core::store::{Index, MemoryStore, PendingStore, StoreFault, INDEX_KEY};
use serde_json::{json, Map, Value};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const VECTORS: &str = include_str!("vectors/callback.json");

/// Default start time of a flow; calls default to one minute later.
const T0: u64 = 1_700_000_000_000;
const ORIGIN: &str = "https://app.example";

/// The configs flows start from, one per provider, all redirecting to `/cb`.
const PRESETS: [(&str, &str); 4] = [
    (
        "tink",
        r#"{"provider": "tink", "clientId": "tink-client", "redirectUri": "https://app.example/cb", "scope": "accounts:read,transactions:read"}"#,
    ),
    (
        "flinks",
        r#"{"provider": "flinks", "authorizeUrl": "https://ob.flinksapp.com/api/v1/authorize", "clientId": "dr-123", "redirectUri": "https://app.example/cb", "scope": "ACCOUNT_BASIC TRANSACTIONS", "providerId": "4003"}"#,
    ),
    ("flinks-v3", r#"{"provider": "flinks-v3", "instance": "toolbox", "redirectUri": "https://app.example/cb"}"#),
    (
        "oauth2",
        r#"{"provider": "oauth2", "authorizeUrl": "https://as.example/authorize", "clientId": "my-client", "redirectUri": "https://app.example/cb"}"#,
    ),
];

/// The `AuthError` codes a callback can produce (popup codes are the opener's business).
const CALLBACK_CODES: [&str; 7] = [
    "unknown_state",
    "missing_state",
    "expired",
    "already_handled",
    "malformed_callback",
    "issuer_mismatch",
    "storage_unavailable",
];

fn cases() -> Vec<Map<String, Value>> {
    common::json::cases(VECTORS, "callback.json")
}

/// Replaces `{stateN}` and `{verifierN}` in every string of `v`.
fn subst(v: &Value, vars: &[(String, String)]) -> Value {
    match v {
        Value::String(s) => Value::String(subst_str(s, vars)),
        Value::Array(a) => Value::Array(a.iter().map(|x| subst(x, vars)).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (subst_str(k, vars), subst(x, vars))).collect()),
        other => other.clone(),
    }
}

fn subst_str(s: &str, vars: &[(String, String)]) -> String {
    vars.iter().fold(s.to_owned(), |s, (k, v)| s.replace(k.as_str(), v))
}

fn flow_config(flow: &Map<String, Value>) -> Result<Vec<(String, ConfigValue)>, String> {
    let mut merged = Map::new();
    if let Some(p) = flow.get("preset") {
        let p = p.as_str().ok_or("preset must be a string")?;
        let (_, text) = PRESETS.iter().find(|(n, _)| *n == p).ok_or_else(|| format!("unknown preset {p:?}"))?;
        let Ok(Value::Object(m)) = serde_json::from_str(text) else { return Err("bad preset".into()) };
        merged = m;
    }
    match flow.get("config") {
        None => {}
        Some(Value::Object(m)) => merged.extend(m.clone()),
        Some(other) => return Err(format!("config must be an object, got {other}")),
    }
    if merged.is_empty() {
        return Err("a flow needs a preset or a config".into());
    }
    Ok(common::json::to_entries(&merged))
}

fn opt_str<T: std::ops::Deref<Target = str>>(v: &Option<T>) -> Value {
    v.as_ref().map_or(Value::Null, |s| Value::String(s.to_string()))
}

/// The outcome in the vectors' shape; absent fields are left out.
fn describe(outcome: &Result<Option<AuthorizationResult>, AuthError>) -> Value {
    let pairs = |p: &[(String, String)]| Value::Array(p.iter().map(|(k, v)| json!([k, v])).collect());
    let app = |a: &Option<String>| {
        a.as_ref().map(|t| serde_json::from_str(t).unwrap_or_else(|_| json!({ "$unparsable": t })))
    };
    let mut out = Map::new();
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            out.insert(k.to_owned(), v);
        }
    };
    match outcome {
        Ok(None) => return Value::Null,
        Err(e) => put("throws", json!(e.code.as_str())),
        Ok(Some(AuthorizationResult::Success {
            provider,
            state,
            code,
            login_id,
            credentials_id,
            code_verifier,
            params,
            app_state,
        })) => {
            put("ok", json!(true));
            put("provider", json!(provider.as_str()));
            put("state", json!(state.secret()));
            put("code", opt_str(code));
            put("loginId", opt_str(login_id));
            put("credentialsId", opt_str(credentials_id));
            put("codeVerifier", opt_str(code_verifier));
            put("params", pairs(params));
            put("appState", app(app_state).unwrap_or(Value::Null));
        }
        Ok(Some(AuthorizationResult::Failure {
            provider,
            state,
            error,
            error_description,
            error_uri,
            params,
            app_state,
        })) => {
            put("ok", json!(false));
            put("provider", json!(provider.as_str()));
            put("state", opt_str(state));
            put("error", json!(error));
            put("errorDescription", opt_str(error_description));
            put("errorUri", opt_str(error_uri));
            put("params", pairs(params));
            put("appState", app(app_state).unwrap_or(Value::Null));
        }
    }
    Value::Object(out)
}

/// Turns the vector's `codeVerifier: bool` and `paramCount` into exact expectations
/// (or reports the mismatch they describe).
fn normalise(want: &Value, got: &Value) -> Result<Value, String> {
    let (Value::Object(w), Value::Object(g)) = (want, got) else { return Ok(want.clone()) };
    let mut w = w.clone();
    const KEYS: [&str; 14] = [
        "throws",
        "ok",
        "provider",
        "state",
        "code",
        "loginId",
        "credentialsId",
        "codeVerifier",
        "params",
        "paramCount",
        "appState",
        "error",
        "errorDescription",
        "errorUri",
    ];
    if let Some(k) = w.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!("unknown expect key {k:?}"));
    }
    if w.contains_key("ok") && !w.contains_key("params") && !w.contains_key("paramCount") {
        return Err("a result expectation needs \"params\" or \"paramCount\"".into());
    }
    match w.get("codeVerifier") {
        Some(Value::Bool(false)) => {
            w.remove("codeVerifier");
        }
        Some(Value::Bool(true)) => match g.get("codeVerifier") {
            Some(v) => {
                w.insert("codeVerifier".into(), v.clone());
            }
            None => return Err("expected a codeVerifier, got none".into()),
        },
        _ => {}
    }
    if let Some(n) = w.remove("paramCount") {
        let got_n = g.get("params").and_then(Value::as_array).map_or(0, Vec::len);
        if n.as_u64() != Some(got_n as u64) {
            return Err(format!("expected {n} params, got {got_n}"));
        }
        if let Some(p) = g.get("params") {
            w.insert("params".into(), p.clone());
        }
    }
    Ok(Value::Object(w))
}

/// Long strings shortened for failure messages (the size-cap vectors are 8 KiB).
fn brief(v: &Value) -> Value {
    match v {
        Value::String(s) if s.len() > 160 => {
            Value::String(format!("{}…[{} bytes]", s.chars().take(80).collect::<String>(), s.len()))
        }
        Value::Array(a) => Value::Array(a.iter().map(brief).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), brief(v))).collect()),
        other => other.clone(),
    }
}

fn brief_opt(s: &Option<String>) -> Value {
    brief(&opt_str(s))
}

/// A string field of a case, expanded and with placeholders substituted.
fn string_at(v: Option<&Value>, what: &str, vars: &[(String, String)]) -> Result<Option<String>, String> {
    match v.map(expand).transpose()?.map(|v| subst(&v, vars)) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("{what} must be a string or null, got {other}")),
    }
}

/// What one case did: the hrefs it handled (for the browser comparison) or a failure.
fn run_case(c: &Map<String, Value>) -> Result<Vec<String>, String> {
    const KEYS: [&str; 7] = ["name", "note", "flows", "items", "storage", "calls", "keys"];
    if let Some(k) = c.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!("unknown case key {k:?}"));
    }
    let mut store = MemoryStore::default();
    let mut vars: Vec<(String, String)> = Vec::new();
    let flows = match c.get("flows") {
        None => Vec::new(),
        Some(Value::Array(f)) => f.clone(),
        Some(other) => return Err(format!("flows must be an array, got {other}")),
    };
    for (i, flow) in flows.iter().enumerate() {
        let Value::Object(flow) = flow else { return Err(format!("flow {i} is not an object")) };
        const FLOW_KEYS: [&str; 5] = ["preset", "config", "origin", "seedByte", "now"];
        if let Some(k) = flow.keys().find(|k| !FLOW_KEYS.contains(&k.as_str())) {
            return Err(format!("flow {i}: unknown key {k:?}"));
        }
        let entries = flow_config(flow).map_err(|e| format!("flow {i}: {e}"))?;
        let origin = flow.get("origin").and_then(Value::as_str).unwrap_or(ORIGIN);
        let cfg = validate(&entries, origin, parser()).map_err(|e| format!("flow {i}: config rejected: {e}"))?;
        let byte = match flow.get("seedByte") {
            None => i as u64 + 1,
            Some(b) => b.as_u64().filter(|b| *b <= 255).ok_or_else(|| format!("flow {i}: seedByte 0..=255"))?,
        };
        let now = match flow.get("now") {
            None => T0,
            Some(n) => n.as_u64().ok_or_else(|| format!("flow {i}: now must be whole ms"))?,
        };
        let auth = begin(&cfg, &Seed([byte as u8; SEED_BYTES]), now, &mut store)
            .map_err(|e| format!("flow {i}: begin failed: {e}"))?;
        vars.push((format!("{{state{i}}}"), auth.state.clone()));
        vars.push((format!("{{verifier{i}}}"), auth.pending.code_verifier().unwrap_or_default().to_owned()));
        let index = Index::load(&store).unwrap_or_default();
        let entry = index.entries().find(|e| e.state == auth.state);
        let entry =
            entry.map(|e| Index::parse(&format!("p.{}.{}.{}.{}", e.state, e.created_ms, e.expires_ms, e.record)));
        let entry = entry.unwrap_or_default().serialize();
        vars.push((format!("{{entry{i}}}"), entry));
    }
    // Longest placeholder first, so `{state1}` never eats the start of `{state10}`.
    vars.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
    match c.get("items").map(expand).transpose()?.map(|v| subst(&v, &vars)) {
        None => {}
        Some(Value::Object(m)) => {
            for (k, v) in m {
                let v = v.as_str().ok_or_else(|| format!("item {k:?} must be a string"))?;
                store.items.insert(k, v.to_owned());
            }
        }
        Some(other) => return Err(format!("items must be an object, got {other}")),
    }
    let storage = c.get("storage").map_or(Some("ok"), Value::as_str);
    match storage {
        Some("ok" | "error") => {}
        Some("unavailable") => store.fail = Some(StoreFault::Unavailable),
        Some("full") => store.fail = Some(StoreFault::Full),
        _ => return Err("storage must be \"ok\", \"error\", \"unavailable\" or \"full\"".into()),
    }
    let Some(Value::Array(calls)) = c.get("calls") else { return Err("calls must be a non-empty array".into()) };
    if calls.is_empty() {
        return Err("calls must be a non-empty array".into());
    }
    let mut problems = Vec::new();
    let mut hrefs = Vec::new();
    for (i, call) in calls.iter().enumerate() {
        let Value::Object(call) = call else { return Err(format!("call {i} is not an object")) };
        const CALL_KEYS: [&str; 5] = ["href", "now", "navigation", "expect", "cleaned"];
        if let Some(k) = call.keys().find(|k| !CALL_KEYS.contains(&k.as_str())) {
            return Err(format!("call {i}: unknown key {k:?}"));
        }
        let href = string_at(call.get("href"), "href", &vars)?.ok_or_else(|| format!("call {i}: missing href"))?;
        let now = match call.get("now") {
            None => T0 + 60_000,
            Some(n) => n.as_u64().ok_or_else(|| format!("call {i}: now must be whole ms"))?,
        };
        let nav = match call.get("navigation").map(|n| n.as_str()) {
            None | Some(Some("navigate")) => Navigation::Navigate,
            Some(Some("reload" | "back_forward" | "other")) => Navigation::Other,
            Some(other) => return Err(format!("call {i}: navigation {other:?}")),
        };
        let want = subst(&expand(call.get("expect").ok_or_else(|| format!("call {i}: missing expect"))?)?, &vars);
        if !call.contains_key("cleaned") {
            return Err(format!("call {i}: missing cleaned"));
        }
        let want_cleaned = string_at(call.get("cleaned"), "cleaned", &vars)?;

        let before = live(&store, now);
        let store_arg: Result<&mut dyn PendingStore, AuthError> = if storage == Some("error") {
            Err(AuthError::storage("sessionStorage is not available"))
        } else {
            Ok(&mut store)
        };
        let handled = handle(&href, store_arg, now, nav, parser());
        let got = describe(&handled.outcome);
        // A hostile call (one that must be refused or ignored): counted, and held to the
        // catalogue's rules whatever its expectation says.
        if call.get("expect").is_some_and(|e| e.is_null() || e.get("throws").is_some()) {
            let matched = before.0.iter().any(|s| params_of(&href, "state").contains(s));
            let accepted = matches!(handled.outcome, Ok(Some(_)));
            let leaked = match &handled.outcome {
                Err(e) => ["code", "loginId", "credentials_id", "access_token", "id_token"]
                    .iter()
                    .flat_map(|n| params_of(&href, n))
                    .filter(|v| v.len() >= 3)
                    .any(|v| e.message.contains(&v) || e.field.as_deref().is_some_and(|f| f.contains(&v))),
                _ => false,
            };
            let touched = !matched && live(&store, now) != before;
            HOSTILE.with(|h| {
                let (n, a, l) = h.get();
                h.set((n + 1, a + usize::from(accepted), l + usize::from(leaked || touched)));
            });
            if accepted || leaked || touched {
                problems.push(format!(
                    "call {i}: hostile input accepted {accepted}, leaked {leaked}, storage touched {touched}"
                ));
            }
        }
        match normalise(&want, &got) {
            Err(e) => problems.push(format!("call {i}: {e} (got {})", brief(&got))),
            Ok(want) if want != got => problems.push(format!(
                "call {i} outcome:\n      expected {}\n      got      {}",
                brief(&want),
                brief(&got)
            )),
            Ok(_) => {}
        }
        if handled.cleaned != want_cleaned {
            problems.push(format!(
                "call {i} cleaned:\n      expected {}\n      got      {}",
                brief_opt(&want_cleaned),
                brief_opt(&handled.cleaned)
            ));
        }
        hrefs.push(href);
    }
    let mut want_keys: Vec<String> = match c.get("keys").map(|k| subst(k, &vars)) {
        Some(Value::Array(k)) => {
            // `bank-link:done:STATE` names the done marker of STATE, which keeps a prefix.
            k.iter()
                .map(|k| k.as_str().map(|k| k.strip_prefix(DONE_PREFIX).map_or_else(|| k.to_owned(), done_key)))
                .map(|k| k.ok_or("keys: not a string"))
                .collect::<Result<_, _>>()?
        }
        _ => return Err("keys must be an array of strings".into()),
    };
    want_keys.sort();
    let got_keys: Vec<String> = store.logical_keys();
    if got_keys != want_keys {
        problems.push(format!("keys left:\n      expected {want_keys:?}\n      got      {got_keys:?}"));
    }
    if problems.is_empty() {
        Ok(hrefs)
    } else {
        Err(problems.join("\n    "))
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn callback_vectors() {
    let cases = cases();
    assert!(cases.len() >= 80, "callback.json: only {} cases", cases.len());
    each_parser(|name| {
        HOSTILE.with(|h| h.set((0, 0, 0)));
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|c| run_case(c).err().map(|e| format!("  {}: {e}", c["name"].as_str().unwrap_or("?"))))
            .collect();
        assert!(
            failures.is_empty(),
            "callback.json with {name}: {} of {} cases failed:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
        let (n, accepted, leaked) = HOSTILE.with(|h| h.get());
        common::report_hostile(n, accepted, leaked, &format!("callback.json, {name}"));
    });
}

thread_local! {
    /// Hostile calls run, accepted, leaked (a code in an error, or storage touched
    /// without a matching state).
    static HOSTILE: std::cell::Cell<(usize, usize, usize)> = const { std::cell::Cell::new((0, 0, 0)) };
}

/// Every value of parameter `name` in the href's query and fragment, decoded leniently.
fn params_of(href: &str, name: &str) -> Vec<String> {
    let tail = href.split_once('?').map_or("", |(_, t)| t);
    let (query, fragment) = tail.split_once('#').unwrap_or((tail, ""));
    let fragment = if fragment.is_empty() { href.split_once('#').map_or("", |(_, f)| f) } else { fragment };
    [query, fragment]
        .iter()
        .flat_map(|c| c.split('&'))
        .filter_map(|seg| seg.split_once('='))
        .filter(|(k, _)| *k == name)
        .map(|(_, v)| v.replace('+', " "))
        .collect()
}

/// The store as it matters after a call at `now`: live pending states, live done markers,
/// and every key that is not ours.
fn live(store: &MemoryStore, now: u64) -> (Vec<String>, Vec<String>, Vec<(String, String)>) {
    let index = Index::load(store).unwrap_or_default();
    let pending = index.entries().filter(|e| now < e.expires_ms).map(|e| e.state.to_owned()).collect();
    let done = index.markers().filter(|e| now < e.expires_ms).map(|e| e.state.to_owned()).collect();
    let foreign =
        store.items.iter().filter(|(k, _)| k.as_str() != INDEX_KEY).map(|(k, v)| (k.clone(), v.clone())).collect();
    (pending, done, foreign)
}

/// A kind of outcome and how to recognise its expectation.
type Kind<'a> = (&'a str, &'a dyn Fn(&Value) -> bool);

/// Every callback error code and every kind of outcome has vectors, so none can lose
/// them unnoticed.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn callback_vectors_cover_every_code_and_outcome() {
    let expects: Vec<Value> = cases()
        .iter()
        .flat_map(|c| c["calls"].as_array().cloned().unwrap_or_default())
        .map(|call| call["expect"].clone())
        .collect();
    let mut missing = Vec::new();
    for code in CALLBACK_CODES {
        if !expects.iter().any(|e| e["throws"] == code) {
            missing.push(format!("no case throws {code}"));
        }
    }
    let has = |f: &dyn Fn(&Value) -> bool| expects.iter().any(f);
    let kinds: [Kind; 8] = [
        ("null", &|e| e.is_null()),
        ("tink code", &|e| e["ok"] == true && e["provider"] == "tink" && e["code"].is_string()),
        ("tink credentials_id", &|e| e["ok"] == true && e["credentialsId"].is_string()),
        ("flinks code", &|e| e["ok"] == true && e["provider"] == "flinks" && e["code"].is_string()),
        ("flinks-v3 loginId", &|e| e["ok"] == true && e["loginId"].is_string()),
        ("oauth2 code", &|e| e["ok"] == true && e["provider"] == "oauth2" && e["code"].is_string()),
        ("provider error", &|e| e["ok"] == false && e["provider"] != "tink"),
        ("tink silent denial", &|e| e["ok"] == false && e["params"] == json!([])),
    ];
    for (kind, f) in kinds {
        if !has(f) {
            missing.push(format!("no case expects {kind}"));
        }
    }
    for status in ["USER_CANCELLED", "BAD_REQUEST", "INTERNAL_ERROR", "TEMPORARY_ERROR"] {
        if !has(&|e| e["provider"] == "tink" && e["params"].to_string().contains(&format!("[\"error\",\"{status}\"]")))
        {
            missing.push(format!("no case maps Tink's {status}"));
        }
    }
    assert!(missing.is_empty(), "callback.json coverage:\n  {}", missing.join("\n  "));
}

/// In a browser, the engine's own URL parser against the url crate's, for every href
/// of the vectors: any disagreement fails (the shipped build parses with the browser, the
/// native build and Rust users with the url crate; they must read a callback alike).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
fn callback_vectors_browser_url_parsing() {
    let mut seen = std::collections::BTreeSet::new();
    let mut disagreements = Vec::new();
    let mut compared = 0;
    for c in cases() {
        // A case that fails here fails its own test too; this one may not skip it either.
        let hrefs = run_case(&c).unwrap_or_else(|e| panic!("{}: {e}", c["name"]));
        for href in hrefs {
            if !seen.insert(href.clone()) {
                continue;
            }
            compared += 1;
            let ours = url::Url::parse(&href);
            let theirs = web_sys::Url::new(&href);
            let shown = if href.len() > 120 {
                format!("{}… ({} bytes)", href.chars().take(100).collect::<String>(), href.len())
            } else {
                href.clone()
            };
            match (ours, theirs) {
                (Err(_), Err(_)) => {}
                (Ok(u), Err(_)) => {
                    disagreements.push(format!("{}: {shown:?}: url crate parses ({u}), browser throws", c["name"]))
                }
                (Err(e), Ok(b)) => disagreements.push(format!(
                    "{}: {shown:?}: url crate fails ({e}), browser parses ({})",
                    c["name"],
                    b.href()
                )),
                (Ok(u), Ok(b)) => {
                    // WHATWG `search`/`hash` are "" for an absent or empty component.
                    let search = u.query().filter(|q| !q.is_empty()).map_or(String::new(), |q| format!("?{q}"));
                    let hash = u.fragment().filter(|f| !f.is_empty()).map_or(String::new(), |f| format!("#{f}"));
                    for (what, crate_v, browser_v) in
                        [("search", search, b.search()), ("hash", hash, b.hash()), ("href", u.to_string(), b.href())]
                    {
                        if crate_v != browser_v {
                            disagreements.push(format!(
                                "{}: {shown:?}: {what}: url crate {crate_v:?}, browser {browser_v:?}",
                                c["name"]
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "callback vectors: {} URL parsing disagreement(s) over {compared} hrefs:\n  {}",
        disagreements.len(),
        disagreements.join("\n  ")
    );
    wasm_bindgen_test::console_log!("callback vectors: the browser and the url crate agree on all {compared} hrefs");
}
