//! Config validation (docs/api.md, `startAuthorization(config)`). Everything the caller
//! hands us is untrusted until it passes here; each rule fails with `invalid_config`
//! naming the field as the caller wrote it and saying what is allowed.

use super::callback::is_callback_param;
use super::error::AuthError;
pub use super::pending::Mode;
use super::provider::{is_iso_639_1, LangRule, Provider, ScopeRule, FIELDS, FLINKS_SCOPES};
use super::uri::{UrlParser, UrlParts};
use super::urlenc::{cat, cut, join, names, pieces, push_decimal, until};

/// A config value as the boundary read it, before any rule applied: the core never
/// sees a `JsValue`, and tests build these from JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigValue {
    /// `undefined` or `null`: treated as not given.
    Absent,
    /// A boolean.
    Bool(bool),
    /// A number, as JS holds it (NaN and infinities included).
    Number(f64),
    /// A string.
    String(String),
    /// An array (`scope` as a list).
    List(Vec<ConfigValue>),
    /// A plain object, its keys in order (`popup`, `extraParams`).
    Map(Vec<(String, ConfigValue)>),
    /// `appState`, already serialised to JSON text by the boundary.
    Json(String),
    /// A host object the core does not read (the `AbortSignal`, the `onEvent` function).
    Handle,
    /// Any other type, named (`"function"`, `"symbol"`, `"object"` ...).
    Other(&'static str),
}

/// Where the pending authorization is kept (API `storage`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StorageArea {
    /// sessionStorage (the default): this tab only, gone with the tab.
    #[default]
    Session,
    /// The store every tab of the origin shares (IndexedDB, `core::shared`), so that a
    /// callback that comes back in another tab (a bank app that opened the redirect URI
    /// itself) still completes; in popup mode such a tab relays it to the opener.
    Local,
}

impl StorageArea {
    /// The config's name for it: `session` or `local`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Session => "session",
            Self::Local => "local",
        }
    }
}

/// Popup window geometry and wait; `None` means "the default".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PopupOptions {
    /// Window width in CSS pixels (`popup.width`).
    pub width: Option<u32>,
    /// Window height in CSS pixels (`popup.height`).
    pub height: Option<u32>,
    /// How long the opener waits for the callback (`popup.timeoutMs`).
    pub timeout_ms: Option<u32>,
}

/// A config that passed every rule: what `authorize` needs and nothing else.
///
/// Its strings borrow from the entries it was validated from: no copies, and an early
/// `?` in `validate` has next to nothing to drop (each owned field that a failing rule
/// would have to free costs wasm bytes on every later return path).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedConfig<'a> {
    pub(crate) provider: Provider,
    /// As the URL parser serialised it; has no fragment.
    pub(crate) authorize_url: UrlParts,
    pub(crate) client_id: Option<&'a str>,
    /// Exactly as the caller wrote it: providers compare redirect URIs as strings.
    pub(crate) redirect_uri: &'a str,
    pub(crate) scope: Option<String>,
    pub(crate) provider_id: Option<&'a str>,
    pub(crate) correlation_id: Option<&'a str>,
    pub(crate) institution_id: Option<&'a str>,
    pub(crate) tag: Option<&'a str>,
    pub(crate) recipient_id: Option<&'a str>,
    pub(crate) lang: Option<&'a str>,
    pub(crate) mode: Mode,
    pub(crate) navigate: bool,
    pub(crate) popup: PopupOptions,
    pub(crate) pkce: bool,
    pub(crate) extra_params: Vec<(&'a str, &'a str)>,
    pub(crate) app_state: Option<&'a str>,
    pub(crate) ttl_seconds: u32,
    pub(crate) storage: StorageArea,
    pub(crate) issuer: Option<&'a str>,
}

/// Read-only: a `ValidatedConfig` comes only out of [`validate`].
impl<'a> ValidatedConfig<'a> {
    /// The preset (`provider`).
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The authorize endpoint: `authorizeUrl`, the preset's default or the `instance`'s; no fragment.
    pub fn authorize_url(&self) -> &UrlParts {
        &self.authorize_url
    }

