//! The provider's origin: stand-ins for four authorization endpoints, three of them
//! documented by their providers.
//!
//! Sources:
//! - Tink: API reference, "OAuth › Initiate an authorization" (https://docs.tink.com/api)
//!   — `GET /link/0.2/oauth/auto-authorize.html`.
//! - Flinks outbound: "Authorize With a Data Provider"
//!   (https://docs.flinks.com/api/outbound/endpoints/authorize/authorize-with-a-data-provider)
//!   — `GET /api/v1/authorize`.
//! - Flinks v3: "/OAuth/Authorize" (https://docs.flinks.com/api/authorize/custom/oauth-authorize)
//!   — `GET /v3/oauth/authorize`.
//! - A generic OAuth 2.0 server (RFC 6749 §4.1 with RFC 7636 PKCE) for the `oauth2`
//!   preset: `GET /oauth2/authorize`. No provider document: the RFCs are the spec.
//!
//! Each consent screen is a form that posts its request parameters back (as hidden
//! fields) together with `decision=approve|deny`; the POST handler validates everything
//! again before redirecting, exactly as it did for the GET.

use crate::http::{Request, Response};
use crate::util::{append_query, encode_form, html_escape, json_string, parse_form, random_hex, random_uuid};

pub const TINK_PATH: &str = "/link/0.2/oauth/auto-authorize.html";
pub const FLINKS_PATH: &str = "/api/v1/authorize";
pub const V3_PATH: &str = "/v3/oauth/authorize";
/// Where `/v3/oauth/authorize` sends the user with its 302 (the mock's own consent page).
pub const V3_CONSENT_PATH: &str = "/v3/consent";
pub const OAUTH2_PATH: &str = "/oauth2/authorize";

/// The eight scopes of the Flinks outbound document, with its descriptions (English as
/// documented, French translated for `lang=fr`).
pub const FLINKS_SCOPES: [(&str, &str, &str); 8] = [
    ("ACCOUNT_BASIC", "Basic account information", "Informations de base sur le compte"),
    ("ACCOUNT_DETAILED", "Detailed account information", "Informations détaillées sur le compte"),
    ("ACCOUNT_PAYMENTS", "Payment information linked to the account", "Informations de paiement liées au compte"),
    ("INVESTMENTS", "Investment information linked to the account", "Informations sur les placements liés au compte"),
    ("STATEMENTS", "PDF statements for the account", "Relevés du compte en format PDF"),
    (
        "CUSTOMER_CONTACT",
        "Business contact information for the account",
        "Coordonnées professionnelles associées au compte",
    ),
    (
        "CUSTOMER_PERSONAL",
        "Information about the customer who owns the account",
        "Renseignements sur le client titulaire du compte",
    ),
    ("TRANSACTIONS", "List of transactions for the account", "Liste des transactions du compte"),
];

/// The scope list the v3 document's example 302 body forwards to the data provider
/// (`<input name="scope" value="...">`); v3 itself takes no `scope` parameter.
const V3_EXAMPLE_SCOPE: &str =
    "ACCOUNT_BASIC ACCOUNT_DETAILED ACCOUNT_PAYMENTS INVESTMENTS TRANSACTIONS STATEMENTS CUSTOMER_CONTACT CUSTOMER_PERSONAL";

/// The Flinks outbound denial text, verbatim from the document's "Failure Response".
pub const FLINKS_DENIED_DESCRIPTION: &str = "The user denied the access";

/// The v3 document's 400 body for a bad `lang`, verbatim.
pub const V3_BAD_LANG_BODY: &str = r#"{"lang":["The field Lang must be a valid ISO-639-1 two letter code."]}"#;

/// Every ISO 639-1 code currently in the standard (183; the withdrawn `bh`, `in`, `iw`,
/// `ji`, `jw`, `mo`, `sh` are not). Lowercase only, as the standard writes them.
pub const ISO_639_1: [&str; 183] = [
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi", "bm", "bn", "bo",
    "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv", "dz", "ee", "el", "en", "eo",
    "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi",
    "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka",
    "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd", "ne", "ng",
    "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn",
    "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su",
    "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur",
    "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lang {
    En,
    Fr,
}

pub struct Provider {
    /// e.g. `http://127.0.0.1:8081`, used for the absolute v3 302 `Location`.
    pub origin: String,
}

