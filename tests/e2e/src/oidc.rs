//! The `oauth2` preset against a real, OpenID Certified authorization server:
//! oidc-provider (npm, pinned in package.json), started by `tests/oidc/server.mjs` beside
//! the mock provider (issue 27). The demo offers it as "OpenID Provider (real server)";
//! its login and consent pages are oidc-provider's own development pages.
//!
//! What the mock cannot prove, this does: the PKCE challenge the library sends is what the
//! real token endpoint recomputes from the verifier, RFC 9207's `iss` as the server sends
//! it equals the issuer its discovery names, and the server's own error answers.

use crate::webdriver::Res;
use crate::{ensure, poll, Case, Ctx, Fail, Flow};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

/// The test client tests/oidc/server.mjs registers (public, PKCE).
const CLIENT_ID: &str = "bank-link-demo";

/// One oidc-provider process. It stops when dropped, on [`OidcServer::stop`], and by
/// itself when this process ends however it ends (it exits when its stdin closes).
pub struct OidcServer {
    child: Child,
    _stdin: Option<ChildStdin>,
    pub issuer: String,
}

impl OidcServer {
    /// `node tests/oidc/server.mjs` on a free loopback port, with `redirect_uris` as the
    /// test client's; `coop` makes it send `Cross-Origin-Opener-Policy: same-origin`.
    pub fn start(root: &Path, redirect_uris: &[String], coop: bool) -> Res<OidcServer> {
        let script = root.join("tests/oidc/server.mjs");
        let mut cmd = Command::new("node");
        cmd.arg(&script).args(["--port", "0", "--exit-with-stdin"]);
        for uri in redirect_uris {
            cmd.args(["--redirect-uri", uri]);
        }
        if coop {
            cmd.arg("--coop");
        }
        // Its start-up warnings (the development-only keys, adapter, pages) go to stderr,
        // which is ours: they say what this server is.
        let mut child = cmd
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("node {}: {e}", script.display()))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut server = OidcServer { child, _stdin: stdin, issuer: String::new() };
        // The one line it prints once it listens (or nothing, if it failed to start).
        let mut stdout = BufReader::new(stdout);
        let mut line = String::new();
        stdout.read_line(&mut line).map_err(|e| format!("{}: {e}", script.display()))?;
        // Then read on until it ends: oidc-provider logs there (a closed pipe would end it).
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let v: Value = serde_json::from_str(&line)
            .map_err(|_| format!("{} did not start (printed {line:?}; npm ci?)", script.display()))?;
        server.issuer = v["issuer"].as_str().ok_or_else(|| format!("no issuer in {line}"))?.to_owned();
        Ok(server)
    }

    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for OidcServer {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn cases() -> Vec<Case> {
    let case = |name, flow, coop| Case { name, flow, provider: "oauth2", coop, relay: false };
    vec![
        case("oidc redirect approve", redirect_approve as Flow, false),
        case("oidc redirect deny", redirect_deny as Flow, false),
        case("oidc issuer mismatch", issuer_mismatch as Flow, false),
        case("oidc popup approve", popup_approve as Flow, false),
        case("oidc coop popup approve", coop_popup_approve as Flow, true),
        case("oidc app switch with storage local", app_switch_local as Flow, false),
        Case { relay: true, ..case("oidc popup approve through the relay page", popup_approve as Flow, false) },
    ]
}

/// What the demo's page knows of the real server: its issuer and, from its discovery
/// document (read here as any backend would), its endpoints.
struct Op {
    issuer: String,
    authorize: String,
    token: String,
}

fn get_json(url: &str) -> Res<Value> {
    let mut resp = ureq::get(url).call().map_err(|e| format!("GET {url}: {e}"))?;
    let text = resp.body_mut().read_to_string().map_err(|e| format!("GET {url}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("GET {url}: {e}: {text}"))
}

impl Ctx<'_> {
    fn op(&self) -> Res<Op> {
        let config = get_json(&format!("{}/mock-config.json", self.app))?;
        let Some(issuer) = config["oidcIssuer"].as_str() else {
            return Err("no OpenID Provider runs beside this demo (see the start error above)".into());
        };
        let meta = get_json(&format!("{issuer}/.well-known/openid-configuration"))?;
        ensure(meta["issuer"] == issuer, format!("discovery names issuer {}, want {issuer}", meta["issuer"]))?;
        ensure(
            meta["authorization_response_iss_parameter_supported"] == true,
            "the server does not announce RFC 9207's iss",
        )?;
        let endpoint = |name: &str| meta[name].as_str().map(str::to_owned).ok_or(format!("discovery: no {name}"));
        Ok(Op {
            issuer: issuer.to_owned(),
            authorize: endpoint("authorization_endpoint")?,
            token: endpoint("token_endpoint")?,
        })
    }

    /// The demo with no flow of ours (the shared store included: an earlier case's `done`
    /// markers would be counted as this one's) and no session at the server: cookies ignore
    /// ports, so deleting the demo's loopback cookies signs the user out of the server too,
    /// and every flow meets the login page, then the consent page.
    fn fresh_demo(&self) -> Res<()> {
        self.open_demo("/")?;
        self.clear_storages()?;
        self.s.delete_cookies()
    }

    /// On the server's development login page: any login and password are accepted.
    fn sign_in(&self) -> Res<()> {
        self.s.wait_for("form input[name=login]")?;
        self.s.exec(
            "document.querySelector('input[name=login]').value = 'alice'; \
             document.querySelector('input[name=password]').value = 'any'",
        )?;
        self.s.click("form button[type=submit]")?;
        // Its consent page (the prompt the form names).
        self.s.wait_for("form input[name=prompt][value=consent]").map(|_| ())
    }

    /// On the consent page: "Continue", or "[ Cancel ]" (the abort link).
    fn consent(&self, approve: bool) -> Res<()> {
        self.s.click(if approve { "form button[type=submit]" } else { "a[href$='/abort']" })
    }
}

/// A success from the real server, and its code exchanged at the real token endpoint with
/// the returned `codeVerifier`: a wrong verifier is refused there (so the server checks
/// it), the right one gets an access token and an ID token for this client from this
/// issuer, and the code is single use.
fn check_approved(c: &Ctx, op: &Op, r: &Value) -> Res<()> {
    ensure(r["ok"] == true && r["provider"] == "oauth2", format!("not ok: {r}"))?;
    ensure(r["params"]["iss"] == op.issuer.as_str(), format!("params.iss {}, want {}", r["params"]["iss"], op.issuer))?;
    ensure(r["state"].as_str().is_some_and(|s| s.len() == 43), format!("state: {r}"))?;
    ensure(r["appState"]["startedAt"].is_string(), format!("no appState: {r}"))?;
    let code = r["code"].as_str().filter(|c| !c.is_empty()).ok_or(format!("no code: {r}"))?;
    let verifier = r["codeVerifier"].as_str().filter(|v| v.len() == 43).ok_or(format!("codeVerifier: {r}"))?;
    // The code is bound to the redirect URI it was sent to: the popup's relay page, or the
    // demo's callback page.
    let redirect_uri = format!("{}/{}", c.app, if c.relay.get() { "relay.html" } else { "callback.html" });
    let exchange = |verifier: &str| -> Res<(u16, Value)> {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri.as_str()),
            ("client_id", CLIENT_ID),
            ("code_verifier", verifier),
        ];
        let mut resp = agent.post(&op.token).send_form(form).map_err(|e| format!("POST {}: {e}", op.token))?;
        let text = resp.body_mut().read_to_string().map_err(|e| format!("POST {}: {e}", op.token))?;
        let body = serde_json::from_str(&text).map_err(|e| format!("token endpoint: {e}: {text}"))?;
        Ok((resp.status().as_u16(), body))
    };
    // Another verifier of the same shape (the first character changed).
    let wrong = format!("{}{}", if verifier.starts_with('A') { 'B' } else { 'A' }, &verifier[1..]);
    let (status, body) = exchange(&wrong)?;
    ensure(status == 400 && body["error"] == "invalid_grant", format!("a wrong verifier got {status} {body}"))?;
    let (status, tokens) = exchange(verifier)?;
    ensure(status == 200, format!("the token endpoint refused the code and verifier: {status} {tokens}"))?;
    ensure(tokens["access_token"].as_str().is_some_and(|t| !t.is_empty()), format!("no access_token: {tokens}"))?;
    ensure(tokens["token_type"].as_str().is_some_and(|t| t.eq_ignore_ascii_case("bearer")), format!("{tokens}"))?;
    let id_token = tokens["id_token"].as_str().ok_or(format!("no id_token: {tokens}"))?;
    let claims = jwt_claims(id_token)?;
    ensure(claims["iss"] == op.issuer.as_str(), format!("ID token iss {}", claims["iss"]))?;
    ensure(claims["aud"] == CLIENT_ID, format!("ID token aud {}", claims["aud"]))?;
    ensure(claims["sub"] == "alice", format!("ID token sub {}", claims["sub"]))?;
    let (status, body) = exchange(verifier)?;
    ensure(status == 400 && body["error"] == "invalid_grant", format!("the code was accepted twice: {status} {body}"))
}