    /// `clientId`, for the presets that send it.
    pub fn client_id(&self) -> Option<&'a str> {
        self.client_id
    }

    /// `redirectUri`, exactly as the caller wrote it.
    pub fn redirect_uri(&self) -> &'a str {
        self.redirect_uri
    }

    /// The scopes as sent: a list joined by single spaces.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// Flinks' `providerId` (the Data Provider).
    pub fn provider_id(&self) -> Option<&'a str> {
        self.provider_id
    }

    /// Flinks' `correlationId`, when the app gave one (a UUID is generated otherwise).
    pub fn correlation_id(&self) -> Option<&'a str> {
        self.correlation_id
    }

    /// Flinks v3 `institutionId`.
    pub fn institution_id(&self) -> Option<&'a str> {
        self.institution_id
    }

    /// Flinks v3 `tag`.
    pub fn tag(&self) -> Option<&'a str> {
        self.tag
    }

    /// Flinks v3 `recipientId`.
    pub fn recipient_id(&self) -> Option<&'a str> {
        self.recipient_id
    }

    /// `lang` as sent (default `en`), for the presets that send it.
    pub fn lang(&self) -> Option<&'a str> {
        self.lang
    }

    /// Redirect or popup (`mode`, default redirect).
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// `navigate` (default `true`): `false` resolves `{ url, state }` instead of navigating.
    pub fn navigate(&self) -> bool {
        self.navigate
    }

    /// Popup size and wait (`popup`).
    pub fn popup(&self) -> &PopupOptions {
        &self.popup
    }

    /// Whether an RFC 7636 S256 challenge is sent (`pkce`, else the preset's default).
    pub fn pkce(&self) -> bool {
        self.pkce
    }

    /// `extraParams`, none naming a parameter the library sets or reserves.
    pub fn extra_params(&self) -> &[(&'a str, &'a str)] {
        &self.extra_params
    }

    /// `appState`, as JSON text.
    pub fn app_state(&self) -> Option<&'a str> {
        self.app_state
    }

    /// Where the pending authorization is kept (`storage`, default `session`).
    pub fn storage(&self) -> StorageArea {
        self.storage
    }

    /// The pending authorization's lifetime in seconds (`ttlSeconds`, default 600).
    pub fn ttl_seconds(&self) -> u32 {
        self.ttl_seconds
    }

    /// RFC 9207: the `iss` the callback must carry (`issuer`), when set.
    pub fn issuer(&self) -> Option<&'a str> {
        self.issuer
    }
}

/// `ttlSeconds` when the config gives none (docs/api.md: 600).
pub const DEFAULT_TTL_SECONDS: u32 = 600;
/// A bank login with a second factor can take minutes; an hour is the most a pending
/// authorization may live (RFC 6749 §4.1.2 recommends short-lived codes; the state
/// should not outlive the session it protects by much either).
pub const TTL_BOUNDS: (u32, u32) = (30, 3600);
/// The longest text or URL a config field may hold, in bytes.
pub const MAX_STRING: usize = 2048;
/// docs/api.md size cap: an `appState` longer than this as JSON is `invalid_config`.
pub const MAX_APP_STATE: usize = 16 * 1024;
/// The most entries `extraParams` may hold.
pub const MAX_EXTRA_PARAMS: usize = 32;

/// Why a parameter name is refused, in `extraParams` and in `authorizeUrl`'s own query:
/// one text for both (the wasm carries it once).
const RESERVED: &str =
    "is reserved: the library sets it, or it would change how or where the answer is delivered, or who asks";

/// The refusal of an `appState` over [`MAX_APP_STATE`], here and at the boundary (which
/// refuses by JS length before a copy).
pub const APP_STATE_TOO_LONG: &str = "must be at most 16384 bytes as JSON";

/// The config fields `provider` reads, in docs/api.md's order: the public surface that the
/// `.d.ts` must match (tests/surface.rs compares them both ways).
pub fn fields_for(p: Provider) -> impl Iterator<Item = &'static str> {
    FIELDS.iter().map(|(f, ..)| *f).filter(move |f| p.reads(f))
}

