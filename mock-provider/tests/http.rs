//! The mock over real sockets, against `start(...)` on port 0: ureq for well-formed
//! requests, a raw std TcpStream for the malformed ones the server must refuse.

use mock_provider::{start, Options, Running};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn location(&self) -> &str {
        assert_eq!(self.status, 302, "expected a redirect, got {} {}", self.status, self.body);
        self.header("location").expect("Location header")
    }
}

/// A temporary www/ and pkg/ with a few files, removed on drop.
struct Fixture {
    root: PathBuf,
    server: Option<Running>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown();
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

impl Fixture {
    fn app(&self) -> &str {
        &self.server.as_ref().unwrap().app_origin
    }

    fn prov(&self) -> &str {
        &self.server.as_ref().unwrap().provider_origin
    }
}

fn fixture(coop: bool) -> Fixture {
    fixture_with(coop, Vec::new())
}

fn fixture_with(coop: bool, app_headers: Vec<(String, String)>) -> Fixture {
    fixture_serving(coop, app_headers, None)
}

fn fixture_serving(coop: bool, app_headers: Vec<(String, String)>, wasm_type: Option<String>) -> Fixture {
    static N: AtomicUsize = AtomicUsize::new(0);
    let root = std::env::temp_dir().join(format!(
        "mock-provider-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let (www, pkg) = (root.join("www"), root.join("pkg"));
    std::fs::create_dir_all(&www).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(www.join("index.html"), "<!doctype html><title>demo</title>").unwrap();
    std::fs::write(www.join("callback.html"), "<!doctype html><title>callback</title>").unwrap();
    std::fs::write(www.join("demo.js"), "export {};").unwrap();
    std::fs::write(www.join("demo.css"), "body{}").unwrap();
    std::fs::write(www.join("data.json"), "{}").unwrap();
    std::fs::write(www.join("logo.png"), [0x89, b'P', b'N', b'G']).unwrap();
    std::fs::write(pkg.join("bank_link.js"), "export {};").unwrap();
    std::fs::write(pkg.join("bank_link_bg.wasm"), [0, b'a', b's', b'm', 1, 0, 0, 0]).unwrap();
    std::fs::write(pkg.join("index.d.ts"), "export {};").unwrap();
    std::fs::write(root.join("secret.txt"), "SECRET").unwrap();
    let server = start(Options {
        host: "127.0.0.1".into(),
        app_port: 0,
        provider_port: 0,
        www_dir: www,
        pkg_dir: pkg,
        coop,
        app_headers,
        wasm_type,
    })
    .expect("start");
    Fixture { root, server: Some(server) }
}

fn raw(origin: &str, request: &[u8]) -> Resp {
    let addr = origin.strip_prefix("http://").unwrap();
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // The server may answer (and close) before it reads everything, e.g. 431.
    let _ = s.write_all(request);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no response head in {text:?}"));
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .map(|l| {
            let (k, v) = l.split_once(':').unwrap();
            (k.to_string(), v.trim().to_string())
        })
        .collect();
    Resp { status, headers, body: body.to_string() }
}

/// An HTTP client for well-formed requests (ureq: no redirect following, statuses are
/// answers, not errors). Requests that are malformed on purpose go through [`raw`].
fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

fn resp(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
    let mut r = r.expect("HTTP request");
    let status = r.status().as_u16();
    let headers = r
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let body = r.body_mut().read_to_string().unwrap_or_default();
    Resp { status, headers, body }
}

/// A GET of `target` (path and query, sent as written).
fn get(origin: &str, target: &str) -> Resp {
    resp(client().get(format!("{origin}{target}")).call())
}

/// A GET whose target goes on the wire byte for byte (dot segments, backslashes, bad
/// escapes): a client library may normalise or refuse what these tests send on purpose.
fn get_as_written(origin: &str, target: &str) -> Resp {
    raw(origin, format!("GET {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").as_bytes())
}

fn post(origin: &str, path: &str, body: &str) -> Resp {
    resp(client().post(format!("{origin}{path}")).content_type("application/x-www-form-urlencoded").send(body))
}

/// Minimal percent-encoding for building test queries.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn query(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

/// Reads the hidden fields of the consent form, as a browser would submit them.
fn form_fields(html: &str) -> Vec<(String, String)> {
    let unescape = |s: &str| {
        s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    };
    html.split("<input type=\"hidden\" ")
        .skip(1)
        .map(|rest| {
            let name = rest.split("name=\"").nth(1).unwrap().split('"').next().unwrap();
            let value = rest.split("value=\"").nth(1).unwrap().split('"').next().unwrap();
            (unescape(name), unescape(value))
        })
        .collect()
}

/// GET the consent page, then submit its form with the given decision.
fn consent_and_decide(origin: &str, path: &str, q: &str, decision: &str) -> Resp {
    let page = get(origin, &format!("{path}?{q}"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<button id=\"approve\""));
    assert!(page.body.contains("<button id=\"deny\""));
    let action = page.body.split("<form method=\"post\" action=\"").nth(1).unwrap().split('"').next().unwrap();
    let mut fields = form_fields(&page.body);
    fields.push(("decision".into(), decision.into()));
    let body = fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&");
    post(origin, action, &body)
}

fn query_value<'a>(location: &'a str, name: &str) -> Option<&'a str> {
    let q = location.split_once('?')?.1;
    q.split('&').find_map(|kv| kv.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
}

const TINK: &str = "/link/0.2/oauth/auto-authorize.html";
const FLINKS: &str = "/api/v1/authorize";
const V3: &str = "/v3/oauth/authorize";
const OAUTH2: &str = "/oauth2/authorize";

fn tink_query(state: Option<&str>) -> String {
    let mut q = vec![
        ("client_id", "demo-client"),
        ("redirect_uri", "http://127.0.0.1:9/callback.html"),
        ("scope", "accounts:read,transactions:read"),
        ("response_type", "code"),
    ];
    if let Some(s) = state {
        q.push(("state", s));
    }
    query(&q)
}

fn flinks_pairs() -> Vec<(&'static str, &'static str)> {
    vec![
        ("client_id", "demo-recipient"),
        ("redirect_uri", "http://127.0.0.1:9/callback.html"),
        ("state", "abc"),
        ("response_type", "code"),
        ("scope", "ACCOUNT_BASIC TRANSACTIONS"),
        ("provider_id", "demo-bank"),
    ]
}

// ---------------------------------------------------------------------------------------
// Tink
// ---------------------------------------------------------------------------------------

#[test]
fn tink_approve_appends_code_and_state() {
    let f = fixture(false);
    let r = consent_and_decide(f.prov(), TINK, &tink_query(Some("s t&u")), "approve");
    let loc = r.location();
    let code = query_value(loc, "code").unwrap();
    assert_eq!(code.len(), 25);
    assert!(code.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(loc, format!("http://127.0.0.1:9/callback.html?code={code}&state=s%20t%26u"));
}

/// The demo's app-switch path: a third button posts the same approval into a new tab that
/// has no opener (its own sessionStorage, as a bank app's hand-back gives).
#[test]
fn the_consent_screen_offers_approval_in_a_new_tab_without_an_opener() {
    let f = fixture(false);
    let r = get(f.prov(), &format!("{TINK}?{}", tink_query(None)));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("rel=\"noopener\""), "{}", r.body);
    assert!(
        r.body.contains(
            "<button id=\"approve-new-tab\" type=\"submit\" name=\"decision\" value=\"approve\" formtarget=\"_blank\">"
        ),
        "{}",
        r.body
    );
}

#[test]
fn tink_approve_without_state_adds_only_code() {
    let f = fixture(false);
    let r = consent_and_decide(f.prov(), TINK, &tink_query(None), "approve");
    let loc = r.location();
    let code = query_value(loc, "code").unwrap();
    assert_eq!(loc, format!("http://127.0.0.1:9/callback.html?code={code}"));
}

#[test]
fn tink_deny_returns_redirect_uri_unchanged() {
    let f = fixture(false);
    let r = consent_and_decide(f.prov(), TINK, &tink_query(Some("xyz")), "deny");
    assert_eq!(r.location(), "http://127.0.0.1:9/callback.html");
    // A redirect_uri with its own query comes back byte for byte.
    let q = query(&[("client_id", "c"), ("redirect_uri", "https://app.example/cb?x=%41&y=1"), ("scope", "a")]);
    let r = consent_and_decide(f.prov(), TINK, &q, "deny");
    assert_eq!(r.location(), "https://app.example/cb?x=%41&y=1");
}

#[test]
fn tink_missing_or_invalid_parameters_are_400_html() {
    let f = fixture(false);
    for missing in ["client_id", "redirect_uri", "scope"] {
        let q: Vec<_> = [("client_id", "c"), ("redirect_uri", "https://a.example/cb"), ("scope", "s")]
            .into_iter()
            .filter(|(k, _)| *k != missing)
            .collect();
        let r = get(f.prov(), &format!("{TINK}?{}", query(&q)));
        assert_eq!(r.status, 400, "{missing}");
        assert!(r.header("content-type").unwrap().starts_with("text/html"));
        assert!(r.body.contains(missing), "{missing}: {}", r.body);
    }
    for bad in ["javascript:alert(1)", "/relative", "https://a.example/cb#frag", "https://a.example/c b", "https:///x"]
    {
        let r =
            get(f.prov(), &format!("{TINK}?{}", query(&[("client_id", "c"), ("redirect_uri", bad), ("scope", "s")])));
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.body.contains("redirect_uri"));
    }
    // CR/LF can never reach the Location header.
    let r = post(
        f.prov(),
        TINK,
        "client_id=c&scope=s&decision=approve&redirect_uri=https%3A%2F%2Fa.example%2F%0D%0ASet-Cookie%3A%20x",
    );
    assert_eq!(r.status, 400);
    assert!(r.header("set-cookie").is_none());
    // Repeated parameters (RFC 6749 §3.1).
    let r = get(f.prov(), &format!("{TINK}?{}&client_id=again", tink_query(None)));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("client_id"));
}