/// Decoded parameters of a query string or a form body.
struct Params(Vec<(String, String)>);

impl Params {
    fn first(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn count(&self, name: &str) -> usize {
        self.0.iter().filter(|(k, _)| k == name).count()
    }

    /// Strict lookup (Tink, Flinks outbound): RFC 6749 §3.1 — parameters "MUST NOT be
    /// included more than once" — so a repeated parameter is an error.
    fn single(&self, name: &str) -> Result<Option<&str>, String> {
        match self.count(name) {
            0 => Ok(None),
            1 => Ok(self.first(name)),
            _ => Err(format!("parameter {name} is repeated")),
        }
    }

    /// Required and non-empty.
    fn required(&self, name: &str) -> Result<&str, String> {
        match self.single(name)? {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(format!("missing required parameter {name}")),
        }
    }
}

/// The redirect URI goes verbatim into a `Location` header, so it must be a plain
/// absolute http(s) URI: visible ASCII only (no spaces, no CR/LF, no non-ASCII), a
/// non-empty authority, and no fragment (RFC 6749 §3.1.2). None of the documents states
/// rules for it; these are the RFC's plus what a header can carry.
fn check_redirect_uri(uri: &str) -> Result<(), String> {
    let lower = uri.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    let ok = match rest {
        Some(rest) => {
            !rest.is_empty()
                && !rest.starts_with(['/', '?', '#'])
                && !uri.contains('#')
                && uri.bytes().all(|b| (0x21..0x7f).contains(&b))
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err("parameter redirect_uri is invalid (must be an absolute http or https URI without a fragment)".into())
    }
}

fn lang_attr(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Fr => "fr",
    }
}

/// What a consent screen shows and carries.
struct Consent<'a> {
    lang: Lang,
    provider: &'a str,
    /// Who asks: the client (Tink) or Data Recipient (Flinks).
    client_label: &'a str,
    client: &'a str,
    details: Vec<(&'a str, &'a str)>,
    /// Scope string and, where a document gives one, its description.
    scopes: Vec<(String, Option<&'static str>)>,
    action: &'a str,
    hidden: Vec<(&'a str, &'a str)>,
}

const PAGE_STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;padding:2rem}\
main{max-width:32rem;margin:auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 4px #0002}\
h1{font-size:1.3rem}code{background:#eef;padding:0 .25em;border-radius:3px}dt{font-weight:600}\
.buttons{display:flex;gap:1rem;margin-top:1.5rem}button{font-size:1rem;padding:.5rem 1.5rem;border-radius:4px;border:1px solid #888;cursor:pointer}\
#approve{background:#1a7f37;color:#fff;border-color:#1a7f37}.mock{color:#888;font-size:.8rem;margin-top:2rem}";

fn page(lang: Lang, title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n\
         <style>{PAGE_STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        lang_attr(lang),
        html_escape(title),
    )
}

fn render_consent(c: &Consent) -> String {
    let fr = c.lang == Lang::Fr;
    let title = if fr {
        format!("{} — Autoriser {}", c.provider, c.client)
    } else {
        format!("{} — Authorize {}", c.provider, c.client)
    };
    let mut body = String::new();
    body.push_str(&format!("<h1 id=\"title\">{}</h1>\n", html_escape(&title)));
    body.push_str(&format!(
        "<p>{} <strong id=\"client\">{}</strong> {}</p>\n",
        html_escape(c.client_label),
        html_escape(c.client),
        if fr { "demande l’accès aux données suivantes :" } else { "asks for access to the following data:" }
    ));
    body.push_str("<ul id=\"scopes\">\n");
    for (scope, desc) in &c.scopes {
        match desc {
            Some(d) => body.push_str(&format!("<li><code>{}</code> — {}</li>\n", html_escape(scope), html_escape(d))),
            None => body.push_str(&format!("<li><code>{}</code></li>\n", html_escape(scope))),
        }
    }
    body.push_str("</ul>\n");
    if !c.details.is_empty() {
        body.push_str("<dl id=\"details\">\n");
        for (k, v) in &c.details {
            body.push_str(&format!("<dt>{}</dt><dd>{}</dd>\n", html_escape(k), html_escape(v)));
        }
        body.push_str("</dl>\n");
    }
    // rel="noopener": "Approve in a new tab" opens the answer in a tab with no opener and
    // its own sessionStorage, as a bank app that opens the redirect URI does (the demo's
    // app-switch path; the protocol is the same POST).
    body.push_str(&format!("<form method=\"post\" action=\"{}\" rel=\"noopener\">\n", html_escape(c.action)));
    for (k, v) in &c.hidden {
        body.push_str(&format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">\n", html_escape(k), html_escape(v)));
    }
    let (yes, no, tab) = if fr {
        ("Autoriser", "Refuser", "Autoriser dans un nouvel onglet")
    } else {
        ("Approve", "Deny", "Approve in a new tab")
    };
    body.push_str(&format!(
        "<div class=\"buttons\">\n<button id=\"approve\" type=\"submit\" name=\"decision\" value=\"approve\">{yes}</button>\n\
         <button id=\"deny\" type=\"submit\" name=\"decision\" value=\"deny\">{no}</button>\n\
         <button id=\"approve-new-tab\" type=\"submit\" name=\"decision\" value=\"approve\" formtarget=\"_blank\">{tab}</button>\n</div>\n</form>\n"
    ));
    body.push_str(if fr {
        "<p class=\"mock\">Fournisseur fictif pour les tests — aucune donnée réelle.</p>\n"
    } else {
        "<p class=\"mock\">Mock provider for testing — no real data.</p>\n"
    });
    page(c.lang, &title, &body)
}

enum Decision {
    Approve,
    Deny,
}

/// The POST body of a consent form, and the user's decision in it.
fn form_body(req: &Request) -> Result<(Params, Decision), String> {
    if let Some(ct) = req.header("content-type") {
        let media = ct.split(';').next().unwrap_or("").trim();
        if !media.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Err("the consent form must be posted as application/x-www-form-urlencoded".into());
        }
    }
    let body = std::str::from_utf8(&req.body).map_err(|_| "request body is not UTF-8".to_string())?;
    let params = Params(parse_form(body)?);
    let decision = match params.single("decision")? {
        Some("approve") => Decision::Approve,
        Some("deny") => Decision::Deny,
        _ => return Err("parameter decision must be approve or deny".into()),
    };
    Ok((params, decision))
}

fn query_params(req: &Request) -> Result<Params, String> {
    Ok(Params(parse_form(req.query.as_deref().unwrap_or(""))?))
}

impl Provider {
    pub fn handle(&self, req: &Request) -> Response {
        let mut resp = self.route(req);
        resp.headers.push(("Cache-Control".into(), "no-store".into()));
        resp.headers.push(("X-Content-Type-Options".into(), "nosniff".into()));
        let is_html = resp.headers.iter().any(|(k, v)| k == "Content-Type" && v.starts_with("text/html"));
        if is_html {
            // Defence in depth for the echo tests: no script can run on these pages.
            // (No form-action: it would also govern the redirect after the POST.)
            resp.headers
                .push(("Content-Security-Policy".into(), "default-src 'none'; style-src 'unsafe-inline'".into()));
        }
        resp
    }

    fn route(&self, req: &Request) -> Response {
        let m = req.method.as_str();
        match (req.path.as_str(), m) {
            ("/", "GET" | "HEAD") => self.index(),
            (TINK_PATH, "GET" | "HEAD") => tink_consent(req),
            (TINK_PATH, "POST") => tink_decision(req),
            (FLINKS_PATH, "GET" | "HEAD") => flinks_consent(req),
            (FLINKS_PATH, "POST") => flinks_decision(req),
            (V3_PATH, "GET" | "HEAD") => self.v3_authorize(req),
            (V3_CONSENT_PATH, "GET" | "HEAD") => v3_consent(req),
            (V3_CONSENT_PATH, "POST") => v3_decision(req),
            (OAUTH2_PATH, "GET" | "HEAD") => oauth2_consent(req),
            (OAUTH2_PATH, "POST") => oauth2_decision(req),
            ("/", _) | (V3_PATH, _) => Response::method_not_allowed("GET, HEAD"),
            (TINK_PATH | FLINKS_PATH | V3_CONSENT_PATH | OAUTH2_PATH, _) => {
                Response::method_not_allowed("GET, HEAD, POST")
            }
            _ => Response::not_found(),
        }
    }

    fn index(&self) -> Response {
        let body = format!(
            "<h1>Mock provider</h1>\n<ul>\n<li>Tink: <code>GET {TINK_PATH}</code></li>\n\
             <li>Flinks outbound: <code>GET {FLINKS_PATH}</code></li>\n\
             <li>Flinks v3: <code>GET {V3_PATH}</code> → 302 <code>{V3_CONSENT_PATH}</code></li>\n\
             <li>OAuth 2.0 (RFC 6749 + PKCE): <code>GET {OAUTH2_PATH}</code></li>\n</ul>\n"
        );
        Response::html(200, page(Lang::En, "Mock provider", &body))
    }
}

// ---------------------------------------------------------------------------------------
// Tink: GET /link/0.2/oauth/auto-authorize.html
// ---------------------------------------------------------------------------------------

struct TinkRequest<'a> {
    client_id: &'a str,
    redirect_uri: &'a str,
    scope: &'a str,
    /// Not in Tink's parameter table; echoed on approval when given (OAuth 2.0 practice).
    state: Option<&'a str>,
    /// Not in Tink's parameter table; carried through, not checked.
    response_type: Option<&'a str>,
    /// PKCE (RFC 7636), not in Tink's document; carried through.
    code_challenge: Option<&'a str>,
    code_challenge_method: Option<&'a str>,
}

