//! The URL seam. The core decides on URLs but does not parse them: a WHATWG parser does
//! (in the browser build, the browser's own `URL`, the parser that will navigate, so the
//! library and the browser never read a URL differently; natively, the `url` crate). The
//! parser hands back the serialised `href` and the `origin`; every part the core reads is
//! a slice of that serialisation, which is unambiguous: in a WHATWG `href` a `?` or `#`
//! never appears in the path, nor a `#` in the query.

use super::urlenc::{cat, cut, find_str, until};

/// A URL as a WHATWG parser serialised it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts {
    /// `origin`, a space, then `href`: one string, as the browser's `URL` hands them over
    /// (an origin never holds a space; an opaque one is `null`). One allocation a URL, and
    /// one to free: every `String` a value owns is drop code wherever it goes out of scope.
    text: String,
    /// Where `href` starts in `text`.
    at: usize,
}

/// A WHATWG URL parser: `None` when `input` is no absolute URL.
pub trait UrlParser {
    /// Parses `input` as an absolute URL.
    fn parse(&self, input: &str) -> Option<UrlParts>;
}

impl UrlParts {
    /// From a parser's serialisation: `href` and `origin` exactly as it gives them.
    pub fn new(href: &str, origin: &str) -> Self {
        Self { text: cat(&[origin, " ", href]), at: origin.len() + 1 }
    }

    /// From `origin`, a space and `href` in one string (the browser parser's answer, taken
    /// as it is); `None` without the space.
    pub fn joined(text: String) -> Option<Self> {
        let at = until(&text, b" ") + 1;
        (at <= text.len()).then_some(Self { text, at })
    }

    /// The whole serialised URL.
    pub fn href(&self) -> &str {
        self.text.get(self.at..).unwrap_or_default()
    }

    /// `scheme://host[:port]`, or `null` for opaque origins.
    pub fn origin(&self) -> &str {
        self.text.get(..self.at - 1).unwrap_or_default()
    }

    /// Without the `:`, lower case as serialised.
    pub fn scheme(&self) -> &str {
        cut(self.href(), b':').map_or("", |(s, _)| s)
    }

    /// Everything before the query and fragment.
    pub fn base(&self) -> &str {
        let href = self.href();
        href.get(..until(href, b"?#")).unwrap_or("")
    }

    /// The authority (`user:pass@host:port`) of a `scheme://` URL, else `""`.
    fn authority(&self) -> &str {
        let Some(rest) = after_slashes(self.href()) else { return "" };
        rest.get(..until(rest, b"/?#")).unwrap_or("")
    }

    /// Whether the authority carries user information (`user:pass@`).
    pub fn has_userinfo(&self) -> bool {
        cut(self.authority(), b'@').is_some()
    }

    /// The host as serialised (`app.example`, `127.0.0.1`, `[::1]`), without port.
    pub fn host(&self) -> &str {
        let a = self.authority();
        // Byte scans from the end: `rsplit_once`/`rfind` link the reverse char searcher.
        let b = a.as_bytes();
        let a = b.iter().rposition(|&c| c == b'@').and_then(|i| a.get(i + 1..)).unwrap_or(a);
        match a.bytes().rposition(|c| c == b':') {
            // A port's `:` has no `]` after it (an IPv6 literal's own colons do).
            Some(i) if until(a.get(i..).unwrap_or_default(), b"]") == a.len() - i => a.get(..i).unwrap_or(a),
            _ => a,
        }
    }

    /// The path: after the authority (or the `scheme:`), before the query.
    pub fn path(&self) -> &str {
        let base = self.base();
        match after_slashes(base) {
            Some(rest) => rest.get(until(rest, b"/")..).unwrap_or(""),
            None => cut(base, b':').map_or("", |(_, p)| p),
        }
    }

    /// The query without its `?`; `Some("")` for a bare `?`.
    pub fn query(&self) -> Option<&str> {
        let href = self.href();
        let before_fragment = href.get(..until(href, b"#")).unwrap_or("");
        cut(before_fragment, b'?').map(|(_, q)| q)
    }

    /// The fragment without its `#`.
    pub fn fragment(&self) -> Option<&str> {
        cut(self.href(), b'#').map(|(_, f)| f)
    }

    /// The serialisation with the query and fragment replaced. Given components that came
    /// from a WHATWG serialisation (or are fully percent-encoded), the result is what the
    /// parser would serialise them as.
    pub fn with(&self, query: Option<&str>, fragment: Option<&str>) -> String {
        let mut out = String::from(self.base());
        if let Some(q) = query {
            out.push('?');
            out.push_str(q);
        }
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(f);
        }
        out
    }
}

/// What follows the first `://` (a byte scan: `split_once("://")` links the two-way
/// string searcher into the wasm).
fn after_slashes(s: &str) -> Option<&str> {
    find_str(s, "://").and_then(|i| s.get(i + 3..))
}

/// The `url` crate as the parser: on native targets, and as the browser suites' oracle.
/// The browser build's exports never reach it, so none of it is in the shipped wasm.
pub struct NativeUrl;

impl UrlParser for NativeUrl {
    fn parse(&self, input: &str) -> Option<UrlParts> {
        let url = url::Url::parse(input).ok()?;
        Some(UrlParts::new(url.as_str(), &url.origin().ascii_serialization()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(s: &str) -> UrlParts {
        NativeUrl.parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn joined_reads_origin_and_href_from_one_string() {
        let u =
            UrlParts::joined("https://app.example https://app.example/cb?x=1".to_owned()).unwrap_or_else(|| panic!());
        assert_eq!((u.origin(), u.href()), ("https://app.example", "https://app.example/cb?x=1"));
        assert_eq!(u, UrlParts::new("https://app.example/cb?x=1", "https://app.example"));
        let opaque = UrlParts::joined("null about:blank".to_owned()).unwrap_or_else(|| panic!());
        assert_eq!((opaque.origin(), opaque.href()), ("null", "about:blank"));
        assert_eq!(UrlParts::joined("no-space".to_owned()), None);
    }

    #[test]
    fn slices_agree_with_the_url_crate() {
        for s in [
            "https://app.example/cb?x=1#frag",
            "https://u:p@app.example:8443/a/b?q#f?g",
            "http://[::1]:8080/cb",
            "http://127.0.0.1/",
            "https://app.example",
            "https://app.example/cb?",
            "https://app.example/cb#",
            "https://app.example/%3Fcb?x#y",
            "about:blank",
            "javascript:alert(1)",
        ] {
            let u = url::Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            let p = parts(s);
            assert_eq!(p.scheme(), u.scheme(), "{s}");
            assert_eq!(p.query(), u.query(), "{s}");
            assert_eq!(p.fragment(), u.fragment(), "{s}");
            assert_eq!(p.path(), u.path(), "{s}");
            if let Some(h) = u.host_str() {
                assert_eq!(p.host(), h, "{s}");
            }
            assert_eq!(p.has_userinfo(), !u.username().is_empty() || u.password().is_some(), "{s}");
            assert_eq!(p.with(u.query(), u.fragment()), u.as_str(), "{s}");
        }
    }
}