#[test]
fn tink_decision_revalidates() {
    let f = fixture(false);
    let r = post(f.prov(), TINK, "client_id=c&scope=s&decision=approve");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("redirect_uri"));
    let r = post(f.prov(), TINK, &format!("{}&decision=maybe", tink_query(None)));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("decision"));
}

#[test]
fn hostile_client_id_is_escaped() {
    let f = fixture(false);
    let evil = "<script>alert('x')</script>\"&";
    let q = query(&[("client_id", evil), ("redirect_uri", "https://a.example/cb"), ("scope", "<b>s</b>")]);
    let r = get(f.prov(), &format!("{TINK}?{q}"));
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("<script>"));
    assert!(!r.body.contains("<b>"));
    assert!(r.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;"));
    // The hidden field carries the exact value back.
    assert!(form_fields(&r.body).contains(&("client_id".to_string(), evil.to_string())));
    // Same on Flinks, where the error JSON also echoes nothing unescaped.
    let mut p = flinks_pairs();
    p[0] = ("client_id", evil);
    let r = get(f.prov(), &format!("{FLINKS}?{}", query(&p)));
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("<script>"));
}

// ---------------------------------------------------------------------------------------
// Flinks outbound
// ---------------------------------------------------------------------------------------

#[test]
fn flinks_approve_redirects_with_code_and_state() {
    let f = fixture(false);
    let r = consent_and_decide(f.prov(), FLINKS, &query(&flinks_pairs()), "approve");
    let loc = r.location();
    let code = query_value(loc, "code").unwrap();
    assert_eq!(code.len(), 32);
    assert_eq!(loc, format!("http://127.0.0.1:9/callback.html?code={code}&state=abc"));
    // A second approval gets a different code.
    let r2 = consent_and_decide(f.prov(), FLINKS, &query(&flinks_pairs()), "approve");
    assert_ne!(query_value(r2.location(), "code").unwrap(), code);
}

