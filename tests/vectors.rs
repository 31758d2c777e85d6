//! Data-driven tests: `tests/vectors/config.json` (every config rule of docs/api.md, accepted
//! and rejected) and `tests/vectors/authorize.json` (exact authorize URLs and pending
//! records, computed by hand from the provider documents). The same file runs natively
//! (`cargo test --test vectors`) and in browsers (wasm-bindgen-test); the vectors are
//! compiled in with `include_str!` so no file system is needed.
//!
//! JSON → `ConfigValue`: null → Absent, bool → Bool, number → Number, string → String,
//! array → List, object → Map; except the top-level `appState`, whose value becomes
//! `Json(serde_json::to_string(value))` (as `JSON.stringify` would, `null` included), and a
//! top-level `signal` whose value is `"<AbortSignal>"`, which becomes `Handle`.
//! Before mapping, `{"$repeat": [s, n]}` expands to `s` repeated `n` times and
//! `{"$concat": [a, b, ...]}` to the concatenation of its (expanded) strings.
//!
//! serde_json is built without `preserve_order`, so object keys reach the core sorted;
//! vectors whose outcome depends on key order (extraParams in a URL) list keys sorted.

mod common;
use common::json::{cases, expand};
use common::{each_parser, parser};

use bank_link::core::authorize::{begin, build_authorization};
use bank_link::core::callback::{ambiguous, ambiguous_uris, first_ambiguous};
use bank_link::core::config::{fields_for, validate, ConfigValue, ValidatedConfig};
use bank_link::core::entropy::{Seed, SEED_BYTES};
use bank_link::core::pending::PendingFlow;
use bank_link::core::provider::Provider;
use bank_link::core::store::{Index, MemoryStore};
use serde_json::{json, Map, Value};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const CONFIG_VECTORS: &str = include_str!("vectors/config.json");
const AUTHORIZE_VECTORS: &str = include_str!("vectors/authorize.json");
const AMBIGUITY_VECTORS: &str = include_str!("vectors/ambiguity.json");

const PROVIDERS: [&str; 4] = ["tink", "flinks", "flinks-v3", "oauth2"];

fn to_entries(config: &Value) -> Result<Vec<(String, ConfigValue)>, String> {
    let Value::Object(m) = expand(config)? else { return Err("config is not an object".into()) };
    Ok(common::json::to_entries(&m))
}

/// The validated config under the caller's names, for `expect`.
fn summary(c: &ValidatedConfig) -> Value {
    json!({
        "provider": c.provider().as_str(),
        "authorizeUrl": c.authorize_url().href(),
        "clientId": c.client_id(),
        "redirectUri": c.redirect_uri(),
        "scope": c.scope(),
        "providerId": c.provider_id(),
        "correlationId": c.correlation_id(),
        "institutionId": c.institution_id(),
        "tag": c.tag(),
        "recipientId": c.recipient_id(),
        "lang": c.lang(),
        "mode": c.mode().as_str(),
        "navigate": c.navigate(),
        "popup": { "width": c.popup().width, "height": c.popup().height, "timeoutMs": c.popup().timeout_ms },
        "pkce": c.pkce(),
        "extraParams": c.extra_params().iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
        "appState": c.app_state(),
        "ttlSeconds": c.ttl_seconds(),
        "storage": c.storage().as_str(),
        "issuer": c.issuer(),
    })
}

fn pending_summary(p: &PendingFlow) -> Value {
    json!({
        "provider": p.provider().as_str(),
        "redirect_uri": p.redirect_uri(),
        "created_ms": p.created_ms(),
        "expires_ms": p.expires_ms(),
        "mode": p.mode().as_str(),
        "code_verifier": p.code_verifier(),
        "app_state": p.app_state(),
        "issuer": p.issuer(),
    })
}

fn origin(c: &Map<String, Value>) -> Result<&str, String> {
    c.get("origin").and_then(Value::as_str).ok_or_else(|| "missing \"origin\"".to_owned())
}

fn strings(v: Option<&Value>) -> Result<Vec<String>, String> {
    match v {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(a)) => a.iter().map(|s| s.as_str().map(str::to_owned).ok_or("not a string".into())).collect(),
        Some(other) => Err(format!("expected a string or an array of strings, got {other}")),
    }
}