/// Secrets never live in a browser: any key that names one is refused, and the message
/// never repeats its value.
fn names_secret(key: &str) -> bool {
    let k = key.as_bytes();
    ["secret", "password", "privatekey", "authkey", "apikey"].iter().any(|s| (0..k.len()).any(|i| spells(k, i, s)))
}

/// Whether the letters and digits of `key` from byte `at` on, in lower case, begin with
/// `word`: the key's other characters are skipped, so `client_Secret` and `api-key` read
/// as `clientsecret` and `apikey`, without writing that text out.
fn spells(key: &[u8], mut at: usize, word: &str) -> bool {
    for &w in word.as_bytes() {
        loop {
            let Some(&b) = key.get(at) else { return false };
            at += 1;
            if b.is_ascii_alphanumeric() {
                if b.to_ascii_lowercase() != w {
                    return false;
                }
                break;
            }
        }
    }
    true
}

struct Reader<'a> {
    entries: &'a [(String, ConfigValue)],
    parser: &'a dyn UrlParser,
}

impl<'a> Reader<'a> {
    /// The value of the last entry named `key` (as JS reads an object), `Absent` if none.
    fn get(&self, key: &str) -> &'a ConfigValue {
        let mut found = &ConfigValue::Absent;
        for (k, v) in self.entries {
            if k == key {
                found = v;
            }
        }
        found
    }

    fn string(&self, key: &str) -> Result<Option<&'a str>, AuthError> {
        match self.get(key) {
            ConfigValue::Absent => Ok(None),
            ConfigValue::String(s) => text(key, s).map(Some),
            other => Err(wrong_type(key, "a string", other)),
        }
    }

    /// A preset's own text field: `None` when the preset does not read it, an error when
    /// it requires it and it is missing.
    fn preset_field(&self, key: &str, p: Provider) -> Result<Option<&'a str>, AuthError> {
        match self.string(key)? {
            None if p.requires(key) => Err(required_for(key, p)),
            value => Ok(value.filter(|_| p.reads(key))),
        }
    }

    fn bool(&self, key: &str) -> Result<Option<bool>, AuthError> {
        match self.get(key) {
            ConfigValue::Absent => Ok(None),
            ConfigValue::Bool(b) => Ok(Some(*b)),
            other => Err(wrong_type(key, "true or false", other)),
        }
    }
}

fn kind(v: &ConfigValue) -> &'static str {
    match v {
        ConfigValue::Absent => "nothing",
        ConfigValue::Bool(_) => "a boolean",
        ConfigValue::Number(_) => "a number",
        ConfigValue::String(_) => "a string",
        ConfigValue::List(_) => "an array",
        ConfigValue::Map(_) => "an object",
        ConfigValue::Json(_) | ConfigValue::Handle => "an object",
        ConfigValue::Other(k) => k,
    }
}

fn wrong_type(key: &str, want: &str, got: &ConfigValue) -> AuthError {
    AuthError::config(key, cat(&["must be ", want, ", not ", kind(got)]))
}

fn required_for(key: &str, p: Provider) -> AuthError {
    AuthError::config(key, cat(&["is required for provider \"", p.as_str(), "\""]))
}

/// Identifiers and names: non-empty, bounded, no control characters (they are never
/// legitimate in these values and usually mean a copy-paste accident).
fn text<'s>(key: &str, s: &'s str) -> Result<&'s str, AuthError> {
    if s.is_empty() {
        return Err(AuthError::config(key, "must not be empty"));
    }
    if s.len() > MAX_STRING {
        return Err(AuthError::config(key, "must be at most 2048 bytes"));
    }
    if has_control(s, false) {
        return Err(AuthError::config(key, "must not contain control characters"));
    }
    Ok(s)
}

