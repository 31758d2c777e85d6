//! The config for Rust frontends: one struct per provider preset, carrying that preset's
//! own fields, and the options every preset shares beside it.
//!
//! It is a second front door to the one validation: [`Config::entries`] lowers it to the
//! field/value pairs a JS config becomes, and [`super::config::validate`] applies the same
//! rules to both. What the types cannot say (a URL's scheme, a scope's characters, a
//! secret-looking name) is refused there with the same `invalid_config` error.

use super::config::{ConfigValue, Mode, PopupOptions, StorageArea};

/// Tink Link's OAuth2 redirect flow (`provider: "tink"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tink {
    /// Your Tink client id (public; the secret stays on your server).
    pub client_id: String,
    /// Tink's scopes, comma-separated as Tink writes them (`accounts:read,transactions:read`).
    pub scope: String,
}

/// One Flinks Connect scope (the enumeration in the Flinks document).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FlinksScope {
    /// `ACCOUNT_BASIC`: basic account information (always required).
    AccountBasic,
    /// `ACCOUNT_DETAILED`: detailed account information.
    AccountDetailed,
    /// `ACCOUNT_PAYMENTS`: payment information linked to the account.
    AccountPayments,
    /// `INVESTMENTS`: investment information linked to the account.
    Investments,
    /// `STATEMENTS`: PDF statements for the account.
    Statements,
    /// `CUSTOMER_CONTACT`: business contact information for the account.
    CustomerContact,
    /// `CUSTOMER_PERSONAL`: information about the customer who owns the account.
    CustomerPersonal,
    /// `TRANSACTIONS`: the list of transactions for the account.
    Transactions,
}

impl FlinksScope {
    /// Every scope, in the document's order.
    pub const ALL: [FlinksScope; 8] = [
        Self::AccountBasic,
        Self::AccountDetailed,
        Self::AccountPayments,
        Self::Investments,
        Self::Statements,
        Self::CustomerContact,
        Self::CustomerPersonal,
        Self::Transactions,
    ];

    /// The name Flinks reads (`ACCOUNT_BASIC`, ...; the list that validation checks is
    /// `provider::FLINKS_SCOPES`, and a test holds the two together).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccountBasic => "ACCOUNT_BASIC",
            Self::AccountDetailed => "ACCOUNT_DETAILED",
            Self::AccountPayments => "ACCOUNT_PAYMENTS",
            Self::Investments => "INVESTMENTS",
            Self::Statements => "STATEMENTS",
            Self::CustomerContact => "CUSTOMER_CONTACT",
            Self::CustomerPersonal => "CUSTOMER_PERSONAL",
            Self::Transactions => "TRANSACTIONS",
        }
    }
}

/// Flinks Connect's OAuth 2.0 flow (`provider: "flinks"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flinks {
    /// Your Flinks Connect instance's authorize endpoint (Flinks has no public default).
    pub authorize_url: String,
    /// Your Flinks client id.
    pub client_id: String,
    /// Must include [`FlinksScope::AccountBasic`]; each scope once.
    pub scope: Vec<FlinksScope>,
    /// The Data Provider (Flinks' `provider_id`).
    pub provider_id: String,
    /// Flinks' `correlation_id`; a random UUID is generated when absent.
    pub correlation_id: Option<String>,
    /// `en` (the default) or `fr`.
    pub lang: Option<String>,
}

/// Flinks Connect v3 (`provider: "flinks-v3"`): the answer is a `loginId`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlinksV3 {
    /// The instance name (`toolbox`, `sandbox`, ...); required unless
    /// [`Config::authorize_url`] is set, and refused beside it.
    pub instance: Option<String>,
    /// Flinks' `institution_id` (optional).
    pub institution_id: Option<String>,
    /// Flinks' `tag` (optional).
    pub tag: Option<String>,
    /// Flinks' `recipientId` (optional).
    pub recipient_id: Option<String>,
    /// ISO 639-1, `en` by default.
    pub lang: Option<String>,
}

/// Any RFC 6749 authorization server (`provider: "oauth2"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuth2 {
    /// The server's authorization endpoint.
    pub authorize_url: String,
    /// Your client id at that server.
    pub client_id: String,
    /// Space-separated RFC 6749 §3.3 scope tokens.
    pub scope: Option<String>,
}

/// A provider preset with its own fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Preset {
    /// `provider: "tink"`.
    Tink(Tink),
    /// `provider: "flinks"`.
    Flinks(Flinks),
    /// `provider: "flinks-v3"`.
    FlinksV3(FlinksV3),
    /// `provider: "oauth2"`.
    OAuth2(OAuth2),
}