/// The payload of a compact JWS (its signature is the server's business here).
fn jwt_claims(jwt: &str) -> Res<Value> {
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1).ok_or("the ID token is not a JWS")?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|e| format!("ID token payload: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("ID token payload: {e}"))
}

/// The demo's Connect with "OpenID Provider (real server)" in `mode`.
fn connect(c: &Ctx, mode: &str) -> Res<()> {
    c.fresh_demo()?;
    c.s.click("input[name=provider][value=oidc]")?;
    c.s.click(&format!("input[name=mode][value={mode}]"))?;
    c.s.click("#start")
}

/// Log in and consent at the real server; `handleCallback` checks its `iss` against the
/// configured issuer and returns the code, which its token endpoint then exchanges.
fn redirect_approve(c: &Ctx, _: &str) -> Result<(), Fail> {
    let op = c.op()?;
    connect(c, "redirect")?;
    c.sign_in()?;
    c.consent(true)?;
    let r = c.result()?.map_err(|code| format!("expected success, got AuthError {code}"))?;
    check_approved(c, &op, &r)?;
    Ok(c.left_clean(0)?)
}

/// Cancel at the consent page: the server's own `access_denied` and description, with
/// its `iss` (RFC 9207 §2 covers error responses too).
fn redirect_deny(c: &Ctx, _: &str) -> Result<(), Fail> {
    let op = c.op()?;
    connect(c, "redirect")?;
    c.sign_in()?;
    c.consent(false)?;
    let r = c.result()?.map_err(|code| format!("expected a provider error, got AuthError {code}"))?;
    ensure(r["ok"] == false && r["error"] == "access_denied", format!("{r}"))?;
    ensure(r["errorDescription"] == "End-User aborted interaction", format!("errorDescription: {r}"))?;
    ensure(r["params"]["iss"] == op.issuer.as_str(), format!("params.iss: {r}"))?;
    ensure(r["appState"]["startedAt"].is_string(), format!("no appState: {r}"))?;
    Ok(c.left_clean(0)?)
}

