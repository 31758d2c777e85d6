// Used whole by tests/surface.rs and in part by tests/web.rs.
#![allow(dead_code)]

//! Just enough of a reader of `js/index.d.ts` to hold it to the Rust side (the surface
//! tests): string-literal unions, interface members and the result union's members.
//! Comments are dropped first, so a word in a comment can never count.

pub const DTS: &str = include_str!("../../js/index.d.ts");

/// The declarations without `/* */` and `//` comments.
pub fn code() -> String {
    let mut out = String::new();
    let mut rest = DTS;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        rest = rest[i..].find("*/").map_or("", |j| &rest[i + j + 2..]);
    }
    out.push_str(rest);
    out.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// The text from `start` to the first `end` after it.
fn between<'a>(code: &'a str, start: &str, end: &str) -> &'a str {
    let i = code.find(start).unwrap_or_else(|| panic!("{start:?} not in the .d.ts")) + start.len();
    let j = code[i..].find(end).unwrap_or_else(|| panic!("no {end:?} after {start:?}"));
    &code[i..i + j]
}

/// The quoted strings of `export type NAME = "a" | "b" ...;`, sorted.
pub fn string_union(name: &str) -> Vec<String> {
    let code = code();
    let body = between(&code, &format!("export type {name} ="), ";");
    let mut out: Vec<String> = body.split('"').skip(1).step_by(2).map(str::to_owned).collect();
    out.sort();
    out
}

/// Member names of a `{ ... }` body at its top level.
fn members(body: &str) -> Vec<String> {
    let mut depth = 0;
    let mut names = Vec::new();
    let mut token = String::new();
    for c in body.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ':' if depth == 0 => {
                let name = token.trim().trim_end_matches('?').trim().to_owned();
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    names.push(name);
                }
                token.clear();
                continue;
            }
            ';' | ',' | '\n' if depth == 0 => {
                token.clear();
                continue;
            }
            _ => {}
        }
        if depth == 0 {
            token.push(c);
        } else {
            token.clear();
        }
    }
    names
}

/// The members of `interface NAME ... { ... }` and of the interfaces it extends, sorted.
pub fn interface_fields(name: &str) -> Vec<String> {
    let code = code();
    let head = between(&code, &format!("interface {name} "), "{");
    let body = between(&code, &format!("interface {name} {head}{{"), "\n}");
    let mut out = members(body);
    if let Some(parent) = head.trim().strip_prefix("extends ") {
        out.extend(interface_fields(parent.trim()));
    }
    out.sort();
    out
}

/// The members of the `AuthorizationResult` union: (success, failure), sorted.
pub fn result_fields() -> (Vec<String>, Vec<String>) {
    let code = code();
    let body = between(&code, "export type AuthorizationResult =", "};\n");
    let parts: Vec<&str> = body.split("| {").filter(|p| p.contains("ok:")).collect();
    assert_eq!(parts.len(), 2, "the result union has a success and a failure member");
    let sorted = |p: &str| {
        let mut m = members(p);
        m.sort();
        m
    };
    let (a, b) = (sorted(parts[0]), sorted(parts[1]));
    if parts[0].contains("ok: true") {
        (a, b)
    } else {
        (b, a)
    }
}