#[test]
fn flinks_approve_with_existing_query_uses_ampersand() {
    let f = fixture(false);
    let mut p = flinks_pairs();
    p[1] = ("redirect_uri", "https://app.example/cb?tenant=7");
    p[2] = ("state", "a b/c");
    let r = consent_and_decide(f.prov(), FLINKS, &query(&p), "approve");
    let loc = r.location();
    let code = query_value(loc, "code").unwrap();
    assert_eq!(loc, format!("https://app.example/cb?tenant=7&code={code}&state=a%20b%2Fc"));
}

#[test]
fn flinks_deny_redirect_is_the_documented_failure_response() {
    let f = fixture(false);
    let r = consent_and_decide(f.prov(), FLINKS, &query(&flinks_pairs()), "deny");
    assert_eq!(
        r.location(),
        "http://127.0.0.1:9/callback.html?error=access_denied&error_description=The%20user%20denied%20the%20access&state=abc"
    );
}

#[test]
fn flinks_missing_parameters_are_400_json() {
    let f = fixture(false);
    for missing in ["client_id", "redirect_uri", "state", "response_type", "scope", "provider_id"] {
        let p: Vec<_> = flinks_pairs().into_iter().filter(|(k, _)| *k != missing).collect();
        let r = get(f.prov(), &format!("{FLINKS}?{}", query(&p)));
        assert_eq!(r.status, 400, "{missing}");
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(
            r.body,
            format!("{{\"error\":\"invalid_request\",\"error_description\":\"missing required parameter {missing}\"}}")
        );
    }
}