/// Whether `s` holds a control character (Unicode `Cc`: U+0000–001F, U+007F–009F), or
/// with `spaces` a `White_Space` one: `char::is_control` and `is_whitespace` over
/// `s.chars()`, read from the UTF-8 bytes instead (decoding characters and std's
/// whitespace table cost more wasm than these few sequences; tests compare the two over
/// every `char`).
fn has_control(s: &str, spaces: bool) -> bool {
    let b = s.as_bytes();
    (0..b.len()).any(|i| {
        let at = |j: usize| b.get(i + j).copied().unwrap_or(0);
        match at(0) {
            0..=0x1F | 0x7F => true,
            // U+0080–009F (C1), and U+00A0.
            0xC2 => at(1) < 0xA0 || (spaces && at(1) == 0xA0),
            b' ' => spaces,
            // U+1680.
            0xE1 => spaces && at(1) == 0x9A && at(2) == 0x80,
            // U+2000–200A, U+2028, U+2029, U+202F; U+205F.
            0xE2 => {
                spaces
                    && ((at(1) == 0x80 && matches!(at(2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF))
                        || (at(1) == 0x81 && at(2) == 0x9F))
            }
            // U+3000.
            0xE3 => spaces && at(1) == 0x80 && at(2) == 0x80,
            _ => false,
        }
    })
}

fn integer(key: &str, v: &ConfigValue, min: u32, max: u32) -> Result<Option<u32>, AuthError> {
    match v {
        ConfigValue::Absent => Ok(None),
        ConfigValue::Number(n) if n.is_finite() && n.fract() == 0.0 && *n >= f64::from(min) && *n <= f64::from(max) => {
            Ok(Some(*n as u32))
        }
        ConfigValue::Number(_) => {
            // Written into the message as it grows: no number `String` of its own to free.
            let mut message = String::from("must be a whole number from ");
            push_decimal(&mut message, min.into());
            message.push_str(" to ");
            push_decimal(&mut message, max.into());
            Err(AuthError::config(key, message))
        }
        other => Err(wrong_type(key, "a number", other)),
    }
}

/// Whether the host is `localhost`, `127.0.0.1` or `[::1]`: the only hosts where `http:` is allowed (RFC 8252 §7.3).
pub fn is_loopback(url: &UrlParts) -> bool {
    matches!(url.host(), "localhost" | "127.0.0.1" | "[::1]")
}

/// `https:`, or `http:` on a loopback host (RFC 8252 §7.3, RFC 9700 §4.1.1); no
/// userinfo (RFC 3986 §3.2.1 deprecates it and it is a phishing aid); no fragment
/// (RFC 6749 §3.1.2). Whitespace and control characters are refused before parsing: the
/// WHATWG parser would silently strip `\t` and `\n`, so `\tjavascript:` must not reach it.
pub fn web_url(key: &str, s: &str, parser: &dyn UrlParser) -> Result<UrlParts, AuthError> {
    if has_control(s, true) {
        return Err(AuthError::config(key, "must not contain spaces or control characters"));
    }
    if s.len() > MAX_STRING {
        return Err(AuthError::config(key, "must be at most 2048 bytes"));
    }
    let absolute = || AuthError::config(key, "must be an absolute URL (https://...)");
    // The string is sent and compared as written, so it must also read the same to an
    // RFC 3986 parser: the WHATWG parser accepts `https:host/p` and `\` as `/`, drops an
    // empty `@` userinfo and reads `https:///host` as `https://host`, none of which other
    // parsers agree with (`https://app.example\@evil.example/` has host `evil.example`
    // for them).
    let Some(rest) = cut(s, b':').and_then(|(_, rest)| rest.strip_prefix("//")) else {
        return Err(absolute());
    };
    if cut(s, b'\\').is_some() {
        return Err(AuthError::config(key, "must not contain a backslash"));
    }
    let authority = rest.get(..until(rest, b"/?#")).unwrap_or("");
    if cut(authority, b'@').is_some() {
        return Err(AuthError::config(key, "must not contain user information (user:password@)"));
    }
    // A browser's parser turns an IDN (or a fullwidth dot) into punycode where another
    // refuses it: hosts are ASCII as written, so no homograph reaches the address bar.
    // (A byte test: `str::is_ascii` is std's word-at-a-time scan, more wasm.)
    if authority.bytes().any(|b| b > 0x7F) {
        return Err(AuthError::config(key, "must have an ASCII host name (write an IDN in its xn-- form)"));
    }
    let url = parser.parse(s).ok_or_else(absolute)?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(AuthError::config(key, "may use http: only on localhost, 127.0.0.1 or [::1]; use https:"))
        }
        _ => return Err(AuthError::config(key, "must use https: (http: only on localhost, 127.0.0.1 or [::1])")),
    }
    if authority.is_empty() {
        return Err(AuthError::config(key, "must name a host (https://host/...)"));
    }
    if url.has_userinfo() {
        return Err(AuthError::config(key, "must not contain user information (user:password@)"));
    }
    if url.fragment().is_some() {
        return Err(AuthError::config(key, "must not contain a fragment (#...)"));
    }
    Ok(url)
}