fn run_config_case(c: &Map<String, Value>) -> Result<(), String> {
    const KEYS: [&str; 9] =
        ["name", "note", "origin", "config", "ok", "error", "expect", "messageExcludes", "messageIncludes"];
    if let Some(k) = c.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!("unknown case key {k:?}"));
    }
    let entries = to_entries(c.get("config").ok_or("missing \"config\"")?)?;
    let result = validate(&entries, origin(c)?, parser());
    let excludes = strings(c.get("messageExcludes"))?;
    let includes = strings(c.get("messageIncludes"))?;
    match (c.get("ok"), c.get("error"), result) {
        (Some(Value::Bool(true)), None, Ok(cfg)) => {
            if !excludes.is_empty() || !includes.is_empty() {
                return Err("messageExcludes/messageIncludes on an ok case".into());
            }
            let Some(expect) = c.get("expect") else { return Ok(()) };
            let Value::Object(expect) = expect else { return Err("\"expect\" must be an object".into()) };
            let got = summary(&cfg);
            for (k, want) in expect {
                match got.get(k) {
                    None => return Err(format!("expect: unknown key {k:?}")),
                    Some(g) if g != want => return Err(format!("{k}: expected {want}, got {g}")),
                    Some(_) => {}
                }
            }
            Ok(())
        }
        (Some(Value::Bool(true)), None, Err(e)) => Err(format!("expected ok, got error {e}")),
        (None, Some(Value::Object(want)), Ok(cfg)) => {
            Err(format!("expected error {}, got ok: {}", Value::Object(want.clone()), summary(&cfg)))
        }
        (None, Some(Value::Object(want)), Err(e)) => {
            if c.contains_key("expect") {
                return Err("\"expect\" on an error case".into());
            }
            if let Some(k) = want.keys().find(|k| !["code", "field"].contains(&k.as_str())) {
                return Err(format!("unknown error key {k:?}"));
            }
            let code = want.get("code").and_then(Value::as_str).ok_or("error.code missing")?;
            let field = match want.get("field") {
                None | Some(Value::Null) => None,
                Some(Value::String(f)) => Some(f.as_str()),
                Some(other) => return Err(format!("error.field must be a string, got {other}")),
            };
            if e.code.as_str() != code || e.field.as_deref() != field {
                return Err(format!(
                    "expected {code} on {field:?}, got {} on {:?}: {}",
                    e.code.as_str(),
                    e.field,
                    e.message
                ));
            }
            let shown = format!("{e} {}", e.message);
            for s in &excludes {
                if shown.contains(s.as_str()) {
                    return Err(format!("message repeats {s:?}: {shown}"));
                }
            }
            for s in &includes {
                if !e.message.contains(s.as_str()) {
                    return Err(format!("message lacks {s:?}: {}", e.message));
                }
            }
            if e.message.trim().is_empty() {
                return Err("empty message".into());
            }
            Ok(())
        }
        _ => Err("a case needs exactly one of \"ok\": true or \"error\": {...}".into()),
    }
}

fn seed(c: &Map<String, Value>) -> Result<Seed, String> {
    match (c.get("seedByte"), c.get("seed")) {
        (Some(b), None) => {
            let b = b.as_u64().filter(|b| *b <= 255).ok_or("seedByte must be 0..=255")?;
            Ok(Seed([b as u8; SEED_BYTES]))
        }
        (None, Some(Value::Array(bytes))) if bytes.len() == SEED_BYTES => {
            let mut s = [0u8; SEED_BYTES];
            for (i, b) in bytes.iter().enumerate() {
                s[i] = b.as_u64().filter(|b| *b <= 255).ok_or("seed bytes must be 0..=255")? as u8;
            }
            Ok(Seed(s))
        }
        _ => Err(format!("give either \"seedByte\" or \"seed\" ({SEED_BYTES} bytes)")),
    }
}

fn run_authorize_case(c: &Map<String, Value>) -> Result<(), String> {
    const KEYS: [&str; 10] = ["name", "note", "origin", "config", "seedByte", "seed", "now", "url", "state", "pending"];
    if let Some(k) = c.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!("unknown case key {k:?}"));
    }
    let entries = to_entries(c.get("config").ok_or("missing \"config\"")?)?;
    let cfg = validate(&entries, origin(c)?, parser()).map_err(|e| format!("config rejected: {e}"))?;
    let now = c.get("now").and_then(Value::as_u64).ok_or("\"now\" must be a whole number of ms")?;
    let auth = build_authorization(&cfg, &seed(c)?, now);
    let mut problems = Vec::new();
    let want_url = c.get("url").and_then(Value::as_str).ok_or("missing \"url\"")?;
    if auth.url != want_url {
        problems.push(format!("url:\n      expected {want_url}\n      got      {}", auth.url));
    }
    let want_state = c.get("state").and_then(Value::as_str).ok_or("missing \"state\"")?;
    if auth.state != want_state {
        problems.push(format!("state: expected {want_state}, got {}", auth.state));
    }
    let want_pending = c.get("pending").ok_or("missing \"pending\"")?;
    let got_pending = pending_summary(&auth.pending);
    if *want_pending != got_pending {
        problems.push(format!("pending:\n      expected {want_pending}\n      got      {got_pending}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n    "))
    }
}

