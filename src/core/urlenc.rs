//! application/x-www-form-urlencoded, written out by hand: the authorize URL's query,
//! the callback's parameters and the pending record all use it, and hand-written code is a
//! few hundred bytes of wasm where a crate's generic decoder is kilobytes.

use super::error::AuthError;

/// docs/api.md: one callback value may hold at most this many bytes.
pub const MAX_VALUE: usize = 2 * 1024;

/// RFC 3986 unreserved characters stay as they are; everything else is escaped, so a
/// value round-trips through any form or percent decoder identically. Appended to `out`:
/// every caller is building a longer text (no `String` of its own to allocate and drop).
#[allow(clippy::indexing_slicing, reason = "nibbles index a 16-entry table")]
pub fn push_encoded(out: &mut String, s: &str) {
    // Runs of unreserved characters are copied whole: a `String::push` per character
    // stays a call per byte at opt-level "z", and this runs over every record and
    // authorize URL. A run holds only ASCII, so both its ends are character boundaries,
    // and an escaped byte in the middle of a character leaves an empty run (`get` gives
    // `None`): no `Vec<u8>` checked as UTF-8 at the end.
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')) {
            out.push_str(s.get(start..i).unwrap_or_default());
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
            start = i + 1;
        }
    }
    out.push_str(s.get(start..).unwrap_or_default());
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The value of a hex digit, `None` for anything else or for no byte at all (a `%` at
/// the end): one call per digit, without an `Option::and_then` of its own in the wasm.
fn hex(b: Option<&u8>) -> Option<u8> {
    let b = *b?;
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `+` and `%XX`. Strict: a `%` not followed by two hex digits, or bytes that are
/// not UTF-8, are `None` (never replaced by U+FFFD, which would let two different inputs
/// decode to the same value).
#[allow(clippy::indexing_slicing, reason = "the loop reads bytes[i] only while i < len")]
fn decode(raw: &str, strict: bool) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ if strict => return None,
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    utf8(&out)
}

/// `bytes` as text when they are UTF-8 (RFC 3629: no overlong form, no surrogate, nothing
/// above U+10FFFF), else `None`. Decoded here rather than by `String::from_utf8`: std's
/// validator is written for long text, a word at a time, and is the larger code; each
/// character is checked by `char::from_u32`, so a `String` only ever holds valid text
/// (tests compare this with std's over every sequence of up to three bytes).
fn utf8(bytes: &[u8]) -> Option<String> {
    let mut text = String::with_capacity(bytes.len());
    let mut rest = bytes.iter();
    while let Some(&b) = rest.next() {
        // The lead byte: how many continuation bytes follow, its bits, and the least code
        // point that many bytes may write (less is an overlong form).
        let (more, mut c, least) = match b {
            0x00..=0x7F => (0, u32::from(b), 0),
            0xC2..=0xDF => (1, u32::from(b & 0x1F), 0),
            0xE0..=0xEF => (2, u32::from(b & 0x0F), 0x800),
            0xF0..=0xF4 => (3, u32::from(b & 0x07), 0x1_0000),
            _ => return None,
        };
        for _ in 0..more {
            let next = rest.next()?;
            if next & 0xC0 != 0x80 {
                return None;
            }
            c = c << 6 | u32::from(next & 0x3F);
        }
        if c < least {
            return None;
        }
        text.push(char::from_u32(c)?);
    }
    Some(text)
}

/// Strict decoding of one name or value; see `decode`.
pub fn decode_component(raw: &str) -> Result<String, AuthError> {
    decode_strict(raw)
        .ok_or_else(|| AuthError::malformed("a callback parameter has an invalid percent-escape or is not UTF-8"))
}

/// [`decode_component`] without its error, for readers that only need to know it failed
/// (a stored record): an error built only to be dropped is its message and its drop code.
pub fn decode_strict(raw: &str) -> Option<String> {
    decode(raw, true)
}

/// Lenient decoding: a `%` without two hex digits stays as it is. For recognising names
/// (which are ASCII: bytes that are not UTF-8 can never spell one, so they give `None`)
/// and reading a state to relay, never for values we act on.
pub fn decode_lenient(raw: &str) -> Option<String> {
    decode(raw, false)
}

/// The name of each `&`-separated segment that decodes.
pub fn names(raw: &str) -> impl Iterator<Item = String> + '_ {
    pieces(raw, b'&').filter(|s| !s.is_empty()).filter_map(|seg| decode_lenient(cut(seg, b'=').map_or(seg, |(n, _)| n)))
}