/// RFC 6749 §3.3 scope-token characters: %x21 / %x23-5B / %x5D-7E.
fn is_scope_token(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| matches!(b, 0x21 | 0x23..=0x5b | 0x5d..=0x7e))
}

fn scope(r: &Reader, p: Provider) -> Result<Option<String>, AuthError> {
    let key = "scope";
    // The scopes joined by single spaces, as they will be sent; then read back token by
    // token (no list of tokens is kept: a `Vec` here cost measurable wasm, docs/performance.md).
    let joined = match r.get(key) {
        ConfigValue::Absent => {
            return match p.scope_rule() {
                ScopeRule::Optional => Ok(None),
                ScopeRule::Required | ScopeRule::Flinks => Err(required_for(key, p)),
            }
        }
        ConfigValue::String(s) => {
            if s.is_empty() {
                return Err(AuthError::config(key, "must not be empty"));
            }
            s.clone()
        }
        ConfigValue::List(items) => {
            if items.is_empty() {
                return Err(AuthError::config(key, "must not be an empty array"));
            }
            let mut out = String::new();
            for item in items {
                match item {
                    ConfigValue::String(s) if cut(s, b' ').is_none() => {
                        if !out.is_empty() {
                            out.push(' ');
                        }
                        out.push_str(s);
                    }
                    ConfigValue::String(_) => {
                        return Err(AuthError::config(key, "array items must not contain spaces"))
                    }
                    other => return Err(wrong_type(key, "a string or an array of strings", other)),
                }
            }
            out
        }
        other => return Err(wrong_type(key, "a string or an array of strings", other)),
    };
    let flinks = p.scope_rule() == ScopeRule::Flinks;
    if pieces(&joined, b' ').count() > 64 || joined.len() + 1 > MAX_STRING {
        return Err(AuthError::config(key, "is too long"));
    }
    // The Flinks scopes named so far, a bit for each by its place in the list: a repeat and
    // the missing `ACCOUNT_BASIC` (the first) are read off it, without another pass.
    let mut named = 0u8;
    for t in pieces(&joined, b' ') {
        if t.is_empty() {
            return Err(AuthError::config(key, "must separate scopes with single spaces"));
        }
        if flinks {
            let Some(at) = FLINKS_SCOPES.iter().position(|s| *s == t) else {
                return Err(AuthError::config(key, cat(&["must be one or more of ", &join(&FLINKS_SCOPES, ", ")])));
            };
            let bit = 1u8 << at;
            if named & bit != 0 {
                return Err(AuthError::config(key, "must not name a scope twice"));
            }
            named |= bit;
        } else if !is_scope_token(t) {
            return Err(AuthError::config(
                key,
                "may hold only printable ASCII other than '\"' and '\\' (RFC 6749 §3.3)",
            ));
        }
    }
    if flinks && named & 1 == 0 {
        return Err(AuthError::config(key, "must include ACCOUNT_BASIC (the minimum Flinks scope)"));
    }
    Ok(Some(joined))
}