/// `Preset::from(Tink { .. })` and alike, so that `Config::new` takes the struct itself.
macro_rules! preset_from {
    ($($variant:ident),*) => {$(
        impl From<$variant> for Preset {
            fn from(p: $variant) -> Self {
                Self::$variant(p)
            }
        }
    )*};
}
preset_from!(Tink, Flinks, FlinksV3, OAuth2);

/// A whole authorization config, the Rust twin of the JS `AuthorizationConfig`.
///
/// ```
/// use bank_link::core::typed::{Config, Tink};
/// let config = Config::new(
///     Tink { client_id: "my-client".into(), scope: "accounts:read".into() },
///     "https://app.example/callback",
/// )
/// .ttl_seconds(300);
/// assert_eq!(config.redirect_uri, "https://app.example/callback");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The provider and its own fields.
    pub preset: Preset,
    /// Where the provider sends the answer: on the page's own origin.
    pub redirect_uri: String,
    /// Overrides the preset's endpoint (Tink's public one, Flinks v3's from `instance`, or
    /// the one in [`Flinks`] or [`OAuth2`]).
    pub authorize_url: Option<String>,
    /// `Redirect` for `bank_link::start_authorization`, `Popup` for `bank_link::start_popup`
    /// (both in the browser build).
    pub mode: Mode,
    /// `false`: only build the URL and store the pending flow (redirect mode).
    pub navigate: bool,
    /// The popup's width, height and wait (popup mode).
    pub popup: PopupOptions,
    /// PKCE S256; `None` means the preset's default.
    pub pkce: Option<bool>,
    /// Further authorize-URL parameters (never the ones the library sets).
    pub extra_params: Vec<(String, String)>,
    /// JSON text handed back with the result (at most 16 KiB).
    pub app_state: Option<String>,
    /// How long the pending flow lives, 30 to 3600 s (default 600).
    pub ttl_seconds: Option<u32>,
    /// RFC 9207: the `iss` the callback must carry.
    pub issuer: Option<String>,
    /// Where the pending flow is kept: [`StorageArea::Local`] lets a callback that comes
    /// back in another tab complete (redirect mode).
    pub storage: StorageArea,
}

impl Config {
    /// A redirect-mode config with every option at its default.
    pub fn new(preset: impl Into<Preset>, redirect_uri: impl Into<String>) -> Self {
        Self {
            preset: preset.into(),
            redirect_uri: redirect_uri.into(),
            authorize_url: None,
            mode: Mode::Redirect,
            navigate: true,
            popup: PopupOptions::default(),
            pkce: None,
            extra_params: Vec::new(),
            app_state: None,
            ttl_seconds: None,
            issuer: None,
            storage: StorageArea::Session,
        }
    }

    /// Sets [`Config::authorize_url`].
    pub fn authorize_url(mut self, url: impl Into<String>) -> Self {
        self.authorize_url = Some(url.into());
        self
    }

    /// Popup mode, with the window's geometry and wait.
    pub fn popup(mut self, options: PopupOptions) -> Self {
        self.mode = Mode::Popup;
        self.popup = options;
        self
    }

    /// Sets [`Config::navigate`].
    pub fn navigate(mut self, navigate: bool) -> Self {
        self.navigate = navigate;
        self
    }

    /// Turns PKCE (RFC 7636, S256) on or off instead of the preset's default.
    pub fn pkce(mut self, pkce: bool) -> Self {
        self.pkce = Some(pkce);
        self
    }