#[test]
fn flinks_invalid_parameters_are_400_json() {
    let f = fixture(false);
    let cases: [(&str, &str, &str); 7] = [
        ("response_type", "token", "response_type"),
        ("scope", "TRANSACTIONS", "ACCOUNT_BASIC"),
        ("scope", "ACCOUNT_BASIC FOO", "FOO"),
        ("scope", "account_basic", "account_basic"),
        ("scope", "ACCOUNT_BASIC,TRANSACTIONS", "scope"),
        ("lang", "de", "lang"),
        ("redirect_uri", "ftp://x/cb", "redirect_uri"),
    ];
    for (name, value, expect) in cases {
        let mut p: Vec<_> = flinks_pairs().into_iter().filter(|(k, _)| *k != name).collect();
        p.push((name, value));
        let r = get(f.prov(), &format!("{FLINKS}?{}", query(&p)));
        assert_eq!(r.status, 400, "{name}={value}");
        assert!(r.body.starts_with("{\"error\":\"invalid_request\",\"error_description\":"), "{}", r.body);
        assert!(r.body.contains(expect), "{name}={value}: {}", r.body);
    }
    // All eight scopes, correlation_id and an empty lang (→ English) are fine.
    let mut p = flinks_pairs();
    p[4] = ("scope", "ACCOUNT_BASIC ACCOUNT_DETAILED ACCOUNT_PAYMENTS INVESTMENTS STATEMENTS CUSTOMER_CONTACT CUSTOMER_PERSONAL TRANSACTIONS");
    p.push(("correlation_id", "corr-1"));
    p.push(("lang", ""));
    let r = get(f.prov(), &format!("{FLINKS}?{}", query(&p)));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(">Approve</button>"));
    assert!(form_fields(&r.body).contains(&("correlation_id".into(), "corr-1".into())));
}

#[test]
fn flinks_consent_lists_scope_descriptions_in_english_and_french() {
    let f = fixture(false);
    let mut p = flinks_pairs();
    p[4] = ("scope", "ACCOUNT_BASIC STATEMENTS");
    let r = get(f.prov(), &format!("{FLINKS}?{}", query(&p)));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<title>Flinks"));
    assert!(r.body.contains("demo-recipient"));
    assert!(r.body.contains("<code>ACCOUNT_BASIC</code> — Basic account information"));
    assert!(r.body.contains("<code>STATEMENTS</code> — PDF statements for the account"));
    assert!(!r.body.contains("TRANSACTIONS"));
    assert!(r.body.contains(">Approve</button>") && r.body.contains(">Deny</button>"));

    p.push(("lang", "fr"));
    let r = get(f.prov(), &format!("{FLINKS}?{}", query(&p)));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<html lang=\"fr\">"));
    assert!(r.body.contains("Informations de base sur le compte"));
    assert!(r.body.contains(">Autoriser</button>") && r.body.contains(">Refuser</button>"));
    // The French choice survives the form: denial still carries the documented text.
    let r = consent_and_decide(f.prov(), FLINKS, &query(&p), "deny");
    assert!(r.location().contains("error_description=The%20user%20denied%20the%20access"));
}

