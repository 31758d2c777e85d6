//! Shared by the JSON-vector runners (tests/vectors.rs, tests/callback_vectors.rs): the
//! case list with unique names, and the `$repeat` / `$concat` / `$seq` expansions that keep
//! long or repetitive inputs readable in the JSON.

use bank_link::core::config::ConfigValue;
use serde_json::{Map, Value};

/// A JSON value as the boundary would hand it to the core (`null` = not given).
pub fn to_value(v: &Value) -> ConfigValue {
    match v {
        Value::Null => ConfigValue::Absent,
        Value::Bool(b) => ConfigValue::Bool(*b),
        Value::Number(n) => ConfigValue::Number(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => ConfigValue::String(s.clone()),
        Value::Array(a) => ConfigValue::List(a.iter().map(to_value).collect()),
        Value::Object(m) => ConfigValue::Map(m.iter().map(|(k, v)| (k.clone(), to_value(v))).collect()),
    }
}

/// A JSON config object as the boundary reads a JS one: `appState` as JSON text, the
/// string `"<AbortSignal>"` as the signal handle, `"<function>"` as the `onEvent` handle,
/// everything else by [`to_value`].
pub fn to_entries(m: &Map<String, Value>) -> Vec<(String, ConfigValue)> {
    m.iter()
        .map(|(k, v)| {
            let value = match (k.as_str(), v) {
                ("appState", v) => ConfigValue::Json(v.to_string()),
                ("signal", Value::String(s)) if s == "<AbortSignal>" => ConfigValue::Handle,
                ("onEvent", Value::String(s)) if s == "<function>" => ConfigValue::Handle,
                _ => to_value(v),
            };
            (k.clone(), value)
        })
        .collect()
}

/// The cases of a vector file: an array of objects, each with a unique `name`.
pub fn cases(text: &str, file: &str) -> Vec<Map<String, Value>> {
    let all: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{file}: invalid JSON: {e}"));
    let Value::Array(items) = all else { panic!("{file}: top level must be an array") };
    let mut names = std::collections::BTreeSet::new();
    items
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let Value::Object(c) = c else { panic!("{file}: case {i} is not an object") };
            let name = c.get("name").and_then(Value::as_str).unwrap_or_else(|| panic!("{file}: case {i} has no name"));
            assert!(names.insert(name.to_owned()), "{file}: duplicate case name {name:?}");
            c
        })
        .collect()
}

/// `{"$repeat": [s, n]}` → `s` n times; `{"$seq": [t, n]}` → `t` n times with `{i}` = 0..n;
/// `{"$concat": [a, b, ...]}` → the concatenation of its (expanded) strings.
pub fn expand(v: &Value) -> Result<Value, String> {
    let single = |m: &Map<String, Value>, k: &str| m.len() == 1 && m.contains_key(k);
    Ok(match v {
        Value::Object(m) if single(m, "$repeat") => match &m["$repeat"] {
            Value::Array(a) if a.len() == 2 && a[0].is_string() && a[1].is_u64() => {
                Value::String(a[0].as_str().unwrap_or_default().repeat(a[1].as_u64().unwrap_or(0) as usize))
            }
            other => return Err(format!("bad $repeat {other}")),
        },
        Value::Object(m) if single(m, "$seq") => match &m["$seq"] {
            Value::Array(a) if a.len() == 2 && a[0].is_string() && a[1].is_u64() => {
                let t = a[0].as_str().unwrap_or_default();
                Value::String((0..a[1].as_u64().unwrap_or(0)).map(|i| t.replace("{i}", &i.to_string())).collect())
            }
            other => return Err(format!("bad $seq {other}")),
        },
        Value::Object(m) if single(m, "$concat") => {
            let Value::Array(parts) = &m["$concat"] else { return Err("bad $concat".into()) };
            let mut s = String::new();
            for p in parts {
                match expand(p)? {
                    Value::String(p) => s.push_str(&p),
                    other => return Err(format!("$concat part is not a string: {other}")),
                }
            }
            Value::String(s)
        }
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| Ok((k.clone(), expand(v)?))).collect::<Result<_, String>>()?)
        }
        Value::Array(a) => Value::Array(a.iter().map(expand).collect::<Result<_, _>>()?),
        other => other.clone(),
    })
}