fn lang<'a>(r: &Reader<'a>, p: Provider) -> Result<Option<&'a str>, AuthError> {
    if !p.reads("lang") {
        return Ok(None);
    }
    let lang = r.string("lang")?.unwrap_or("en");
    match p.lang_rule() {
        LangRule::EnOrFr if lang != "en" && lang != "fr" => {
            Err(AuthError::config("lang", cat(&["must be \"en\" or \"fr\" for provider \"", p.as_str(), "\""])))
        }
        LangRule::Iso639 if !is_iso_639_1(lang) => {
            Err(AuthError::config("lang", "must be an ISO 639-1 two-letter code in lower case, like \"en\" or \"fr\""))
        }
        _ => Ok(Some(lang)),
    }
}

fn instance_url(r: &Reader, (scheme, suffix): (&str, &str)) -> Result<Option<UrlParts>, AuthError> {
    let Some(name) = r.string("instance")? else { return Ok(None) };
    let ok = name.len() <= 50
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if !ok {
        return Err(AuthError::config(
            "instance",
            "must be an instance name like \"toolbox\", \"sandbox\" or \"production\" (a-z, 0-9, -)",
        ));
    }
    let url = cat(&[scheme, name, suffix]);
    r.parser.parse(&url).map(Some).ok_or_else(|| AuthError::config("instance", "does not form a valid host name"))
}

fn authorize_url(r: &Reader, p: Provider) -> Result<UrlParts, AuthError> {
    let key = "authorizeUrl";
    let url = match r.string(key)? {
        // An instance beside a whole endpoint would be silently unused, a malformed one too:
        // refused, so that neither is taken for the other.
        Some(_) if p.instance_endpoint().is_some() && !matches!(r.get("instance"), ConfigValue::Absent) => {
            return Err(AuthError::config("instance", "must not be given with authorizeUrl"))
        }
        Some(s) => web_url(key, s, r.parser)?,
        None => match (p.default_authorize_url(), p.instance_endpoint()) {
            (Some(default), _) => {
                r.parser.parse(default).ok_or_else(|| AuthError::config(key, "preset URL is invalid"))?
            }
            (None, Some(endpoint)) => instance_url(r, endpoint)?.ok_or_else(|| {
                AuthError::config(
                    "instance",
                    cat(&["is required for provider \"", p.as_str(), "\" unless authorizeUrl is given"]),
                )
            })?,
            (None, None) => return Err(required_for(key, p)),
        },
    };
    // The endpoint's own query is sent as given, so it is held to the list `extraParams` is
    // held to: a `response_mode`, `request_uri` or `redirect_uri` written into the URL would
    // change where the answer goes just as surely.
    for name in names(url.query().unwrap_or("")) {
        if p.reserves_param(&name) {
            return Err(AuthError::config(key, cat(&["names \"", &name, "\" in its query, which ", RESERVED])));
        }
    }
    Ok(url)
}

fn redirect_uri<'a>(r: &Reader<'a>, page_origin: &str) -> Result<&'a str, AuthError> {
    let key = "redirectUri";
    let s = r.string(key)?.ok_or_else(|| AuthError::config(key, "is required"))?;
    let url = web_url(key, s, r.parser)?;
    if url.origin() != page_origin {
        return Err(AuthError::config(
            key,
            cat(&[
                "must be on this page's origin (",
                page_origin,
                "): the pending authorization lives in this origin's storage",
            ]),
        ));
    }
    for name in names(url.query().unwrap_or("")) {
        if is_callback_param(&name) {
            return Err(AuthError::config(
                key,
                cat(&["must not carry \"", &name, "\" in its query: the callback uses that name"]),
            ));
        }
    }
    Ok(s)
}

fn issuer<'a>(r: &Reader<'a>) -> Result<Option<&'a str>, AuthError> {
    let Some(s) = r.string("issuer")? else { return Ok(None) };
    let url = web_url("issuer", s, r.parser)?;
    // RFC 8414 §2: an issuer identifier has no query and no fragment.
    if url.query().is_some() {
        return Err(AuthError::config("issuer", "must not contain a query (RFC 8414 §2)"));
    }
    Ok(Some(s))
}