fn run_all(file: &str, cases: &[Map<String, Value>], run: fn(&Map<String, Value>) -> Result<(), String>) {
    let failures: Vec<String> =
        cases.iter().filter_map(|c| run(c).err().map(|e| format!("  {}: {e}", c["name"].as_str().unwrap()))).collect();
    assert!(
        failures.is_empty(),
        "{file}: {} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn config_vectors() {
    let cases = cases(CONFIG_VECTORS, "config.json");
    assert!(cases.len() >= 400, "config.json: only {} cases", cases.len());
    each_parser(|name| {
        run_all(&format!("config.json with {name}"), &cases, run_config_case);
        // The hostile half of the catalogue: every config that must be refused. Refused
        // (none accepted), and no refusal repeats a value given under a secret's name.
        let (mut n, mut accepted, mut leaked) = (0, 0, 0);
        for c in cases.iter().filter(|c| c.contains_key("error")) {
            n += 1;
            let Ok(entries) = to_entries(&c["config"]) else { continue };
            match validate(&entries, origin(c).unwrap_or("https://app.example"), parser()) {
                Ok(_) => accepted += 1,
                Err(e) => {
                    let shown = format!("{} {}", e.field.as_deref().unwrap_or(""), e.message);
                    leaked += usize::from(secret_values(&c["config"]).iter().any(|v| shown.contains(v.as_str())));
                }
            }
        }
        common::report_hostile(n, accepted, leaked, &format!("config.json, {name}"));
    });
}

/// String values (at any depth) under keys that name a secret.
fn secret_values(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Value::Object(m) = v {
        for (k, v) in m {
            let k = k.to_ascii_lowercase();
            match v {
                Value::String(s) if s.len() >= 4 && ["secret", "password", "key"].iter().any(|w| k.contains(w)) => {
                    out.push(s.clone())
                }
                other => out.extend(secret_values(other)),
            }
        }
    }
    out
}

/// Every provider and every config field is both accepted and rejected somewhere, so a
/// rule cannot lose its vectors unnoticed.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn config_vectors_cover_every_provider_and_field() {
    let cases = cases(CONFIG_VECTORS, "config.json");
    let provider = |c: &Map<String, Value>| c["config"].get("provider").and_then(Value::as_str).map(str::to_owned);
    let mut missing = Vec::new();
    for p in PROVIDERS {
        let of_p: Vec<_> = cases.iter().filter(|c| provider(c).as_deref() == Some(p)).collect();
        if of_p.iter().filter(|c| c.contains_key("ok")).count() < 5 {
            missing.push(format!("fewer than 5 accepted configs for {p}"));
        }
        if of_p.iter().filter(|c| c.contains_key("error")).count() < 20 {
            missing.push(format!("fewer than 20 rejected configs for {p}"));
        }
    }
    // Every field some provider reads (the list tests/surface.rs holds to the .d.ts): each
    // must be accepted in some vector and named by the error of another.
    let mut fields: Vec<&str> = Provider::ALL.into_iter().flat_map(fields_for).collect();
    fields.sort_unstable();
    fields.dedup();
    assert_eq!(fields.len(), 23, "{fields:?}");
    for f in fields {
        let accepted = cases.iter().any(|c| c.contains_key("ok") && c["config"].get(f).is_some_and(|v| !v.is_null()));
        let rejected = cases.iter().any(|c| {
            c.get("error")
                .and_then(|e| e.get("field"))
                .and_then(Value::as_str)
                .is_some_and(|x| x == f || x.starts_with(&format!("{f}.")))
        });
        if !accepted {
            missing.push(format!("no accepted config sets {f}"));
        }
        if !rejected {
            missing.push(format!("no rejected config names {f}"));
        }
    }
    assert!(missing.is_empty(), "config.json coverage:\n  {}", missing.join("\n  "));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn authorize_vectors() {
    let cases = cases(AUTHORIZE_VECTORS, "authorize.json");
    assert!(cases.len() >= 15, "authorize.json: only {} cases", cases.len());
    for p in PROVIDERS {
        let n = cases.iter().filter(|c| c["config"].get("provider").and_then(Value::as_str) == Some(p)).count();
        assert!(n >= 3, "authorize.json: only {n} cases for {p}");
    }
    each_parser(|name| run_all(&format!("authorize.json with {name}"), &cases, run_authorize_case));
}

/// An oauth2 start at `redirect_uri`, on the page of its own origin (as the parser reads it).
fn start_at(store: &mut MemoryStore, redirect_uri: &str, now: u64) -> Result<(), bank_link::core::error::AuthError> {
    let origin = parser().parse(redirect_uri).map(|u| u.origin().to_owned()).unwrap_or_default();
    let entries = to_entries(&json!({
        "provider": "oauth2", "authorizeUrl": "https://as.example/authorize", "clientId": "c",
        "redirectUri": redirect_uri, "ttlSeconds": 60,
    }))
    .map_err(|e| bank_link::core::error::AuthError::config("test", e))?;
    let cfg = validate(&entries, &origin, parser())?;
    begin(&cfg, &Seed([u8::try_from(now % 251).unwrap_or(0); SEED_BYTES]), now, store).map(|_| ())
}

/// `tests/vectors/ambiguity.json`: pairs of redirect URIs, one pending and one started.
/// The pure rule both ways round, as written (`ambiguous`: what a start compares) and as
/// the parser reads them (`asParsed`, the same unless given); then the start itself:
/// refused on `redirectUri`, saying why and what to do, with nothing written, or kept
/// beside the pending flow; and once that flow expired, every start is kept.
fn run_ambiguity_case(c: &Map<String, Value>) -> Result<(), String> {
    const KEYS: [&str; 6] = ["name", "note", "pending", "start", "ambiguous", "asParsed"];
    if let Some(k) = c.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!("unknown case key {k:?}"));
    }
    let text = |k: &str| c.get(k).and_then(Value::as_str).ok_or(format!("missing {k:?}"));
    let (pending, start) = (text("pending")?, text("start")?);
    let want = c.get("ambiguous").and_then(Value::as_bool).ok_or("missing \"ambiguous\"")?;
    let parsed = c.get("asParsed").map_or(Some(want), Value::as_bool).ok_or("\"asParsed\" is no boolean")?;
    if ambiguous(pending, start) != want || ambiguous(start, pending) != want {
        return Err(format!("ambiguous as written: expected {want} both ways round"));
    }
    if ambiguous_uris(pending, start, parser()) != parsed || ambiguous_uris(start, pending, parser()) != parsed {
        return Err(format!("ambiguous as parsed: expected {parsed} both ways round"));
    }
    if first_ambiguous(start, ["https://elsewhere.example/x", pending], parser()) != parsed.then_some(pending) {
        return Err(format!("first_ambiguous: expected {parsed}"));
    }
    const NOW: u64 = 1_700_000_000_000;
    let mut store = MemoryStore::default();
    start_at(&mut store, pending, NOW).map_err(|e| format!("the pending start was refused: {e}"))?;
    let pending_count =
        |store: &MemoryStore| Index::parse(store.items.get("bank-link").map_or("", String::as_str)).entries().count();
    match (start_at(&mut store, start, NOW + 1), want) {
        (Err(e), true) => {
            if e.code.as_str() != "invalid_config" || e.field.as_deref() != Some("redirectUri") {
                return Err(format!("expected invalid_config on redirectUri, got {e}"));
            }
            if !["ambiguous", "finish that flow", "distinct queries"].iter().all(|w| e.message.contains(w)) {
                return Err(format!("the message does not say why and what to do: {}", e.message));
            }
            if pending_count(&store) != 1 {
                return Err("a refused start left a record behind".into());
            }
        }
        (Ok(()), false) => {
            if pending_count(&store) != 2 {
                return Err("an accepted start did not keep both flows".into());
            }
        }
        (got, _) => return Err(format!("expected ambiguous: {want}, the start gave {got:?}")),
    }
    // Expired flows no longer pend: nothing to be ambiguous with.
    let mut store = MemoryStore::default();
    start_at(&mut store, pending, NOW).map_err(|e| e.to_string())?;
    start_at(&mut store, start, NOW + 60_000).map_err(|e| format!("after the first flow expired: {e}"))
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn ambiguity_vectors() {
    let cases = cases(AMBIGUITY_VECTORS, "ambiguity.json");
    let refused = cases.iter().filter(|c| c["ambiguous"] == Value::Bool(true)).count();
    assert!(refused >= 5 && cases.len() - refused >= 10, "ambiguity.json: too few cases of a kind");
    each_parser(|name| run_all(&format!("ambiguity.json with {name}"), &cases, run_ambiguity_case));
}
