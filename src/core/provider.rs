//! The four presets and the parameters each sends, named exactly as its provider
//! documents them (the documents' public URLs and titles: docs/api.md, the opening list).

/// Which authorization server a flow talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// Tink's OAuth2 redirect flow (`/link/0.2/oauth/auto-authorize.html`).
    Tink,
    /// Flinks outbound authorization with a Data Provider (`/api/v1/authorize`).
    Flinks,
    /// Flinks v3 `/v3/oauth/authorize` on an instance; answers with `loginId`.
    FlinksV3,
    /// Any RFC 6749 authorization server (authorization code grant).
    OAuth2,
}

/// A query parameter a preset sends. Exhaustive: building the authorize URL matches on
/// it, so a new parameter cannot be forgotten there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// `client_id` (RFC 6749 §2.2).
    ClientId,
    /// `redirect_uri` (RFC 6749 §3.1.2).
    RedirectUri,
    /// `scope` (RFC 6749 §3.3).
    Scope,
    /// `state` (RFC 6749 §4.1.1).
    State,
    /// `response_type`, always `code` (RFC 6749 §4.1.1).
    ResponseType,
    /// Flinks' `provider_id` (the Data Provider).
    ProviderId,
    /// Flinks' `correlation_id`.
    CorrelationId,
    /// `lang` (Flinks, Flinks v3).
    Lang,
    /// Flinks v3 `institution_id`.
    InstitutionId,
    /// Flinks v3 `tag`.
    Tag,
    /// Flinks v3 `recipientId`.
    RecipientId,
}

impl Param {
    /// The name on the wire, exactly as the provider documents it.
    pub fn name(self) -> &'static str {
        match self {
            Self::ClientId => "client_id",
            Self::RedirectUri => "redirect_uri",
            Self::Scope => "scope",
            Self::State => "state",
            Self::ResponseType => "response_type",
            Self::ProviderId => "provider_id",
            Self::CorrelationId => "correlation_id",
            Self::Lang => "lang",
            Self::InstitutionId => "institution_id",
            Self::Tag => "tag",
            Self::RecipientId => "recipientId",
        }
    }
}

/// RFC 7636 §4.3 parameters, which every preset may send when PKCE is on.
pub const PKCE_PARAMS: [&str; 2] = ["code_challenge", "code_challenge_method"];

/// Parameters `extraParams` may never name, for any preset (docs/api.md, "Reserved
/// parameters"): they change how or where the answer is delivered (`response_mode`,
/// `redirect_uri`, a JAR `request` or `request_uri` that would carry its own), which flow
/// runs, or who asks, whether or not the preset sends them itself.
pub const RESERVED_PARAMS: [&str; 10] = [
    "response_type",
    "response_mode",
    "redirect_uri",
    "state",
    "client_id",
    "code_challenge",
    "code_challenge_method",
    "request",
    "request_uri",
    "scope",
];

/// How a preset checks `scope`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeRule {
    /// RFC 6749 §3.3 scope tokens, optional.
    Optional,
    /// RFC 6749 §3.3 scope tokens, at least one.
    Required,
    /// Flinks: names from [`FLINKS_SCOPES`] only, each once, `ACCOUNT_BASIC` among them.
    Flinks,
}

/// How a preset checks `lang` (which it sends, default `en`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LangRule {
    /// `en` or `fr`.
    EnOrFr,
    /// Any assigned ISO 639-1 code.
    Iso639,
}

impl Provider {
    /// Every preset, in docs/api.md's order.
    pub const ALL: [Provider; 4] = [Self::Tink, Self::Flinks, Self::FlinksV3, Self::OAuth2];

    /// This preset's bit in [`FIELDS`]: its place in [`Provider::ALL`].
    fn bit(self) -> u8 {
        1 << self as u8
    }

    /// The config fields this preset reads beyond the common ones, each with whether it
    /// is required. A field every preset reads is common; a field another preset reads is
    /// refused for this one (silently ignoring it would hide a mistake).
    pub fn own_fields(self) -> impl Iterator<Item = (&'static str, bool)> {
        FIELDS
            .iter()
            .filter(move |(_, reads, _)| *reads != EVERY && reads & self.bit() != 0)
            .map(move |(field, _, requires)| (*field, requires & self.bit() != 0))
    }

    /// Whether this preset reads the config field `field` (a name that is no config field
    /// counts as common).
    pub fn reads(self, field: &str) -> bool {
        field_of(field).is_none_or(|(_, reads, _)| reads & self.bit() != 0)
    }

    /// Whether `field` is one this preset requires.
    pub fn requires(self, field: &str) -> bool {
        field_of(field).is_some_and(|(_, _, requires)| requires & self.bit() != 0)
    }

    /// How this preset checks `scope`.
    pub fn scope_rule(self) -> ScopeRule {
        match self {
            Self::Flinks => ScopeRule::Flinks,
            Self::Tink => ScopeRule::Required,
            Self::FlinksV3 | Self::OAuth2 => ScopeRule::Optional,
        }
    }

