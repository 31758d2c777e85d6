//! Small helpers: percent-encoding, form decoding, HTML/JSON escaping, random values.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Escapes the five characters that matter in HTML text and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A JSON string literal, quotes included.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // `<` too, so a JSON body can never be sniffed into markup.
            c if (c as u32) < 0x20 || c == '<' || c == '>' || c == '&' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Percent-encodes everything except RFC 3986 unreserved characters, so a space becomes
/// `%20` (never `+`) and `&`, `=`, `#`, `?` can never break out of a query value.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` sequences (and `+` as a space when `plus_is_space`). Malformed escapes
/// and results that are not UTF-8 are errors.
pub fn percent_decode(s: &str, plus_is_space: bool) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_val);
                let lo = bytes.get(i + 2).copied().and_then(hex_val);
                match (hi, lo) {
                    (Some(h), Some(l)) => out.push(h << 4 | l),
                    _ => return Err(format!("malformed percent-encoding in {s:?}")),
                }
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| "percent-decoded value is not UTF-8".to_string())
}

/// Parses an `application/x-www-form-urlencoded` string (a query or a form body) into
/// name/value pairs, in order, duplicates kept.
pub fn parse_form(s: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for part in s.split('&') {
        if part.is_empty() {
            continue;
        }
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        out.push((percent_decode(k, true)?, percent_decode(v, true)?));
    }
    Ok(out)
}

/// Serializes name/value pairs as a query string with [`percent_encode`].
pub fn encode_form(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v))).collect::<Vec<_>>().join("&")
}

/// Appends query parameters to `uri`: `?` when it has no query yet, `&` when it has one
/// (nothing extra when it already ends in `?` or `&`). With no parameters the URI comes
/// back byte for byte.
pub fn append_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return uri.to_string();
    }
    let mut out = uri.to_string();
    if !out.contains('?') {
        out.push('?');
    } else if !(out.ends_with('?') || out.ends_with('&')) {
        out.push('&');
    }
    out.push_str(&encode_form(pairs));
    out
}

// Random values for authorization codes and login ids. NOT cryptographic: this is a mock,
// so SplitMix64 over the clock and a process-wide counter is plenty to make values unique
// and unguessable enough for tests. A real provider must use a CSPRNG.
static COUNTER: AtomicU64 = AtomicU64::new(0);

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub fn random_u64() -> u64 {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
    let stack_addr = &n as *const u64 as u64; // a little per-thread/per-run variation
    splitmix64(splitmix64(t ^ n.wrapping_mul(0xD6E8_FEB8_6659_FD93)) ^ stack_addr)
}

/// `len` lowercase hex digits.
pub fn random_hex(len: usize) -> String {
    let mut s = String::with_capacity(len + 16);
    while s.len() < len {
        s.push_str(&format!("{:016x}", random_u64()));
    }
    s.truncate(len);
    s
}

/// A UUID-shaped value (version 4 layout): `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.
pub fn random_uuid() -> String {
    let (a, b) = (random_u64(), random_u64());
    let hi = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let lo = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xFFFF,
        hi & 0xFFFF,
        lo >> 48,
        lo & 0xFFFF_FFFF_FFFF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode() {
        assert_eq!(percent_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(percent_decode("a+b%20c", true).unwrap(), "a b c");
        assert_eq!(percent_decode("a+b", false).unwrap(), "a+b");
        assert!(percent_decode("%zz", true).is_err());
        assert!(percent_decode("%4", true).is_err());
        assert!(percent_decode("%ff", true).is_err());
    }

    #[test]
    fn append() {
        assert_eq!(append_query("https://x/cb", &[("a", "1 2")]), "https://x/cb?a=1%202");
        assert_eq!(append_query("https://x/cb?z=9", &[("a", "1")]), "https://x/cb?z=9&a=1");
        assert_eq!(append_query("https://x/cb?", &[("a", "1")]), "https://x/cb?a=1");
        assert_eq!(append_query("https://x/cb?z=9&", &[("a", "1")]), "https://x/cb?z=9&a=1");
        assert_eq!(append_query("https://x/cb?z=%41", &[]), "https://x/cb?z=%41");
    }

    #[test]
    fn uuid_shape() {
        let u = random_uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(random_uuid(), u);
        assert_eq!(random_hex(25).len(), 25);
    }

    #[test]
    fn escapes() {
        assert_eq!(html_escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(json_string("a\"b\\<"), r#""a\"b\\\u003c""#);
    }
}