/// A flow configured with another server's issuer (the mock provider's origin): the real
/// server's answer is refused with `issuer_mismatch`, and the flow is still pending.
fn issuer_mismatch(c: &Ctx, _: &str) -> Result<(), Fail> {
    let op = c.op()?;
    c.fresh_demo()?;
    let config = serde_json::json!({
        "provider": "oauth2", "navigate": false, "redirectUri": format!("{}/callback.html", c.app),
        "authorizeUrl": op.authorize, "clientId": CLIENT_ID, "scope": "openid",
    });
    let started = c.s.exec_async(&format!(
        "const m = await import('/pkg/index.js'); \
         const other = (await (await fetch('/mock-config.json')).json()).providerOrigin; \
         const {{ url }} = await m.startAuthorization({{ ...{config}, issuer: other }}); return url;"
    ))?;
    let url = started.as_str().ok_or(format!("startAuthorization gave {started}"))?;
    ensure(c.pending()? == 1, "no pending record after the start")?;
    c.s.goto(url)?;
    c.sign_in()?;
    c.consent(true)?;
    c.expect_error("issuer_mismatch")?;
    Ok(c.left_clean(1)?)
}

fn popup_approve(c: &Ctx, _: &str) -> Result<(), Fail> {
    popup(c, false)
}

fn coop_popup_approve(c: &Ctx, _: &str) -> Result<(), Fail> {
    popup(c, true)
}