fn tink_parse(p: &Params) -> Result<TinkRequest<'_>, String> {
    // The document's table: client_id, redirect_uri, scope. Scope syntax and the
    // client's permitted scopes are not documented, so any non-empty scope passes.
    let client_id = p.required("client_id")?;
    let redirect_uri = p.required("redirect_uri")?;
    check_redirect_uri(redirect_uri)?;
    let scope = p.required("scope")?;
    if scope.trim().is_empty() {
        return Err("missing required parameter scope".into());
    }
    let code_challenge_method = p.single("code_challenge_method")?;
    if let Some(m) = code_challenge_method {
        if m != "S256" && m != "plain" {
            return Err("parameter code_challenge_method is invalid (must be S256 or plain)".into());
        }
    }
    Ok(TinkRequest {
        client_id,
        redirect_uri,
        scope,
        state: p.single("state")?,
        response_type: p.single("response_type")?,
        code_challenge: p.single("code_challenge")?,
        code_challenge_method,
    })
}

/// Tink's document describes no error response for a bad authorization request, so the
/// mock answers with a plain HTML page (400) naming the parameter.
fn tink_error(msg: &str) -> Response {
    let body = format!("<h1>Invalid request</h1>\n<p id=\"error\">{}</p>\n", html_escape(msg));
    Response::html(400, page(Lang::En, "Tink — Invalid request", &body))
}

