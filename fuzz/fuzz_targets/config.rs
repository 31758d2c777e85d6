//! Config validation and the authorize-URL round trip. The input picks field names and
//! values (strings, numbers, booleans, lists, objects); the oracle: no panic; an
//! accepted config has its redirect URI on the page's origin, an https (or loopback
//! http) endpoint without userinfo or fragment, and no secret-looking key; and its
//! authorize URL parses (url crate) back to exactly the state, client_id, redirect_uri
//! and extra parameters it was built from.
#![no_main]

use bank_link::core::authorize::begin;
use bank_link::core::config::{fields_for, validate, ConfigValue};
use bank_link::core::entropy::Seed;
use bank_link::core::provider::Provider;
use bank_link::core::store::MemoryStore;
use bank_link::core::uri::NativeUrl;
use libfuzzer_sys::fuzz_target;

const ORIGIN: &str = "https://app.example";
/// Keys that are not config fields, or are nested ones, or name a secret.
const ODD_KEYS: [&str; 4] = ["clientSecret", "width", "timeoutMs", "response_mode"];

/// Every config field some preset reads (the core's own list), and the odd keys; made once.
fn keys() -> &'static [&'static str] {
    static KEYS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let mut keys: Vec<&str> = Provider::ALL.into_iter().flat_map(fields_for).collect();
        keys.sort_unstable();
        keys.dedup();
        keys.extend(ODD_KEYS);
        keys
    })
}
const TEXTS: [&str; 16] = [
    "oauth2",
    "tink",
    "flinks",
    "flinks-v3",
    "https://as.example/authorize",
    "https://app.example/cb",
    "http://localhost:8080/cb",
    "https://app.example/cb?as=b",
    "toolbox",
    "ACCOUNT_BASIC TRANSACTIONS",
    "en",
    "popup",
    "redirect",
    "https://evil.example/cb",
    "javascript:alert(1)",
    "https://as.example",
];

struct Input<'a>(&'a [u8]);
impl Input<'_> {
    fn byte(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        b
    }
    fn text(&mut self) -> String {
        match self.byte() % 4 {
            0 => {
                // Raw bytes of the input, as text.
                let n = usize::from(self.byte() % 24).min(self.0.len());
                let (t, rest) = self.0.split_at(n);
                self.0 = rest;
                String::from_utf8_lossy(t).into_owned()
            }
            _ => TEXTS[usize::from(self.byte()) % TEXTS.len()].to_owned(),
        }
    }
    fn value(&mut self, depth: u8) -> ConfigValue {
        match self.byte() % 7 {
            0 => ConfigValue::Absent,
            1 => ConfigValue::Bool(self.byte().is_multiple_of(2)),
            2 => ConfigValue::Number(f64::from(self.byte()) * 100.0 - 1000.0),
            3 if depth < 2 => ConfigValue::List((0..self.byte() % 4).map(|_| self.value(depth + 1)).collect()),
            4 if depth < 2 => {
                ConfigValue::Map((0..self.byte() % 4).map(|_| (self.text(), self.value(depth + 1))).collect())
            }
            5 => ConfigValue::Json(self.text()),
            _ => ConfigValue::String(self.text()),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let mut entries = vec![
        ("provider".to_owned(), ConfigValue::String(TEXTS[usize::from(input.byte() % 4)].to_owned())),
        ("redirectUri".to_owned(), ConfigValue::String("https://app.example/cb".to_owned())),
    ];
    for _ in 0..input.byte() % 8 {
        let keys = keys();
        let key = keys[usize::from(input.byte()) % keys.len()].to_owned();
        let value = input.value(0);
        entries.push((key, value));
    }
    let Ok(cfg) = validate(&entries, ORIGIN, &NativeUrl) else { return };
    for (key, _) in &entries {
        let k = key.to_ascii_lowercase();
        assert!(!k.contains("secret") && !k.contains("password"), "a secret-looking key passed: {key}");
    }
    let redirect = url::Url::parse(cfg.redirect_uri()).expect("an accepted redirect URI parses");
    assert_eq!(redirect.origin().ascii_serialization(), ORIGIN, "redirect URI off the page's origin");
    let endpoint = url::Url::parse(cfg.authorize_url().href()).expect("the endpoint parses");
    let loopback = matches!(endpoint.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    assert!(endpoint.scheme() == "https" || (endpoint.scheme() == "http" && loopback), "{endpoint}");
    assert!(endpoint.username().is_empty() && endpoint.password().is_none() && endpoint.fragment().is_none());

    let mut store = MemoryStore::default();
    let Ok(auth) = begin(&cfg, &Seed([7; 80]), 1_700_000_000_000, &mut store) else { return };
    let url = url::Url::parse(&auth.url).expect("the authorize URL parses");
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let one = |name: &str| pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
    assert_eq!(one("state"), [auth.state.as_str()], "exactly our state: {}", auth.url);
    assert_eq!(one("redirect_uri"), [cfg.redirect_uri()]);
    if let Some(client) = cfg.client_id() {
        assert_eq!(one("client_id"), [client]);
    }
    for (k, v) in cfg.extra_params() {
        assert!(one(k).contains(v), "extra parameter {k} lost: {}", auth.url);
    }
});