fn popup(v: &ConfigValue) -> Result<PopupOptions, AuthError> {
    let entries = match v {
        ConfigValue::Absent => return Ok(PopupOptions::default()),
        ConfigValue::Map(entries) => entries,
        other => return Err(wrong_type("popup", "an object { width, height, timeoutMs }", other)),
    };
    let mut out = PopupOptions::default();
    for (k, v) in entries {
        // Checked under the key alone, and named `popup.width` only in an error: no name
        // written out for each key that is fine.
        let read = match k.as_str() {
            "width" => integer(k, v, 200, 10_000).map(|n| out.width = n),
            "height" => integer(k, v, 200, 10_000).map(|n| out.height = n),
            "timeoutMs" => integer(k, v, 1_000, TTL_BOUNDS.1 * 1000).map(|n| out.timeout_ms = n),
            _ => Err(AuthError::config(k, "is not a popup option (width, height, timeoutMs)")),
        };
        read.map_err(|e| e.under("popup."))?;
    }
    Ok(out)
}

fn extra_params(v: &ConfigValue, p: Provider) -> Result<Vec<(&str, &str)>, AuthError> {
    let entries = match v {
        ConfigValue::Absent => return Ok(Vec::new()),
        ConfigValue::Map(entries) => entries,
        other => return Err(wrong_type("extraParams", "an object of string values", other)),
    };
    if entries.len() > MAX_EXTRA_PARAMS {
        return Err(AuthError::config("extraParams", "may hold at most 32 parameters"));
    }
    let mut out = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        // As in `popup`: the name `extraParams.KEY` is written out only for an error.
        let read = if k.is_empty() || k.len() > 256 || has_control(k, false) {
            Err(AuthError::config(k, "must be a non-empty name without control characters"))
        } else if p.reserves_param(k) {
            Err(AuthError::config(k, RESERVED))
        } else {
            match v {
                ConfigValue::String(s) => text(k, s).map(|s| out.push((k.as_str(), s))),
                other => Err(wrong_type(k, "a string", other)),
            }
        };
        read.map_err(|e| e.under("extraParams."))?;
    }
    Ok(out)
}