#[test]
fn flinks_decision_revalidates() {
    let f = fixture(false);
    let mut p = flinks_pairs();
    p[3] = ("response_type", "token");
    p.push(("decision", "approve"));
    let r = post(f.prov(), FLINKS, &query(&p));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("response_type"));
}

#[test]
fn flinks_double_slash_path_from_the_doc_example_is_not_served() {
    // The document's example reads `{{host}}//api/v1/authorize`; the endpoint is /api/v1/authorize.
    let f = fixture(false);
    assert_eq!(get_as_written(f.prov(), &format!("/{FLINKS}?{}", query(&flinks_pairs()))).status, 404);
}

// ---------------------------------------------------------------------------------------
// Flinks v3
// ---------------------------------------------------------------------------------------

#[test]
fn v3_bad_lang_is_the_documented_400() {
    let f = fixture(false);
    for lang in ["english", "EN", "xx", "e", "f1", "bh", "en-US"] {
        let r = get(f.prov(), &format!("{V3}?{}", query(&[("lang", lang), ("state", "s")])));
        assert_eq!(r.status, 400, "{lang}");
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.body, r#"{"lang":["The field Lang must be a valid ISO-639-1 two letter code."]}"#);
    }
    assert_eq!(mock_provider::ISO_639_1.len(), 183);
    for lang in ["en", "fr", "de", "zu", ""] {
        let r = get(f.prov(), &format!("{V3}?{}", query(&[("lang", lang)])));
        assert_eq!(r.status, 302, "{lang}: {}", r.body);
    }
}

#[test]
fn v3_authorize_302s_to_the_consent_page() {
    let f = fixture(false);
    let q = query(&[
        ("redirect_uri", "http://127.0.0.1:9/callback.html"),
        ("state", "st 1"),
        ("lang", "fr"),
        ("institution_id", "14"),
        ("tag", "demo"),
        ("recipientId", "rec-1"),
    ]);
    let r = get(f.prov(), &format!("{V3}?{q}"));
    let loc = r.location().to_string();
    assert_eq!(
        loc,
        format!(
            "{}/v3/consent?institution_id=14&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback.html&state=st%201&lang=fr&tag=demo&recipientId=rec-1",
            f.prov()
        )
    );
    let page = get(f.prov(), loc.strip_prefix(f.prov()).unwrap());
    assert_eq!(page.status, 200);
    assert!(page.body.contains("rec-1"));
    assert!(page.body.contains(">Autoriser</button>") && page.body.contains(">Refuser</button>"));
    // No parameters at all: still a 302.
    assert_eq!(get(f.prov(), V3).location(), format!("{}/v3/consent", f.prov()));
}

fn v3_flow(f: &Fixture, pairs: &[(&str, &str)], decision: &str) -> Resp {
    let r = get(f.prov(), &format!("{V3}?{}", query(pairs)));
    let loc = r.location().strip_prefix(f.prov()).unwrap().to_string();
    let (path, q) = loc.split_once('?').unwrap();
    consent_and_decide(f.prov(), path, q, decision)
}

#[test]
fn v3_approve_redirects_with_login_id_and_state() {
    let f = fixture(false);
    let r = v3_flow(
        &f,
        &[("redirect_uri", "http://127.0.0.1:9/callback.html"), ("state", "abc"), ("lang", "en")],
        "approve",
    );
    let loc = r.location();
    let id = query_value(loc, "loginId").unwrap();
    assert_eq!(id.len(), 36);
    assert_eq!(id.matches('-').count(), 4);
    assert_eq!(loc, format!("http://127.0.0.1:9/callback.html?loginId={id}&state=abc"));
}

#[test]
fn v3_deny_redirects_with_access_denied_and_state() {
    let f = fixture(false);
    let r = v3_flow(&f, &[("redirect_uri", "https://app.example/cb?x=1"), ("state", "abc")], "deny");
    assert_eq!(r.location(), "https://app.example/cb?x=1&error=access_denied&state=abc");
}

#[test]
fn v3_consent_revalidates_lang() {
    let f = fixture(false);
    let r = get(f.prov(), "/v3/consent?lang=zz");
    assert_eq!(r.status, 400);
    assert_eq!(r.body, mock_provider::V3_BAD_LANG_BODY);
    let r = post(f.prov(), "/v3/consent", "lang=zz&decision=approve&redirect_uri=https%3A%2F%2Fa.example%2F");
    assert_eq!(r.status, 400);
    assert_eq!(r.body, mock_provider::V3_BAD_LANG_BODY);
}