fn tink_consent(req: &Request) -> Response {
    let p = match query_params(req) {
        Ok(p) => p,
        Err(e) => return tink_error(&e),
    };
    let t = match tink_parse(&p) {
        Ok(t) => t,
        Err(e) => return tink_error(&e),
    };
    let mut hidden = vec![("client_id", t.client_id), ("redirect_uri", t.redirect_uri), ("scope", t.scope)];
    for (k, v) in [
        ("state", t.state),
        ("response_type", t.response_type),
        ("code_challenge", t.code_challenge),
        ("code_challenge_method", t.code_challenge_method),
    ] {
        if let Some(v) = v {
            hidden.push((k, v));
        }
    }
    // Tink scopes are conventionally comma-separated ("accounts:read,transactions:read");
    // the document doesn't say, so commas and spaces both split for display.
    let scopes = t.scope.split([',', ' ']).filter(|s| !s.is_empty()).map(|s| (s.to_string(), None)).collect();
    Response::html(
        200,
        render_consent(&Consent {
            lang: Lang::En,
            provider: "Tink",
            client_label: "The application",
            client: t.client_id,
            details: vec![],
            scopes,
            action: TINK_PATH,
            hidden,
        }),
    )
}

fn tink_decision(req: &Request) -> Response {
    let (p, decision) = match form_body(req) {
        Ok(x) => x,
        Err(e) => return tink_error(&e),
    };
    let t = match tink_parse(&p) {
        Ok(t) => t,
        Err(e) => return tink_error(&e),
    };
    match decision {
        // "the user is redirected to the redirect URI requested with the authorization
        // code appended as an URL encoded query parameter" (example code: 25 hex digits).
        Decision::Approve => {
            let code = random_hex(25);
            let mut pairs = vec![("code", code.as_str())];
            if let Some(state) = t.state {
                pairs.push(("state", state));
            }
            Response::redirect(&append_query(t.redirect_uri, &pairs))
        }
        // "redirected to the same redirect URI, but without any authorization code query
        // parameters": nothing is added, not even state.
        Decision::Deny => Response::redirect(t.redirect_uri),
    }
}