/// Splits `a=1&b=2` into strictly decoded pairs, refusing duplicates of a decoded name
/// (`state=A&%73tate=A` is a duplicate) and values over `max_value` bytes.
pub fn parse_pairs(raw: &str, max_value: usize) -> Result<Vec<(String, String)>, AuthError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for segment in pieces(raw, b'&').filter(|s| !s.is_empty()) {
        let (name, value) = cut(segment, b'=').unwrap_or((segment, ""));
        let name = decode_component(name)?;
        let value = decode_component(value)?;
        if value.len() > max_value {
            return Err(AuthError::malformed("a callback value is longer than 2048 bytes"));
        }
        if out.iter().any(|(k, _)| *k == name) {
            return Err(AuthError::malformed("a callback parameter appears more than once"));
        }
        out.push((name, value));
    }
    Ok(out)
}

/// Decimal digits of `n`: `u64::to_string` would bring `core::fmt` into the wasm.
pub fn decimal(n: u64) -> String {
    let mut out = String::new();
    push_decimal(&mut out, n);
    out
}

/// Appends `n` in decimal to `out`, with no `String` of its own (the index writes two
/// per pending flow and one per `done` marker on every call).
pub fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        if let Some(d) = digits.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    for &d in digits.get(i..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

/// `s` cut at every `sep` (an ASCII byte): `str::split(char)` without linking the char
/// searcher and its `memchr` (docs/performance.md).
pub fn pieces(s: &str, sep: u8) -> Pieces<'_> {
    Pieces { rest: Some(s), sep }
}

/// The iterator [`pieces`] returns.
pub struct Pieces<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        match cut(s, self.sep) {
            Some((head, tail)) => {
                self.rest = Some(tail);
                Some(head)
            }
            None => self.rest.take(),
        }
    }
}

/// `s.split_once(sep)` for an ASCII `sep`: the slices before and after its first
/// occurrence (both on char boundaries, since `sep` is ASCII). Also the crate's
/// `contains` of an ASCII byte (`cut(s, b'@').is_some()`): `str::contains` links std's
/// word-at-a-time `memchr`, written for long text (docs/performance.md).
pub fn cut(s: &str, sep: u8) -> Option<(&str, &str)> {
    // One separator, its own loop: the hottest scan of a call (the index is read by it).
    let bytes = s.as_bytes();
    let mut i = 0;
    while *bytes.get(i)? != sep {
        i += 1;
    }
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// Where the first of `stops` (ASCII bytes) occurs in `s`, or its length.
pub fn until(s: &str, stops: &[u8]) -> usize {
    // Index loops, not iterator adapters: at opt-level "z" an adapter stays a call per
    // byte, and this scan runs over every stored index and callback URL.
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let mut j = 0;
        while let Some(&stop) = stops.get(j) {
            if b == stop {
                return i;
            }
            j += 1;
        }
        i += 1;
    }
    i
}

/// The value of plain decimal digits (no sign, no spaces), `None` on overflow: what
/// `decimal` writes. `str::parse::<u64>` would do, at three times the wasm.
pub fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |n, b| {
        let d = b.checked_sub(b'0').filter(|d| *d < 10)?;
        // Not `checked_mul`: its overflow test is a 128-bit multiply (`__multi3`) in wasm.
        (n <= u64::MAX / 10).then(|| n * 10)?.checked_add(u64::from(d))
    })
}

/// Joins string pieces: error messages and keys without `format!` (and so without
/// `core::fmt` in the wasm).
pub fn cat(parts: &[&str]) -> String {
    join(parts, "")
}

/// `parts` with `sep` between them. One plain loop instead of `[&str]::join` and
/// `concat`, whose generic copies cost wasm per element type (docs/performance.md).
pub fn join(parts: &[&str], sep: &str) -> String {
    // Sized once: no reallocation as the pieces are pushed.
    let mut out = String::with_capacity(parts.iter().map(|p| p.len() + sep.len()).sum());
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(p);
    }
    out
}