    /// How this preset checks `lang`.
    pub fn lang_rule(self) -> LangRule {
        match self {
            Self::Flinks => LangRule::EnOrFr,
            _ => LangRule::Iso639,
        }
    }

    /// The callback parameters that carry this preset's answer, as its document says:
    /// a callback with none of them (and no `error`) is malformed.
    pub fn result_params(self) -> &'static [&'static str] {
        match self {
            Self::Tink => &["code", "credentials_id"],
            Self::FlinksV3 => &["loginId"],
            Self::Flinks | Self::OAuth2 => &["code"],
        }
    }

    /// Whether a bare return to the redirect URI is this preset's documented denial
    /// (Tink: "redirected to the same redirect URI, but without any ... parameters").
    pub fn denies_silently(self) -> bool {
        self == Self::Tink
    }

    /// The authorize endpoint of a named instance, for presets that have instances
    /// (Flinks v3: `https://{instance}-api.private.fin.ag/v3/oauth/authorize`).
    pub fn instance_endpoint(self) -> Option<(&'static str, &'static str)> {
        match self {
            Self::FlinksV3 => Some(("https://", "-api.private.fin.ag/v3/oauth/authorize")),
            _ => None,
        }
    }

    /// The config's `provider` value: `tink`, `flinks`, `flinks-v3` or `oauth2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tink => "tink",
            Self::Flinks => "flinks",
            Self::FlinksV3 => "flinks-v3",
            Self::OAuth2 => "oauth2",
        }
    }

    /// The preset named `s`, exactly as [`Provider::as_str`] writes it.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The query parameters this preset sets, in the order its document lists them.
    pub fn params(self) -> &'static [Param] {
        use Param::*;
        match self {
            Self::Tink => &[ClientId, RedirectUri, Scope, State, ResponseType],
            Self::Flinks => &[ClientId, RedirectUri, State, ResponseType, Scope, ProviderId, CorrelationId, Lang],
            Self::FlinksV3 => &[RedirectUri, State, Lang, InstitutionId, Tag, RecipientId],
            Self::OAuth2 => &[ResponseType, ClientId, RedirectUri, Scope, State],
        }
    }

    /// True when `name` is a parameter the library sets for this preset (compared without
    /// case: a server that reads `State` as `state` must not be handed a second one).
    pub fn sets_param(self, name: &str) -> bool {
        self.params().iter().map(|p| p.name()).chain(PKCE_PARAMS).any(|p| p.eq_ignore_ascii_case(name))
    }

    /// True when `extraParams` may not name `name`: what this preset sets, and the
    /// [`RESERVED_PARAMS`] of every preset (compared without case).
    pub fn reserves_param(self, name: &str) -> bool {
        // [`Provider::sets_param`] without its PKCE names, which [`RESERVED_PARAMS`] holds
        // (a test says so): no chained iterator of its own in the wasm.
        self.params().iter().any(|p| p.name().eq_ignore_ascii_case(name))
            || RESERVED_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(name))
    }

    /// Tink's documented endpoint. The document shows `http://`; we never send a user to
    /// a plain-http provider, so the preset uses https.
    pub fn default_authorize_url(self) -> Option<&'static str> {
        match self {
            Self::Tink => Some("https://www.tink.se/link/0.2/oauth/auto-authorize.html"),
            _ => None,
        }
    }

    /// PKCE by default only where the provider's document asks for it: RFC 9700 §2.1.1
    /// for generic OAuth 2.0 servers; the Tink and Flinks documents do not mention it.
    pub fn pkce_by_default(self) -> bool {
        self == Self::OAuth2
    }

    /// The RFC 6749 code for an `error` value, where the provider documents statuses of its
    /// own (Tink Link's `USER_CANCELLED` and friends); any other value as it came. The raw
    /// value stays in `params.error`.
    pub fn rfc6749_error(self, raw: &str) -> &str {
        match (self, raw) {
            (Self::Tink, "USER_CANCELLED") => "access_denied",
            (Self::Tink, "BAD_REQUEST") => "invalid_request",
            (Self::Tink, "INTERNAL_ERROR") => "server_error",
            (Self::Tink, "TEMPORARY_ERROR") => "temporarily_unavailable",
            _ => raw,
        }
    }
}

const TINK: u8 = 1;
const FLINKS: u8 = 2;
const FLINKS_V3: u8 = 4;
const OAUTH2: u8 = 8;
const EVERY: u8 = TINK | FLINKS | FLINKS_V3 | OAUTH2;