// ---------------------------------------------------------------------------------------
// Flinks outbound: GET /api/v1/authorize
// ---------------------------------------------------------------------------------------

struct FlinksRequest<'a> {
    client_id: &'a str,
    redirect_uri: &'a str,
    state: &'a str,
    response_type: &'a str,
    scope: &'a str,
    provider_id: &'a str,
    correlation_id: Option<&'a str>,
    lang_param: Option<&'a str>,
    lang: Lang,
}

fn flinks_parse(p: &Params) -> Result<FlinksRequest<'_>, String> {
    let client_id = p.required("client_id")?;
    let redirect_uri = p.required("redirect_uri")?;
    check_redirect_uri(redirect_uri)?;
    let state = p.required("state")?;
    let response_type = p.required("response_type")?;
    if response_type != "code" {
        return Err("parameter response_type is invalid (must be code)".into());
    }
    let scope = p.required("scope")?;
    // "This is a space separated list. The minimum scope required is ACCOUNT_BASIC."
    let mut has_basic = false;
    for token in scope.split(' ') {
        if token.is_empty() {
            return Err("parameter scope is invalid (a list separated by single spaces)".into());
        }
        if !FLINKS_SCOPES.iter().any(|(s, _, _)| *s == token) {
            return Err(format!("parameter scope is invalid (unknown scope {token})"));
        }
        has_basic |= token == "ACCOUNT_BASIC";
    }
    if !has_basic {
        return Err("parameter scope is invalid (ACCOUNT_BASIC is required)".into());
    }
    let provider_id = p.required("provider_id")?;
    let correlation_id = p.single("correlation_id")?;
    let lang_param = p.single("lang")?;
    // "If this field is left empty, the default value is English."
    let lang = match lang_param {
        None | Some("") | Some("en") => Lang::En,
        Some("fr") => Lang::Fr,
        Some(_) => return Err("parameter lang is invalid (must be en or fr)".into()),
    };
    Ok(FlinksRequest {
        client_id,
        redirect_uri,
        state,
        response_type,
        scope,
        provider_id,
        correlation_id,
        lang_param,
        lang,
    })
}

/// The outbound document lists no error body for a bad request (its 302 "Failure
/// Response" is for a user who denies), so the mock uses RFC 6749's error JSON, 400.
fn flinks_error(msg: &str) -> Response {
    Response::json(400, format!("{{\"error\":\"invalid_request\",\"error_description\":{}}}", json_string(msg)))
}

fn flinks_consent(req: &Request) -> Response {
    let p = match query_params(req) {
        Ok(p) => p,
        Err(e) => return flinks_error(&e),
    };
    let f = match flinks_parse(&p) {
        Ok(f) => f,
        Err(e) => return flinks_error(&e),
    };
    let mut hidden = vec![
        ("client_id", f.client_id),
        ("redirect_uri", f.redirect_uri),
        ("state", f.state),
        ("response_type", f.response_type),
        ("scope", f.scope),
        ("provider_id", f.provider_id),
    ];
    if let Some(c) = f.correlation_id {
        hidden.push(("correlation_id", c));
    }
    if let Some(l) = f.lang_param {
        hidden.push(("lang", l));
    }
    let fr = f.lang == Lang::Fr;
    Response::html(
        200,
        render_consent(&Consent {
            lang: f.lang,
            provider: "Flinks",
            client_label: if fr { "Le destinataire des données" } else { "The Data Recipient" },
            client: f.client_id,
            details: vec![(if fr { "Fournisseur de données" } else { "Data Provider" }, f.provider_id)],
            scopes: flinks_scope_list(f.scope, f.lang),
            action: FLINKS_PATH,
            hidden,
        }),
    )
}