/// Where `needle` first occurs in `hay`. A naive scan: our haystacks are short, and
/// `str::find(&str)` links the two-way searcher (docs/performance.md).
pub fn find_str(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (0..(h.len() + 1).saturating_sub(n.len())).find(|&i| h.get(i..i + n.len()) == Some(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(s: &str) -> String {
        let mut out = String::new();
        push_encoded(&mut out, s);
        out
    }

    #[test]
    fn encode_matches_rfc3986_unreserved() {
        assert_eq!(encode("a b&c=d/é~._-"), "a%20b%26c%3Dd%2F%C3%A9~._-");
    }

    #[test]
    fn encode_escapes_every_byte_of_a_multibyte_character() {
        for s in ["é", "aé", "éa", "a\u{10348}b~", "\u{7ff}\u{800}\u{ffff}", "-._~AZaz09"] {
            let expected: String = s
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        char::from(b).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            assert_eq!(encode(s), expected, "{s}");
            assert_eq!(decode_component(&encode(s)).as_deref(), Ok(s));
            let mut after = String::from("x=");
            push_encoded(&mut after, s);
            assert_eq!(after, format!("x={expected}"));
        }
    }

    /// The hand decoder agrees with std's validator on every sequence of up to three
    /// bytes, and on every four-byte sequence from a lead byte at or above 0xF0 with
    /// continuation bytes at their edges and a few inside.
    #[test]
    fn utf8_matches_std() {
        let check = |bytes: &[u8]| assert_eq!(utf8(bytes).as_deref(), std::str::from_utf8(bytes).ok(), "{bytes:02X?}");
        check(&[]);
        for a in 0..=255u8 {
            check(&[a]);
            for b in 0..=255u8 {
                check(&[a, b]);
                for c in 0..=255u8 {
                    check(&[a, b, c]);
                }
            }
        }
        let edges = [0x00, 0x3F, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF];
        for a in 0xE0..=0xFFu8 {
            for &b in &edges {
                for &c in &edges {
                    for &d in &edges {
                        check(&[a, b, c, d]);
                        check(&[b'x', a, b, c, d, b'y']);
                    }
                }
            }
        }
    }

    #[test]
    fn strict_and_lenient_decoding() {
        assert_eq!(decode_component("a+b%20c%C3%A9").as_deref(), Ok("a b cé"));
        assert!(
            decode_component("%zz").is_err() && decode_component("%2").is_err() && decode_component("%FF").is_err()
        );
        assert_eq!(decode_lenient("%73tate%").as_deref(), Some("state%"));
        assert_eq!(decode_lenient("%FFx"), None);
    }

    #[test]
    fn pieces_cut_until_match_std() {
        for s in ["", "a", "a&b", "&a&&b&", "x=1&y", "é&ü=ß"] {
            assert_eq!(pieces(s, b'&').collect::<Vec<_>>(), s.split('&').collect::<Vec<_>>(), "{s}");
            assert_eq!(cut(s, b'='), s.split_once('='), "{s}");
        }
        assert_eq!(until("a/b?c#d", b"?#"), 3);
        assert_eq!(until("abc", b"?#"), 3);
    }

    #[test]
    fn join_and_find() {
        assert_eq!(join(&["a", "b", "c"], ", "), "a, b, c");
        assert_eq!(join(&[], ","), "");
        assert_eq!(cat(&["x", "", "y"]), "xy");
        assert_eq!(find_str("https://h/p", "://"), Some(5));
        assert_eq!(find_str("ab", "abc"), None);
        assert_eq!(find_str("abc", ""), Some(0));
        assert_eq!(find_str("xxsecret", "secret"), Some(2));
    }

    #[test]
    fn decimal_digits() {
        for n in [0, 7, 10, 1_700_000_000_000, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
            assert_eq!(parse_decimal(&decimal(n)), Some(n));
        }
        for bad in ["", "+1", "-1", " 1", "1a", "18446744073709551616"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }
}