/// Whether the server's authorization endpoint answers with
/// `Cross-Origin-Opener-Policy: same-origin` (asked as the library asks it, minus the
/// browser): the COOP case must really run under COOP, the plain one without.
fn sends_coop(c: &Ctx, op: &Op) -> Res<bool> {
    let agent: ureq::Agent = ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
    let redirect_uri = format!("{}/callback.html", c.app);
    let resp = agent
        .get(&op.authorize)
        .query_pairs([
            ("response_type", "code"),
            ("client_id", CLIENT_ID),
            ("redirect_uri", redirect_uri.as_str()),
            ("scope", "openid"),
            ("state", "coop-probe"),
            ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
            ("code_challenge_method", "S256"),
        ])
        .call()
        .map_err(|e| format!("GET {}: {e}", op.authorize))?;
    ensure(resp.status().is_redirection(), format!("the authorization endpoint answered {}", resp.status()))?;
    let coop = resp.headers().get("cross-origin-opener-policy").and_then(|v| v.to_str().ok());
    Ok(coop == Some("same-origin"))
}

/// Popup mode: log in and consent in the popup, which closes; the opener's promise
/// resolves with the code, exchanged as in the redirect flow. With `coop`, the server
/// sends Cross-Origin-Opener-Policy: same-origin, which severs the popup from its opener
/// (the library then relays over BroadcastChannel).
fn popup(c: &Ctx, coop: bool) -> Result<(), Fail> {
    let op = c.op()?;
    ensure(sends_coop(c, &op)? == coop, format!("the server sends COOP: {}, want {coop}", !coop))?;
    connect(c, "popup")?;
    let popup = poll(Duration::from_secs(5), || Ok(c.s.window_handles()?.into_iter().find(|h| *h != c.main)))?
        .ok_or("no popup opened within 5 s")?;
    c.s.switch_to_window(&popup)?;
    c.sign_in()?;
    if let Err(e) = c.decide_in_popup(&popup, "form button[type=submit]") {
        // For the report: what the popup knew (a popup relays only with the record copy
        // the browser copied into its sessionStorage, and an opener or our window name),
        // and what the opener made of it.
        let known = c.s.switch_to_window(&popup).and_then(|_| {
            c.s.exec("return [window.name, window.opener !== null, sessionStorage.getItem('bank-link')]")
        });
        c.s.switch_to_window(&c.main)?;
        let opener = c.s.exec(
            "return [document.getElementById('result').textContent, document.getElementById('events').textContent]",
        );
        let (known, opener) = (known.unwrap_or_default(), opener.unwrap_or_default());
        return Err(Fail::Error(format!(
            "{e}; the popup held (name, opener, record) {known}; the opener shows {opener}"
        )));
    }
    let r = c.opener_result(Duration::from_secs(10))?.map_err(|e| format!("the opener got AuthError {e}"))?;
    check_approved(c, &op, &r)?;
    let want =
        "{\"name\":\"open\",\"provider\":\"oauth2\",\"mode\":\"popup\"}\n{\"name\":\"relayed\",\"mode\":\"popup\"}\n\
                {\"name\":\"completed\",\"provider\":\"oauth2\",\"mode\":\"popup\",\"ok\":true}\n";
    let events = c.s.exec("return document.getElementById('events').textContent")?;
    ensure(events.as_str() == Some(want), format!("onEvent saw {events}, want {want}"))?;
    if c.relay.get() {
        c.relay_page_ran(false)?;
    }
    Ok(c.left_clean_on("/", 0)?)
}

/// The app switch, with `storage: "local"`: the user starts in the browser, which waits on
/// the server's login page; the bank's app completes the authorization (here an HTTP
/// client with its own cookies, through the server's real login and consent pages); the
/// operating system opens the callback in a new tab, whose plain `handleCallback()` takes
/// the flow from the shared store. The code then exchanges at the real token endpoint, and
/// the same answer opened again is refused.
fn app_switch_local(c: &Ctx, _: &str) -> Result<(), Fail> {
    let op = c.op()?;
    c.fresh_demo()?;
    let redirect_uri = format!("{}/callback.html", c.app);
    let config = serde_json::json!({
        "provider": "oauth2", "navigate": false, "storage": "local", "redirectUri": redirect_uri,
        "authorizeUrl": op.authorize, "clientId": CLIENT_ID, "scope": "openid", "issuer": op.issuer,
        "appState": { "startedAt": "in the first tab" },
    });
    let started = c.s.exec_async(&format!(
        "const m = await import('/pkg/index.js'); const {{ url }} = await m.startAuthorization({config}); return url;"
    ))?;
    let url = started.as_str().ok_or(format!("startAuthorization gave {started}"))?;
    let keys = c.shared_keys()?;
    ensure(
        keys.iter().filter(|k| k.starts_with("p.")).count() == 1,
        format!("the shared store after the start: {keys:?}"),
    )?;
    c.s.goto(url)?;
    c.s.wait_for("form input[name=login]")?;
    let callback = BankApp::default().authorize(url, &op.issuer, &redirect_uri)?;
    let tab = c.s.new_tab()?;
    c.s.switch_to_window(&tab)?;
    c.s.goto(&callback)?;
    let r = c.result()?.map_err(|code| format!("expected success in the new tab, got AuthError {code}"))?;
    check_approved(c, &op, &r)?;
    let left = c.s.exec("return [sessionStorage.length, location.href]")?;
    ensure(left[0] == 0, format!("the new tab's sessionStorage holds {}", left[0]))?;
    ensure(!left[1].as_str().unwrap_or_default().contains("state="), format!("address bar: {}", left[1]))?;
    c.local_consumed()?;
    c.s.goto(&callback)?;
    c.expect_error("already_handled")?;
    c.s.close_window()?;
    c.s.switch_to_window(&c.main)?;
    let url = c.s.url()?;
    ensure(url.starts_with(&op.issuer), format!("the first tab left the server's login page for {url}"))?;
    Ok(())
}