/// The requested scopes, in the order given, each once, with the document's description.
fn flinks_scope_list(scope: &str, lang: Lang) -> Vec<(String, Option<&'static str>)> {
    let mut out: Vec<(String, Option<&'static str>)> = Vec::new();
    for token in scope.split(' ') {
        if out.iter().any(|(s, _)| s == token) {
            continue;
        }
        let desc = FLINKS_SCOPES
            .iter()
            .find(|(s, _, _)| *s == token)
            .map(|(_, en, fr)| if lang == Lang::Fr { *fr } else { *en });
        out.push((token.to_string(), desc));
    }
    out
}

fn flinks_decision(req: &Request) -> Response {
    let (p, decision) = match form_body(req) {
        Ok(x) => x,
        Err(e) => return flinks_error(&e),
    };
    let f = match flinks_parse(&p) {
        Ok(f) => f,
        Err(e) => return flinks_error(&e),
    };
    match decision {
        // Success Response: `callback?code=code&state=state`.
        Decision::Approve => {
            let code = random_hex(32);
            Response::redirect(&append_query(f.redirect_uri, &[("code", &code), ("state", f.state)]))
        }
        // Failure Response: `callback?error=access_denied&error_description=The user denied the access&state=state`.
        Decision::Deny => Response::redirect(&append_query(
            f.redirect_uri,
            &[("error", "access_denied"), ("error_description", FLINKS_DENIED_DESCRIPTION), ("state", f.state)],
        )),
    }
}

// ---------------------------------------------------------------------------------------
// Flinks v3: GET /v3/oauth/authorize → 302 /v3/consent
// ---------------------------------------------------------------------------------------

/// All v3 parameters are optional. The v3 document names them in this order.
const V3_PARAMS: [&str; 6] = ["institution_id", "redirect_uri", "state", "lang", "tag", "recipientId"];

struct V3Request<'a> {
    values: Vec<(&'static str, &'a str)>,
    redirect_uri: Option<&'a str>,
    state: Option<&'a str>,
    recipient_id: Option<&'a str>,
    lang: Lang,
}

/// v3 errors take the document's shape: `{"<field>":["<message>"]}` with status 400.
fn v3_field_error(field: &str, msg: &str) -> Response {
    Response::json(400, format!("{{{}:[{}]}}", json_string(field), json_string(msg)))
}

fn v3_parse(p: &Params) -> Result<V3Request<'_>, Response> {
    // v3 is not documented as rejecting repeats; the first value of each name is used
    // (what ASP.NET-style binding of a single string does).
    let mut values = Vec::new();
    for name in V3_PARAMS {
        if let Some(v) = p.first(name) {
            values.push((name, v));
        }
    }
    let get = |name: &str| values.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    let lang = match get("lang") {
        // "If this field is left empty, the default value is set to `en`."
        None | Some("") => Lang::En,
        Some("fr") => Lang::Fr,
        Some(l) if ISO_639_1.contains(&l) => Lang::En, // valid, but the mock only speaks en/fr
        Some(_) => return Err(Response::json(400, V3_BAD_LANG_BODY.to_string())),
    };
    let redirect_uri = get("redirect_uri").filter(|s| !s.is_empty());
    if let Some(uri) = redirect_uri {
        // Not documented: the mock's own message, in the document's error shape.
        if check_redirect_uri(uri).is_err() {
            return Err(v3_field_error(
                "redirect_uri",
                "The field redirect_uri must be an absolute http or https URI without a fragment.",
            ));
        }
    }
    let (state, recipient_id) = (get("state"), get("recipientId").filter(|s| !s.is_empty()));
    Ok(V3Request { values, redirect_uri, state, recipient_id, lang })
}

impl Provider {
    /// "The endpoint responds with a `302` — grab the URL from the `Location` header and
    /// present it to the end user". The `Accept` header the document marks as required is
    /// not enforced: the document gives no error for its absence.
    fn v3_authorize(&self, req: &Request) -> Response {
        let p = match query_params(req) {
            Ok(p) => p,
            Err(e) => return v3_field_error("query", &e),
        };
        let v = match v3_parse(&p) {
            Ok(v) => v,
            Err(resp) => return resp,
        };
        let mut location = format!("{}{}", self.origin, V3_CONSENT_PATH);
        if !v.values.is_empty() {
            location.push('?');
            location.push_str(&encode_form(&v.values));
        }
        let body = format!(
            "<!doctype html>\n<html><head><title>Redirect</title></head><body><a href=\"{}\">Continue</a></body></html>\n",
            html_escape(&location)
        );
        let mut resp = Response::redirect(&location);
        resp.headers[0].1 = "text/html; charset=utf-8".into();
        resp.body = body.into_bytes();
        resp
    }
}