// ---------------------------------------------------------------------------------------
// Headers, static files, robustness
// ---------------------------------------------------------------------------------------

#[test]
fn coop_header_follows_the_option() {
    let on = fixture(true);
    for target in [format!("{TINK}?{}", tink_query(None)), "/nope".into(), format!("{V3}?lang=xx")] {
        let r = get(on.prov(), &target);
        assert_eq!(r.header("cross-origin-opener-policy"), Some("same-origin"), "{target}");
    }
    // Even a malformed request's 400.
    let r = raw(on.prov(), b"garbage\r\n\r\n");
    assert_eq!(r.status, 400);
    assert_eq!(r.header("cross-origin-opener-policy"), Some("same-origin"));
    // The app origin never gets it.
    assert_eq!(get(on.app(), "/").header("cross-origin-opener-policy"), None);

    let off = fixture(false);
    assert_eq!(get(off.prov(), &format!("{TINK}?{}", tink_query(None))).header("cross-origin-opener-policy"), None);
}

#[test]
fn app_headers_go_on_every_app_response_and_only_there() {
    let csp = "script-src 'self' 'wasm-unsafe-eval'";
    let f = fixture_with(false, vec![("Content-Security-Policy".into(), csp.into())]);
    for path in ["/", "/demo.js", "/pkg/bank_link_bg.wasm", "/missing"] {
        assert_eq!(get(f.app(), path).header("content-security-policy"), Some(csp), "{path}");
    }
    // The provider's pages keep their own policy.
    assert_ne!(get(f.prov(), &format!("{TINK}?{}", tink_query(None))).header("content-security-policy"), Some(csp));
    assert_eq!(get(fixture(false).app(), "/").header("content-security-policy"), None);
}

/// The packaging suite's `wasm-untyped` page: `.wasm` files under another type, nothing else.
#[test]
fn a_wasm_type_changes_the_wasm_files_type_only() {
    let f = fixture_serving(false, Vec::new(), Some("application/octet-stream".into()));
    let r = get(f.app(), "/pkg/bank_link_bg.wasm");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    assert_eq!(get(f.app(), "/pkg/bank_link.js").header("content-type"), Some("text/javascript; charset=utf-8"));
    assert_eq!(get(f.app(), "/").header("content-type"), Some("text/html; charset=utf-8"));
}

#[test]
fn static_files_have_the_right_content_types() {
    let f = fixture(false);
    let cases = [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/demo.js", "text/javascript; charset=utf-8"),
        ("/demo.css", "text/css; charset=utf-8"),
        ("/data.json", "application/json"),
        ("/logo.png", "image/png"),
        ("/pkg/bank_link.js", "text/javascript; charset=utf-8"),
        ("/pkg/bank_link_bg.wasm", "application/wasm"),
        ("/pkg/index.d.ts", "text/plain; charset=utf-8"),
    ];
    for (path, ct) in cases {
        let r = get(f.app(), path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ct), "{path}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
    }
    assert_eq!(get(f.app(), "/").body, "<!doctype html><title>demo</title>");
    // Query strings are ignored.
    let r = get(f.app(), "/callback.html?code=abc&state=xyz");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "<!doctype html><title>callback</title>");
    assert_eq!(get(f.app(), "/missing.js").status, 404);
    assert_eq!(get(f.app(), "/pkg/").status, 404);
}

#[test]
fn mock_config_names_the_provider_origin() {
    let f = fixture(false);
    let r = get(f.app(), "/mock-config.json");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.body, format!("{{\"providerOrigin\":\"{}\"}}", f.prov()));
    assert!(f.prov().starts_with("http://127.0.0.1:") && !f.prov().ends_with(":0"));
    // A real OpenID Provider beside it (the e2e suite's oidc-provider) is named too.
    let server = f.server.as_ref().unwrap();
    server.set_oidc_issuer("http://127.0.0.1:9");
    server.set_oidc_issuer("http://127.0.0.1:10");
    let r = get(f.app(), "/mock-config.json");
    assert_eq!(r.body, format!("{{\"providerOrigin\":\"{}\",\"oidcIssuer\":\"http://127.0.0.1:9\"}}", f.prov()));
}