/// Validates `entries` for a page on `page_origin` (`window.location.origin`), reading
/// URLs with `parser`.
pub fn validate<'a>(
    entries: &'a [(String, ConfigValue)],
    page_origin: &str,
    parser: &'a dyn UrlParser,
) -> Result<ValidatedConfig<'a>, AuthError> {
    // Secrets first, whatever else is wrong: the caller must learn this before anything.
    let secret = |key: &str| {
        AuthError::config(
            key,
            "looks like a secret; secrets must never be in a browser. Keep it on your server and exchange the code there",
        )
    };
    if let Some((key, _)) = entries.iter().find(|(k, _)| names_secret(k)) {
        return Err(secret(key));
    }
    for (key, value) in entries {
        if let (ConfigValue::Map(m), "extraParams") = (value, key.as_str()) {
            if let Some((k, _)) = m.iter().find(|(k, _)| names_secret(k)) {
                return Err(secret(&cat(&["extraParams.", k])));
            }
        }
    }
    if let Some((key, _)) = entries.iter().find(|(k, _)| !FIELDS.iter().any(|(f, ..)| f == k)) {
        let mut message = String::from("is not a config field (allowed: ");
        for (i, (f, ..)) in FIELDS.iter().enumerate() {
            if i > 0 {
                message.push_str(", ");
            }
            message.push_str(f);
        }
        message.push(')');
        return Err(AuthError::config(key, message));
    }
    let r = Reader { entries, parser };
    let provider = match r.get("provider") {
        ConfigValue::String(s) => Provider::parse(s),
        ConfigValue::Absent => None,
        other => return Err(wrong_type("provider", "a string", other)),
    }
    .ok_or_else(|| AuthError::config("provider", "must be one of \"tink\", \"flinks\", \"flinks-v3\", \"oauth2\""))?;
    for (key, value) in entries {
        if !matches!(value, ConfigValue::Absent) && !provider.reads(key) {
            return Err(AuthError::config(key, cat(&["is not used by provider \"", provider.as_str(), "\""])));
        }
    }
    let ttl_seconds =
        integer("ttlSeconds", r.get("ttlSeconds"), TTL_BOUNDS.0, TTL_BOUNDS.1)?.unwrap_or(DEFAULT_TTL_SECONDS);
    let mode = match r.string("mode")? {
        None | Some("redirect") => Mode::Redirect,
        Some("popup") => Mode::Popup,
        Some(_) => return Err(AuthError::config("mode", "must be \"redirect\" or \"popup\"")),
    };
    let storage = match r.string("storage")? {
        None | Some("session") => StorageArea::Session,
        Some("local") => StorageArea::Local,
        Some(_) => return Err(AuthError::config("storage", "must be \"session\" or \"local\"")),
    };
    let app_state = match r.get("appState") {
        ConfigValue::Absent => None,
        ConfigValue::Json(s) if s.len() <= MAX_APP_STATE => Some(s.as_str()),
        ConfigValue::Json(_) => return Err(AuthError::config("appState", APP_STATE_TOO_LONG)),
        other => return Err(wrong_type("appState", "a JSON value", other)),
    };
    let navigate = r.bool("navigate")?.unwrap_or(true);
    if mode == Mode::Popup && !navigate {
        // A popup flow's promise is the result; there is no URL-only popup.
        return Err(AuthError::config(
            "navigate",
            "must not be false in popup mode; use mode \"redirect\" to get the URL",
        ));
    }
    if !matches!(r.get("signal"), ConfigValue::Absent | ConfigValue::Handle) {
        return Err(wrong_type("signal", "an AbortSignal", r.get("signal")));
    }
    if !matches!(r.get("onEvent"), ConfigValue::Absent | ConfigValue::Handle) {
        return Err(wrong_type("onEvent", "a function", r.get("onEvent")));
    }
    Ok(ValidatedConfig {
        provider,
        authorize_url: authorize_url(&r, provider)?,
        client_id: r.preset_field("clientId", provider)?,
        redirect_uri: redirect_uri(&r, page_origin)?,
        scope: scope(&r, provider)?,
        provider_id: r.preset_field("providerId", provider)?,
        correlation_id: r.preset_field("correlationId", provider)?,
        institution_id: r.preset_field("institutionId", provider)?,
        tag: r.preset_field("tag", provider)?,
        recipient_id: r.preset_field("recipientId", provider)?,
        lang: lang(&r, provider)?,
        mode,
        navigate,
        popup: popup(r.get("popup"))?,
        pkce: r.bool("pkce")?.unwrap_or(provider.pkce_by_default()),
        extra_params: extra_params(r.get("extraParams"), provider)?,
        app_state,
        ttl_seconds,
        storage,
        issuer: issuer(&r)?,
    })
}

#[cfg(test)]
mod tests {
    use super::{has_control, names_secret};

    /// The in-place reading agrees with searching the key's letters and digits, written out
    /// in lower case, for every key made of a few pieces of secret words and separators.
    #[test]
    fn names_secret_matches_the_written_out_search() {
        let written_out = |key: &str| {
            let k: String =
                key.bytes().filter(u8::is_ascii_alphanumeric).map(|b| char::from(b.to_ascii_lowercase())).collect();
            ["secret", "password", "privatekey", "authkey", "apikey"].iter().any(|s| k.contains(s))
        };
        let pieces =
            ["", "api", "Key", "_", "-", "s", "ecret", "SECRET", "pass", "word", "private", "auth", "é", "k3y", " "];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in ["", "x", "_key", "Secret"] {
                        let key = format!("{a}{b}{c}{d}");
                        assert_eq!(names_secret(&key), written_out(&key), "{key}");
                    }
                }
            }
        }
    }

    /// The byte reading agrees with std's `char::is_control` and `is_whitespace` for every
    /// `char`, alone and between other text.
    #[test]
    fn has_control_matches_std() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for spaces in [false, true] {
                let expected = c.is_control() || (spaces && c.is_whitespace());
                assert_eq!(has_control(&c.to_string(), spaces), expected, "{:X} {spaces}", u32::from(c));
                assert_eq!(has_control(&format!("é{c}a"), spaces), expected, "{:X} {spaces}", u32::from(c));
            }
        }
    }
}