fn v3_consent(req: &Request) -> Response {
    let p = match query_params(req) {
        Ok(p) => p,
        Err(e) => return v3_field_error("query", &e),
    };
    let v = match v3_parse(&p) {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let fr = v.lang == Lang::Fr;
    let mut details = Vec::new();
    for (name, en, fr_label) in
        [("institution_id", "Financial institution", "Institution financière"), ("tag", "Tag", "Étiquette")]
    {
        if let Some((_, val)) = v.values.iter().find(|(k, _)| *k == name) {
            details.push((if fr { fr_label } else { en }, *val));
        }
    }
    let client = v.recipient_id.unwrap_or(if fr { "Destinataire des données" } else { "Data Recipient" });
    Response::html(
        200,
        render_consent(&Consent {
            lang: v.lang,
            provider: "Flinks",
            client_label: if fr { "Le destinataire des données" } else { "The Data Recipient" },
            client,
            details,
            scopes: flinks_scope_list(V3_EXAMPLE_SCOPE, v.lang),
            action: V3_CONSENT_PATH,
            hidden: v.values.clone(),
        }),
    )
}

fn v3_decision(req: &Request) -> Response {
    let (p, decision) = match form_body(req) {
        Ok(x) => x,
        Err(e) => return v3_field_error("form", &e),
    };
    let v = match v3_parse(&p) {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    // The v3 document shows only the 302 into the login flow, not the redirect back.
    // Approval uses Flinks' `loginId` callback parameter plus state; denial is not
    // documented, so the generic OAuth 2.0 form (RFC 6749 §4.1.2.1) is used.
    let login_id = random_uuid();
    let mut pairs: Vec<(&str, &str)> = match decision {
        Decision::Approve => vec![("loginId", &login_id)],
        Decision::Deny => vec![("error", "access_denied")],
    };
    if let Some(state) = v.state {
        pairs.push(("state", state));
    }
    match v.redirect_uri {
        Some(uri) => Response::redirect(&append_query(uri, &pairs)),
        // redirect_uri is optional in v3 and nothing says where to go without one:
        // show the outcome on a page instead.
        None => {
            let mut body = String::from("<h1>Flinks</h1>\n<dl id=\"outcome\">\n");
            for (k, val) in &pairs {
                body.push_str(&format!("<dt>{}</dt><dd>{}</dd>\n", html_escape(k), html_escape(val)));
            }
            body.push_str("</dl>\n");
            Response::html(200, page(v.lang, "Flinks", &body))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Generic OAuth 2.0: GET /oauth2/authorize (RFC 6749 §4.1.1, RFC 7636 §4.3)
// ---------------------------------------------------------------------------------------

/// RFC 6749 §4.1.2.1's description of `access_denied`, sent with a denial.
pub const OAUTH2_DENIED_DESCRIPTION: &str = "The resource owner denied the request.";

struct OAuth2Request<'a> {
    client_id: &'a str,
    redirect_uri: &'a str,
    state: Option<&'a str>,
    scope: Option<&'a str>,
    code_challenge: &'a str,
    code_challenge_method: &'a str,
}

/// Why a request fails. RFC 6749 §4.1.2.1: a missing, invalid or repeated `client_id` or
/// `redirect_uri` must not redirect (the user sees an error page); every other error
/// goes back to the redirect URI as `error`, `error_description` and `state`.
enum OAuth2Error<'a> {
    Page(String),
    Redirect { redirect_uri: &'a str, state: Option<&'a str>, error: &'static str, description: String },
}

fn oauth2_parse(p: &Params) -> Result<OAuth2Request<'_>, OAuth2Error<'_>> {
    let client_id = p.required("client_id").map_err(OAuth2Error::Page)?;
    let redirect_uri = p.required("redirect_uri").map_err(OAuth2Error::Page)?;
    check_redirect_uri(redirect_uri).map_err(OAuth2Error::Page)?;
    // The state goes back with the error when it can be read at all.
    let state = p.single("state").ok().flatten();
    let fail =
        |error: &'static str, description: String| OAuth2Error::Redirect { redirect_uri, state, error, description };
    // §3.1: "Request and response parameters MUST NOT be included more than once."
    for name in ["response_type", "state", "scope", "code_challenge", "code_challenge_method"] {
        p.single(name).map_err(|e| fail("invalid_request", e))?;
    }
    match p.first("response_type") {
        Some("code") => {}
        None | Some("") => return Err(fail("invalid_request", "missing required parameter response_type".into())),
        Some(_) => {
            return Err(fail("unsupported_response_type", "this server supports response_type=code only".into()))
        }
    }
    // This server requires PKCE, as RFC 9700 §2.1.1 recommends; RFC 7636 §4.4.1 names
    // the error: invalid_request, "code challenge required".
    let code_challenge = match p.first("code_challenge") {
        Some(c) if !c.is_empty() => c,
        _ => return Err(fail("invalid_request", "code challenge required".into())),
    };
    // §4.2: code-challenge = 43*128unreserved.
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    if !(43..=128).contains(&code_challenge.len()) || !code_challenge.bytes().all(unreserved) {
        return Err(fail("invalid_request", "code_challenge must be 43 to 128 unreserved characters".into()));
    }
    // §4.3: "Defaults to "plain" if not present in the request."
    let code_challenge_method = match p.first("code_challenge_method") {
        None | Some("") => "plain",
        Some(m @ ("S256" | "plain")) => m,
        Some(_) => return Err(fail("invalid_request", "transform algorithm not supported".into())),
    };
    let scope = p.first("scope").filter(|s| !s.is_empty());
    Ok(OAuth2Request { client_id, redirect_uri, state, scope, code_challenge, code_challenge_method })
}

fn oauth2_error_response(e: OAuth2Error) -> Response {
    match e {
        OAuth2Error::Page(msg) => {
            let body = format!("<h1>Invalid request</h1>\n<p id=\"error\">{}</p>\n", html_escape(&msg));
            Response::html(400, page(Lang::En, "OAuth 2.0 — Invalid request", &body))
        }
        OAuth2Error::Redirect { redirect_uri, state, error, description } => {
            let mut pairs = vec![("error", error), ("error_description", description.as_str())];
            if let Some(state) = state {
                pairs.push(("state", state));
            }
            Response::redirect(&append_query(redirect_uri, &pairs))
        }
    }
}

fn oauth2_consent(req: &Request) -> Response {
    let p = match query_params(req) {
        Ok(p) => p,
        Err(e) => return oauth2_error_response(OAuth2Error::Page(e)),
    };
    let o = match oauth2_parse(&p) {
        Ok(o) => o,
        Err(e) => return oauth2_error_response(e),
    };
    let mut hidden = vec![
        ("response_type", "code"),
        ("client_id", o.client_id),
        ("redirect_uri", o.redirect_uri),
        ("code_challenge", o.code_challenge),
        ("code_challenge_method", o.code_challenge_method),
    ];
    for (k, v) in [("state", o.state), ("scope", o.scope)] {
        if let Some(v) = v {
            hidden.push((k, v));
        }
    }
    // §3.3: "a list of space-delimited, case-sensitive strings".
    let scopes = o.scope.unwrap_or("").split(' ').filter(|s| !s.is_empty()).map(|s| (s.to_string(), None)).collect();
    Response::html(
        200,
        render_consent(&Consent {
            lang: Lang::En,
            provider: "OAuth 2.0",
            client_label: "The client",
            client: o.client_id,
            details: vec![("PKCE", o.code_challenge_method)],
            scopes,
            action: OAUTH2_PATH,
            hidden,
        }),
    )
}

fn oauth2_decision(req: &Request) -> Response {
    let (p, decision) = match form_body(req) {
        Ok(x) => x,
        Err(e) => return oauth2_error_response(OAuth2Error::Page(e)),
    };
    let o = match oauth2_parse(&p) {
        Ok(o) => o,
        Err(e) => return oauth2_error_response(e),
    };
    let code = random_hex(32);
    let mut pairs: Vec<(&str, &str)> = match decision {
        Decision::Approve => vec![("code", &code)],
        Decision::Deny => vec![("error", "access_denied"), ("error_description", OAUTH2_DENIED_DESCRIPTION)],
    };
    if let Some(state) = o.state {
        pairs.push(("state", state));
    }
    Response::redirect(&append_query(o.redirect_uri, &pairs))
}