#[test]
fn path_traversal_is_refused() {
    let f = fixture(false);
    for path in [
        "/../secret.txt",
        "/pkg/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/pkg/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/pkg/..%5c..%5csecret.txt",
        "//etc/passwd",
        "/pkg//etc/passwd",
        "/%2fetc%2fpasswd",
        "/./index.html",
    ] {
        let r = get_as_written(f.app(), path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.body.contains("SECRET"), "{path}");
    }
}

#[test]
fn unknown_paths_and_methods() {
    let f = fixture(false);
    assert_eq!(get(f.prov(), "/nope").status, 404);
    assert_eq!(get(f.prov(), "/oauth2/token").status, 404);
    assert_eq!(get(f.prov(), &format!("{TINK}/")).status, 404);
    assert_eq!(get(f.app(), "/nope.html").status, 404);
    let r = raw(f.prov(), format!("DELETE {V3} HTTP/1.1\r\nHost: t\r\n\r\n").as_bytes());
    assert_eq!(r.status, 405);
    let r = raw(f.app(), b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(r.status, 405);
    let r = raw(f.app(), b"HEAD /demo.js HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some("10"));
    assert_eq!(r.body, "");
}

#[test]
fn malformed_requests_get_400_and_the_server_survives() {
    let f = fixture(false);
    let big = format!("GET / HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n", "a".repeat(20 * 1024));
    let bad: Vec<(Vec<u8>, u16)> = vec![
        (b"garbage\r\n\r\n".to_vec(), 400),
        (b"GET / HTTP/1.1\r\n\r\n".to_vec(), 400), // no Host
        (b"GET / HTTP/2.0\r\nHost: t\r\n\r\n".to_vec(), 400),
        (b"GET http://x/ HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(), 400),
        (b"GET / HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n".to_vec(), 400),
        (b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n".to_vec(), 400),
        (b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab".to_vec(), 400),
        (b"GET /\xff HTTP/1.1\r\nHost: t\r\n\r\n".to_vec(), 400),
        (big.into_bytes(), 431),
    ];
    for (req, status) in bad {
        for origin in [f.app(), f.prov()] {
            let r = raw(origin, &req);
            assert_eq!(r.status, status, "{:?}", String::from_utf8_lossy(&req[..req.len().min(60)]));
        }
    }
    // A bad percent-escape: in a provider query, and in an app path.
    let r = get_as_written(f.prov(), &format!("{TINK}?client_id=%zz"));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("percent-encoding"));
    assert_eq!(get_as_written(f.app(), "/%zz.js").status, 400);
    // A client that connects and leaves must not hurt anyone.
    drop(TcpStream::connect(f.prov().strip_prefix("http://").unwrap()).unwrap());
    // Still serving.
    assert_eq!(get(f.prov(), &format!("{TINK}?{}", tink_query(None))).status, 200);
    assert_eq!(get(f.app(), "/").status, 200);
}

#[test]
fn shutdown_stops_both_listeners() {
    let mut f = fixture(false);
    let running = f.server.take().unwrap();
    let (a, p) = (running.app_addr(), running.provider_addr());
    running.shutdown();
    assert!(TcpStream::connect(a).is_err());
    assert!(TcpStream::connect(p).is_err());
}

// ---------------------------------------------------------------------------------------
// Generic OAuth 2.0 (RFC 6749 §4.1 + RFC 7636)
// ---------------------------------------------------------------------------------------

/// The RFC 7636 Appendix B challenge.
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn oauth2_pairs() -> Vec<(&'static str, &'static str)> {
    vec![
        ("response_type", "code"),
        ("client_id", "demo-client"),
        ("redirect_uri", "http://127.0.0.1:9/callback.html?tenant=7"),
        ("scope", "openid accounts"),
        ("state", "st/1"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]
}

#[test]
fn oauth2_approve_and_deny() {
    let f = fixture(false);
    let page = get(f.prov(), &format!("{OAUTH2}?{}", query(&oauth2_pairs())));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<code>openid</code>") && page.body.contains("<code>accounts</code>"));
    assert!(page.body.contains("S256"));
    let r = consent_and_decide(f.prov(), OAUTH2, &query(&oauth2_pairs()), "approve");
    let loc = r.location();
    let code = query_value(loc, "code").unwrap();
    assert_eq!(loc, format!("http://127.0.0.1:9/callback.html?tenant=7&code={code}&state=st%2F1"));
    let r = consent_and_decide(f.prov(), OAUTH2, &query(&oauth2_pairs()), "deny");
    assert_eq!(
        r.location(),
        "http://127.0.0.1:9/callback.html?tenant=7&error=access_denied\
         &error_description=The%20resource%20owner%20denied%20the%20request.&state=st%2F1"
    );
    // state is optional in RFC 6749: without it, nothing is echoed.
    let p: Vec<_> = oauth2_pairs().into_iter().filter(|(k, _)| *k != "state").collect();
    let r = consent_and_decide(f.prov(), OAUTH2, &query(&p), "deny");
    assert!(!r.location().contains("state="), "{}", r.location());
}

#[test]
fn oauth2_bad_client_or_redirect_uri_is_an_error_page_not_a_redirect() {
    let f = fixture(false);
    for (name, value) in [("client_id", None), ("redirect_uri", None), ("redirect_uri", Some("/relative"))] {
        let mut p: Vec<_> = oauth2_pairs().into_iter().filter(|(k, _)| *k != name).collect();
        if let Some(v) = value {
            p.push((name, v));
        }
        let r = get(f.prov(), &format!("{OAUTH2}?{}", query(&p)));
        assert_eq!(r.status, 400, "{name} {value:?}");
        assert!(r.header("location").is_none());
        assert!(r.body.contains(name), "{}", r.body);
    }
    let mut p = oauth2_pairs();
    p.push(("client_id", "other"));
    assert_eq!(get(f.prov(), &format!("{OAUTH2}?{}", query(&p))).status, 400);
}

#[test]
fn oauth2_other_errors_go_back_to_the_redirect_uri() {
    let f = fixture(false);
    let cases: [(&str, Option<&str>, &str, &str); 6] = [
        ("response_type", None, "invalid_request", "missing%20required%20parameter%20response_type"),
        ("response_type", Some("token"), "unsupported_response_type", ""),
        ("code_challenge", None, "invalid_request", "code%20challenge%20required"),
        ("code_challenge", Some("short"), "invalid_request", ""),
        ("code_challenge_method", Some("S512"), "invalid_request", "transform%20algorithm%20not%20supported"),
        ("scope", Some("a"), "invalid_request", "repeated"),
    ];
    for (name, value, error, description) in cases {
        let mut p: Vec<_> = oauth2_pairs();
        if name != "scope" {
            p.retain(|(k, _)| *k != name);
        }
        if let Some(v) = value {
            p.push((name, v));
        }
        let r = get(f.prov(), &format!("{OAUTH2}?{}", query(&p)));
        let loc = r.location();
        assert!(loc.starts_with("http://127.0.0.1:9/callback.html?tenant=7&error="), "{loc}");
        assert_eq!(query_value(loc, "error"), Some(error), "{name}: {loc}");
        assert!(query_value(loc, "error_description").unwrap().contains(description), "{name}: {loc}");
        assert_eq!(query_value(loc, "state"), Some("st%2F1"), "{name}: {loc}");
    }
    // Without code_challenge_method the RFC 7636 default, plain, applies.
    let p: Vec<_> = oauth2_pairs().into_iter().filter(|(k, _)| *k != "code_challenge_method").collect();
    let page = get(f.prov(), &format!("{OAUTH2}?{}", query(&p)));
    assert_eq!(page.status, 200);
    assert!(form_fields(&page.body).contains(&("code_challenge_method".into(), "plain".into())));
}

#[test]
fn oauth2_decision_revalidates() {
    let f = fixture(false);
    let mut p: Vec<_> = oauth2_pairs().into_iter().filter(|(k, _)| *k != "code_challenge").collect();
    p.push(("decision", "approve"));
    let r = post(f.prov(), OAUTH2, &query(&p));
    assert!(r.location().contains("error=invalid_request"), "{}", r.location());
    assert!(!r.location().contains("code="));
}