/// Every config field, in docs/api.md's order, with the presets that read it and those that
/// require it, a bit for each ([`Provider::ALL`]'s order). One table of small numbers rather
/// than a list of names per preset: the package carries each name once, and no pointers to
/// them per preset.
pub const FIELDS: [(&str, u8, u8); 23] = [
    ("provider", EVERY, 0),
    ("authorizeUrl", EVERY, 0),
    ("instance", FLINKS_V3, 0),
    ("clientId", TINK | FLINKS | OAUTH2, TINK | FLINKS | OAUTH2),
    ("redirectUri", EVERY, 0),
    ("scope", TINK | FLINKS | OAUTH2, TINK | FLINKS),
    ("providerId", FLINKS, FLINKS),
    ("correlationId", FLINKS, 0),
    ("institutionId", FLINKS_V3, 0),
    ("tag", FLINKS_V3, 0),
    ("recipientId", FLINKS_V3, 0),
    ("lang", FLINKS | FLINKS_V3, 0),
    ("mode", EVERY, 0),
    ("navigate", EVERY, 0),
    ("popup", EVERY, 0),
    ("signal", EVERY, 0),
    ("pkce", EVERY, 0),
    ("extraParams", EVERY, 0),
    ("appState", EVERY, 0),
    ("ttlSeconds", EVERY, 0),
    ("issuer", EVERY, 0),
    ("storage", EVERY, 0),
    ("onEvent", EVERY, 0),
];

/// The entry of [`FIELDS`] named `field`.
fn field_of(field: &str) -> Option<&'static (&'static str, u8, u8)> {
    FIELDS.iter().find(|(f, ..)| *f == field)
}

/// Flinks outbound scopes (`/api/v1/authorize`, `scope`); its document's descriptions
/// are comments, so they stay out of the wasm.
pub const FLINKS_SCOPES: [&str; 8] = [
    "ACCOUNT_BASIC",     // Basic account information
    "ACCOUNT_DETAILED",  // Detailed account information
    "ACCOUNT_PAYMENTS",  // Payment information linked to the account
    "INVESTMENTS",       // Investment information linked to the account
    "STATEMENTS",        // PDF statements for the account
    "CUSTOMER_CONTACT",  // Business contact information for the account
    "CUSTOMER_PERSONAL", // Information about the customer who owns the account
    "TRANSACTIONS",      // List of transactions for the account
];

/// ISO 639-1 two-letter codes (the 183 assigned ones), for Flinks v3 `lang`, whose
/// server answers 400 "The field Lang must be a valid ISO-639-1 two letter code".
const ISO_639_1: &str = "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy \
da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik \
io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt \
my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so \
sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

/// The list as a bitmap of the 26×26 two-letter codes, built at compile time: 85 bytes of
/// wasm instead of the 550-byte list.
#[allow(
    clippy::indexing_slicing,
    reason = "compile-time construction: codes are two lowercase letters, n < 676 = 85 * 8"
)]
const ISO_BITS: [u8; 85] = {
    let list = ISO_639_1.as_bytes();
    let mut bits = [0u8; 85];
    let mut i = 0;
    while i + 1 < list.len() {
        let n = (list[i] - b'a') as usize * 26 + (list[i + 1] - b'a') as usize;
        bits[n / 8] |= 1 << (n % 8);
        i += 3;
    }
    bits
};

/// Whether `code` is an assigned ISO 639-1 code, in lower case.
pub fn is_iso_639_1(code: &str) -> bool {
    match *code.as_bytes() {
        [a @ b'a'..=b'z', b @ b'a'..=b'z'] => {
            let n = usize::from(a - b'a') * 26 + usize::from(b - b'a');
            ISO_BITS.get(n / 8).is_some_and(|byte| byte & (1 << (n % 8)) != 0)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_list_has_183_codes() {
        assert_eq!(ISO_639_1.split(' ').count(), 183);
        assert!(is_iso_639_1("en") && is_iso_639_1("fr") && is_iso_639_1("zu"));
        assert!(!is_iso_639_1("EN") && !is_iso_639_1("xx") && !is_iso_639_1("e") && !is_iso_639_1("eng"));
        // The bitmap holds exactly the list.
        let mut n = 0;
        for a in b'a'..=b'z' {
            for b in b'a'..=b'z' {
                let code = String::from_utf8(vec![a, b]).unwrap_or_default();
                assert_eq!(is_iso_639_1(&code), ISO_639_1.split(' ').any(|c| c == code), "{code}");
                n += usize::from(is_iso_639_1(&code));
            }
        }
        assert_eq!(n, 183);
    }

    /// config.rs's scope check keeps a bit per Flinks scope in a `u8`, `ACCOUNT_BASIC` the first.
    #[test]
    fn flinks_scopes_fit_a_byte_account_basic_first() {
        assert!(FLINKS_SCOPES.len() <= 8);
        assert_eq!(FLINKS_SCOPES.first(), Some(&"ACCOUNT_BASIC"));
    }

    #[test]
    fn reserves_what_it_sets() {
        assert!(PKCE_PARAMS.iter().all(|p| RESERVED_PARAMS.contains(p)));
        for p in Provider::ALL {
            for name in p.params().iter().map(|p| p.name()).chain(PKCE_PARAMS).chain(RESERVED_PARAMS) {
                assert!(p.reserves_param(name) && p.reserves_param(&name.to_ascii_uppercase()), "{name}");
            }
            assert!(!p.reserves_param("prompt"));
        }
    }

    #[test]
    fn sets_param_ignores_case() {
        assert!(Provider::Tink.sets_param("STATE"));
        assert!(Provider::FlinksV3.sets_param("recipientid"));
        assert!(!Provider::FlinksV3.sets_param("client_id"));
    }
}
