//! The binding of a flow to its redirect URI (RFC 9700 §4.4, the mix-up defence): which
//! callback addresses a redirect URI accepts, and which two redirect URIs that rule could
//! not tell apart. `callback::verify` checks the first, `store::put_pending` refuses the
//! second.

use super::uri::UrlParser;
use super::urlenc::{cut, pieces};

/// The non-empty `&`-separated segments of a query, as written.
fn segments(query: Option<&str>) -> impl Iterator<Item = &str> {
    pieces(query.unwrap_or(""), b'&').filter(|s| !s.is_empty())
}

/// Whether the segments of the query `own` open the query `of`, in order.
pub fn opens(own: Option<&str>, of: Option<&str>) -> bool {
    let mut got = segments(of);
    segments(own).all(|own| got.next() == Some(own))
}

/// Whether flows bound to the redirect URIs `a` and `b` cannot be told apart by
/// the binding (`callback::verify`): everything before the query equal (scheme, host, port, path), and one's
/// query segments a proper prefix of the other's, in whole `&`-separated segments. A
/// callback to the longer (`/cb?as=b&code=…`) then also opens with the shorter's segments
/// (`/cb`), so either flow would take it: a mix-up defence that depends on which state the
/// attacker replays. Siblings (`?as=a`, `?as=b`) are never ambiguous, nor are URIs with the
/// same segments: the binding tells the first apart, the state the second.
///
/// Over the URIs as given: as written (a start compares its own with the pending flows'
/// that way, as the binding's fast path reads them), or each as a parser serialised it
/// ([`ambiguous_uris`]), which also equates spellings such as `APP.example` or `:443`.
pub fn ambiguous(a: &str, b: &str) -> bool {
    let ((a, qa), (b, qb)) = (split_query(a), split_query(b));
    // Each query opening the other means the same segments; one only, a proper prefix.
    a == b && opens(qa, qb) != opens(qb, qa)
}

/// What precedes the query, and the query: of a redirect URI, which has no fragment.
fn split_query(url: &str) -> (&str, Option<&str>) {
    cut(url, b'?').map_or((url, None), |(base, query)| (base, Some(query)))
}

/// [`ambiguous`] for two redirect URIs each read by `parser`. Pure: the flows may come
/// from any store. A URI the parser refuses binds no callback, so it is ambiguous with
/// nothing.
pub fn ambiguous_uris(a: &str, b: &str, parser: &dyn UrlParser) -> bool {
    matches!((parser.parse(a), parser.parse(b)), (Some(a), Some(b)) if ambiguous(a.href(), b.href()))
}

/// The first of `pending` (redirect URIs as written) that `new` is [`ambiguous_uris`] with.
pub fn first_ambiguous<'p>(
    new: &str,
    pending: impl IntoIterator<Item = &'p str>,
    parser: &dyn UrlParser,
) -> Option<&'p str> {
    pending.into_iter().find(|p| ambiguous_uris(new, p, parser))
}