    /// Adds one authorize-URL parameter.
    pub fn extra_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_params.push((name.into(), value.into()));
        self
    }

    /// `json` as JSON text (`serde_json::to_string(&value)`).
    pub fn app_state_json(mut self, json: impl Into<String>) -> Self {
        self.app_state = Some(json.into());
        self
    }

    /// Sets [`Config::ttl_seconds`].
    pub fn ttl_seconds(mut self, seconds: u32) -> Self {
        self.ttl_seconds = Some(seconds);
        self
    }

    /// Sets [`Config::storage`].
    pub fn storage(mut self, storage: StorageArea) -> Self {
        self.storage = storage;
        self
    }

    /// Sets [`Config::issuer`] (RFC 9207).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// The field/value pairs of the equivalent JS config, for
    /// [`super::config::validate`]: only what is set, named as in the JS API.
    pub fn entries(&self) -> Vec<(String, ConfigValue)> {
        let mut out = Vec::new();
        let mut put = |k: &str, v: ConfigValue| out.push((k.to_owned(), v));
        let text = |s: &str| ConfigValue::String(s.to_owned());
        let (provider, own): (&str, Vec<(&str, Option<ConfigValue>)>) = match &self.preset {
            Preset::Tink(p) => ("tink", vec![("clientId", Some(text(&p.client_id))), ("scope", Some(text(&p.scope)))]),
            Preset::Flinks(p) => (
                "flinks",
                vec![
                    ("authorizeUrl", Some(text(&p.authorize_url))),
                    ("clientId", Some(text(&p.client_id))),
                    ("scope", Some(ConfigValue::List(p.scope.iter().map(|s| text(s.as_str())).collect()))),
                    ("providerId", Some(text(&p.provider_id))),
                    ("correlationId", p.correlation_id.as_deref().map(text)),
                    ("lang", p.lang.as_deref().map(text)),
                ],
            ),
            Preset::FlinksV3(p) => (
                "flinks-v3",
                vec![
                    ("instance", p.instance.as_deref().map(text)),
                    ("institutionId", p.institution_id.as_deref().map(text)),
                    ("tag", p.tag.as_deref().map(text)),
                    ("recipientId", p.recipient_id.as_deref().map(text)),
                    ("lang", p.lang.as_deref().map(text)),
                ],
            ),
            Preset::OAuth2(p) => (
                "oauth2",
                vec![
                    ("authorizeUrl", Some(text(&p.authorize_url))),
                    ("clientId", Some(text(&p.client_id))),
                    ("scope", p.scope.as_deref().map(text)),
                ],
            ),
        };
        put("provider", text(provider));
        for (k, v) in own {
            if let Some(v) = v {
                put(k, v);
            }
        }
        put("redirectUri", text(&self.redirect_uri));
        // After the preset's own: the last value of a field is the one validation reads.
        if let Some(url) = &self.authorize_url {
            put("authorizeUrl", text(url));
        }
        put("mode", text(self.mode.as_str()));
        put("navigate", ConfigValue::Bool(self.navigate));
        let geometry =
            [("width", self.popup.width), ("height", self.popup.height), ("timeoutMs", self.popup.timeout_ms)];
        let popup: Vec<_> =
            geometry.iter().filter_map(|(k, v)| v.map(|n| ((*k).to_owned(), ConfigValue::Number(n.into())))).collect();
        if !popup.is_empty() {
            put("popup", ConfigValue::Map(popup));
        }
        if let Some(pkce) = self.pkce {
            put("pkce", ConfigValue::Bool(pkce));
        }
        if !self.extra_params.is_empty() {
            put("extraParams", ConfigValue::Map(self.extra_params.iter().map(|(k, v)| (k.clone(), text(v))).collect()));
        }
        if let Some(json) = &self.app_state {
            put("appState", ConfigValue::Json(json.clone()));
        }
        if let Some(ttl) = self.ttl_seconds {
            put("ttlSeconds", ConfigValue::Number(ttl.into()));
        }
        if let Some(issuer) = &self.issuer {
            put("issuer", text(issuer));
        }
        if self.storage != StorageArea::Session {
            put("storage", text(self.storage.as_str()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::{fields_for, validate};
    use crate::core::provider::{Provider, FLINKS_SCOPES};
    use crate::core::uri::NativeUrl;

    const ORIGIN: &str = "https://app.example";

    /// A preset with every field of its own set: the exhaustive match makes a new
    /// `Provider` a compile error here until it has its preset struct.
    fn full_preset(p: Provider) -> Preset {
        let s = |v: &str| v.to_owned();
        match p {
            Provider::Tink => Tink { client_id: s("c"), scope: s("accounts:read") }.into(),
            Provider::Flinks => Flinks {
                authorize_url: s("https://toolbox.flinks.example/oauth/authorize"),
                client_id: s("c"),
                scope: vec![FlinksScope::AccountBasic],
                provider_id: s("p"),
                correlation_id: Some(s("k")),
                lang: Some(s("fr")),
            }
            .into(),
            Provider::FlinksV3 => FlinksV3 {
                instance: Some(s("toolbox")),
                institution_id: Some(s("i")),
                tag: Some(s("t")),
                recipient_id: Some(s("r")),
                lang: Some(s("de")),
            }
            .into(),
            Provider::OAuth2 => {
                OAuth2 { authorize_url: s("https://as.example/a"), client_id: s("c"), scope: Some(s("openid")) }.into()
            }
        }
    }

    #[test]
    fn each_preset_struct_carries_exactly_its_provider_s_own_fields() {
        let common: Vec<&str> = Provider::ALL
            .into_iter()
            .flat_map(fields_for)
            .filter(|f| Provider::ALL.into_iter().all(|p| p.reads(f)))
            .collect();
        for p in Provider::ALL {
            let entries = Config::new(full_preset(p), "https://app.example/cb").entries();
            assert_eq!(entries.first().map(|(_, v)| v), Some(&ConfigValue::String(p.as_str().into())));
            let mut got: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).filter(|k| !common.contains(k)).collect();
            got.sort_unstable();
            let mut want: Vec<&str> = p.own_fields().map(|(f, _)| f).collect();
            want.sort_unstable();
            assert_eq!(got, want, "{p:?}");
            validate(&entries, ORIGIN, &NativeUrl).unwrap_or_else(|e| panic!("{p:?}: {e}"));
        }
    }

    #[test]
    fn flinks_scopes_name_the_document_s_list_in_order() {
        let names: Vec<&str> = FlinksScope::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, FLINKS_SCOPES);
    }

    #[test]
    fn every_preset_passes_the_one_validation_with_its_own_fields() {
        let configs = [
            Config::new(Tink { client_id: "c".into(), scope: "accounts:read".into() }, "https://app.example/cb"),
            Config::new(
                Flinks {
                    authorize_url: "https://toolbox.flinks.example/oauth/authorize".into(),
                    client_id: "c".into(),
                    scope: vec![FlinksScope::AccountBasic, FlinksScope::Transactions],
                    provider_id: "p".into(),
                    correlation_id: Some("k".into()),
                    lang: Some("fr".into()),
                },
                "https://app.example/cb",
            ),
            Config::new(FlinksV3 { instance: Some("toolbox".into()), ..FlinksV3::default() }, "https://app.example/cb")
                .popup(PopupOptions { width: Some(500), height: None, timeout_ms: Some(60_000) }),
            Config::new(
                OAuth2 {
                    authorize_url: "https://as.example/authorize".into(),
                    client_id: "c".into(),
                    scope: Some("openid".into()),
                },
                "https://app.example/cb",
            )
            .pkce(true)
            .extra_param("prompt", "login")
            .app_state_json(r#"{"from":"/settings"}"#)
            .ttl_seconds(300)
            .issuer("https://as.example")
            .navigate(false),
        ];
        for config in configs {
            let entries = config.entries();
            let cfg = validate(&entries, ORIGIN, &NativeUrl).unwrap_or_else(|e| panic!("{config:?}: {e}"));
            assert_eq!(cfg.redirect_uri(), config.redirect_uri);
            assert_eq!(cfg.mode(), config.mode);
            assert_eq!(cfg.navigate(), config.navigate);
            assert_eq!(cfg.popup(), &config.popup);
        }
    }

    #[test]
    fn what_the_types_cannot_say_is_refused_by_the_same_rules() {
        let refused = |config: Config, field: &str| {
            let e = validate(&config.entries(), ORIGIN, &NativeUrl).unwrap_err();
            assert_eq!((e.code.as_str(), e.field.as_deref()), ("invalid_config", Some(field)), "{config:?}");
        };
        let oauth2 = |url: &str| {
            let preset = OAuth2 { authorize_url: url.into(), client_id: "c".into(), scope: None };
            Config::new(preset, "https://app.example/cb")
        };
        refused(oauth2(""), "authorizeUrl");
        refused(oauth2("http://as.example/a"), "authorizeUrl");
        refused(oauth2("https://as.example/a").authorize_url("javascript:alert(1)"), "authorizeUrl");
        refused(oauth2("https://as.example/a").extra_param("client_secret", "s"), "extraParams.client_secret");
        refused(oauth2("https://as.example/a").ttl_seconds(5), "ttlSeconds");
        refused(Config::new(FlinksV3::default(), "https://app.example/cb"), "instance");
        let flinks = Flinks {
            authorize_url: "https://toolbox.flinks.example/oauth/authorize".into(),
            client_id: "c".into(),
            scope: vec![FlinksScope::Transactions],
            provider_id: "p".into(),
            correlation_id: None,
            lang: None,
        };
        refused(Config::new(flinks, "https://app.example/cb"), "scope");
        let tink = Tink { client_id: "c".into(), scope: "s".into() };
        refused(Config::new(tink, "https://elsewhere.example/cb"), "redirectUri");
    }
}