/// The bank's app of an app switch: an HTTP client with its own cookie jar that signs in
/// and consents on oidc-provider's development pages, posting their forms as a browser
/// would, and stops at the redirect to the app's callback, which it hands on.
#[derive(Default)]
struct BankApp {
    /// (name, path) → value, from Set-Cookie; sent where the path matches.
    cookies: BTreeMap<(String, String), String>,
}

impl BankApp {
    fn authorize(&mut self, url: &str, issuer: &str, redirect_uri: &str) -> Res<String> {
        let agent: ureq::Agent =
            ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
        let mut next = url.to_owned();
        let mut form: Option<Vec<(&str, &str)>> = None;
        for _ in 0..12 {
            let path = next.strip_prefix(issuer).unwrap_or("/").split('?').next().unwrap_or("/").to_owned();
            let cookie = self.cookie_header(&path);
            let resp = match form.take() {
                Some(fields) => agent.post(&next).header("cookie", &cookie).send_form(fields),
                None => agent.get(&next).header("cookie", &cookie).call(),
            };
            let mut resp = resp.map_err(|e| format!("bank app: {next}: {e}"))?;
            for v in resp.headers().get_all("set-cookie") {
                self.keep(v.to_str().unwrap_or_default());
            }
            if resp.status().is_redirection() {
                let to = resp
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .ok_or("a redirect without Location")?;
                if to.starts_with(redirect_uri) {
                    return Ok(to.to_owned());
                }
                next = if to.starts_with('/') { format!("{issuer}{to}") } else { to.to_owned() };
                continue;
            }
            let html = resp.body_mut().read_to_string().map_err(|e| format!("bank app: {next}: {e}"))?;
            let action = between(&html, "action=\"", "\"").ok_or(format!("bank app: no form at {next}: {html}"))?;
            next = if action.starts_with('/') { format!("{issuer}{action}") } else { action.to_owned() };
            form = Some(if html.contains("name=\"prompt\" value=\"login\"") {
                vec![("prompt", "login"), ("login", "alice"), ("password", "any")]
            } else if html.contains("name=\"prompt\" value=\"consent\"") {
                vec![("prompt", "consent")]
            } else {
                return Err(format!("bank app: a form neither login nor consent at {next}: {html}"));
            });
        }
        Err("bank app: no redirect to the callback after 12 steps".into())
    }

    fn keep(&mut self, set_cookie: &str) {
        let mut parts = set_cookie.split(';').map(str::trim);
        let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else { return };
        let mut path = "/".to_owned();
        let mut expired = value.is_empty();
        for attr in parts {
            let lower = attr.to_ascii_lowercase();
            if let Some(p) = lower.strip_prefix("path=") {
                path = attr[5..5 + p.len()].to_owned();
            }
            expired |= lower.starts_with("expires=thu, 01 jan 1970") || lower == "max-age=0";
        }
        let key = (name.to_owned(), path);
        if expired {
            self.cookies.remove(&key);
        } else {
            self.cookies.insert(key, value.to_owned());
        }
    }

    fn cookie_header(&self, path: &str) -> String {
        let sent = self.cookies.iter().filter(|((_, p), _)| path.starts_with(p.as_str()));
        sent.map(|((n, _), v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ")
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    text[from..].find(end).map(|len| &text[from..from + len])
}
