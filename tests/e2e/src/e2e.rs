//! End-to-end flows: the demo app and the mock provider on two loopback origins, driven
//! over WebDriver in Chromium, Firefox ESR and WebKitGTK. Run by `npm test` through
//! scripts/e2e (WebKitGTK needs a display: xvfb-run).
//!
//! Each flow ends by checking what a user would be left with: an address bar without
//! callback parameters and no pending record in sessionStorage.

mod webdriver;

use serde_json::Value;
use std::path::PathBuf;
use std::time::Instant;
use webdriver::{Driver, Res, Session};

struct Ctx<'a> {
    s: &'a Session,
    app: String,
}

const CALLBACK_PARAMS: [&str; 8] =
    ["code", "state", "error", "error_description", "error_uri", "iss", "loginId", "credentials_id"];

fn ensure(cond: bool, what: impl Into<String>) -> Res<()> {
    if cond {
        Ok(())
    } else {
        Err(what.into())
    }
}

impl Ctx<'_> {
    /// Opens the demo, clears this tab's storage, picks the provider and language, and
    /// clicks "Connect": ends on the provider's consent screen.
    fn start(&self, provider: &str, lang: &str) -> Res<()> {
        self.s.goto(&format!("{}/", self.app))?;
        self.s.wait_for("body[data-ready]")?;
        self.s.exec("sessionStorage.clear()")?;
        self.s.click(&format!("input[name=provider][value=\"{provider}\"]"))?;
        self.s.exec(&format!("document.getElementById('lang').value = '{lang}'"))?;
        self.s.click("#start")?;
        self.s.wait_for("#approve").map(|_| ())
    }

    /// The result shown by the callback page: `Ok(json)` or `Err(AuthError code)`.
    fn result(&self) -> Res<Result<Value, String>> {
        self.s.wait_for("#result[data-ok], #result[data-error]")?;
        let v = self.s.exec("const r = document.getElementById('result'); return [r.dataset.ok || null, r.dataset.error || null, r.textContent]")?;
        match (&v[0], &v[1]) {
            (Value::String(_), _) => {
                Ok(Ok(serde_json::from_str(v[2].as_str().unwrap_or("")).map_err(|e| format!("result JSON: {e}"))?))
            }
            (_, Value::String(code)) => Ok(Err(code.clone())),
            _ => Err("no result".into()),
        }
    }

    fn pending(&self) -> Res<usize> {
        let v = self.s.exec("return Object.keys(sessionStorage).filter(k => k.startsWith('bank-link:pending:')).length")?;
        Ok(v.as_u64().unwrap_or(99) as usize)
    }

    /// What every flow must leave: a clean address bar and `want_pending` records.
    fn left_clean(&self, want_pending: usize) -> Res<()> {
        let url = self.s.url()?;
        ensure(url.starts_with(&format!("{}/callback.html", self.app)), format!("ended on {url}"))?;
        let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
        for pair in query.split(['&', '#']) {
            let name = pair.split('=').next().unwrap_or("");
            ensure(!CALLBACK_PARAMS.contains(&name), format!("address bar still holds {name}: {url}"))?;
        }
        let n = self.pending()?;
        ensure(n == want_pending, format!("{n} pending records left, want {want_pending}"))
    }

    fn expect_success(&self, provider: &str) -> Res<Value> {
        let r = self.result()?.map_err(|code| format!("expected success, got AuthError {code}"))?;
        ensure(r["ok"] == Value::Bool(true), format!("not ok: {r}"))?;
        ensure(r["provider"] == provider, format!("provider {}", r["provider"]))?;
        let field = if provider == "flinks-v3" { "loginId" } else { "code" };
        ensure(r[field].as_str().is_some_and(|c| !c.is_empty()), format!("no {field}: {r}"))?;
        ensure(r["appState"]["startedAt"].is_string(), format!("no appState: {r}"))?;
        ensure((provider == "oauth2") == r["codeVerifier"].is_string(), format!("codeVerifier: {r}"))?;
        self.left_clean(0)?;
        Ok(r)
    }

    fn expect_error(&self, code: &str) -> Res<()> {
        match self.result()? {
            Err(got) => ensure(got == code, format!("expected {code}, got {got}")),
            Ok(r) => Err(format!("expected {code}, got a result {r}")),
        }
    }
}

fn approve(c: &Ctx, provider: &str) -> Res<()> {
    c.start(provider, "en")?;
    c.s.click("#approve")?;
    c.expect_success(provider)?;
    // The callback URL opened again (a reload before cleanup, a bookmarked or shared
    // link): refused, and cleaned again.
    let original = c.s.exec("return performance.getEntriesByType('navigation')[0].name")?;
    let original = original.as_str().ok_or("no navigation entry")?.to_owned();
    ensure(original.contains("state="), format!("navigation entry {original}"))?;
    c.s.goto(&original)?;
    c.expect_error("already_handled")?;
    c.left_clean(0)
}

fn deny(c: &Ctx, provider: &str) -> Res<()> {
    c.start(provider, "fr")?;
    c.s.click("#deny")?;
    let r = c.result()?.map_err(|code| format!("expected a provider error, got AuthError {code}"))?;
    ensure(r["ok"] == Value::Bool(false) && r["error"] == "access_denied", format!("{r}"))?;
    ensure(r["appState"]["startedAt"].is_string(), format!("no appState: {r}"))?;
    if provider == "flinks" {
        ensure(r["errorDescription"] == "The user denied the access", format!("{r}"))?;
    }
    c.left_clean(0)
}

fn tampered_state(c: &Ctx, provider: &str) -> Res<()> {
    c.start(provider, "en")?;
    c.s.exec(
        "document.querySelectorAll('input[name=state]').forEach(i => { i.value = i.value.slice(0, -1) + (i.value.endsWith('A') ? 'B' : 'A') })",
    )?;
    c.s.click("#approve")?;
    c.expect_error("unknown_state")?;
    // A forged callback consumes nothing: the real flow is still pending.
    c.left_clean(1)
}

fn back_after_success(c: &Ctx, provider: &str) -> Res<()> {
    c.start(provider, "en")?;
    c.s.click("#approve")?;
    c.expect_success(provider)?;
    c.s.back()?;
    // Back on the provider's consent screen; approving again replays the same state.
    c.s.click("#approve")?;
    c.expect_error("already_handled")?;
    c.left_clean(0)
}

type Flow = fn(&Ctx, &str) -> Res<()>;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let engines: Vec<String> = std::env::var("E2E_ENGINES")
        .unwrap_or_else(|_| "chromium,firefox,webkit".into())
        .split(',')
        .map(str::to_owned)
        .collect();
    let server = mock_provider::start(mock_provider::Options {
        host: "127.0.0.1".into(),
        app_port: 0,
        provider_port: 0,
        www_dir: root.join("www"),
        pkg_dir: root.join("pkg"),
        coop: false,
    })
    .expect("mock provider starts");
    let flows: Vec<(&str, Flow, &str)> = ["tink", "flinks", "flinks-v3", "oauth2"]
        .into_iter()
        .flat_map(|p| [("redirect approve", approve as Flow, p), ("redirect deny", deny as Flow, p)])
        .chain([
            ("tampered state", tampered_state as Flow, "flinks"),
            ("back button after success", back_after_success as Flow, "tink"),
        ])
        .collect();
    let (mut passed, mut failed) = (0, 0);
    let started = Instant::now();
    for engine in &engines {
        let engine: &'static str = match engine.as_str() {
            "chromium" => "chromium",
            "firefox" => "firefox",
            "webkit" => "webkit",
            other => panic!("unknown engine {other}"),
        };
        let t = Instant::now();
        let session = Driver::start(engine).and_then(|d| d.session().map(|s| (d, s)));
        let (_driver, session) = match session {
            Ok(ds) => ds,
            Err(e) => {
                println!("e2e {engine}: cannot start: {e}");
                failed += flows.len();
                continue;
            }
        };
        let ctx = Ctx { s: &session, app: server.app_origin.clone() };
        let (mut p, mut f) = (0, 0);
        for (name, flow, provider) in &flows {
            match flow(&ctx, provider) {
                Ok(()) => {
                    p += 1;
                    println!("test e2e::{engine}::{provider}::{} ... ok", name.replace(' ', "_"));
                }
                Err(e) => {
                    f += 1;
                    println!("test e2e::{engine}::{provider}::{} ... FAILED\n    {e}", name.replace(' ', "_"));
                }
            }
        }
        match bench(&ctx) {
            Ok(b) => println!("bench {engine}: {b}"),
            Err(e) => println!("bench {engine}: failed: {e}"),
        }
        if engine == "chromium" {
            if let Ok(dir) = std::env::var("E2E_SCREENSHOTS") {
                screenshots(&ctx, &PathBuf::from(dir));
            }
        }
        session.quit();
        println!("e2e {engine}: {p} passed, {f} failed in {:.1}s", t.elapsed().as_secs_f64());
        passed += p;
        failed += f;
    }
    println!("e2e: {:.1}s", started.elapsed().as_secs_f64());
    println!("{passed} passed, {failed} failed");
    server.shutdown();
    std::process::exit(if failed == 0 { 0 } else { 1 });
}

/// The README's pictures: the consent screen and the result page.
fn screenshots(c: &Ctx, dir: &std::path::Path) {
    let shoot = |name: &str| {
        if let Ok(png) = c.s.screenshot() {
            let _ = std::fs::write(dir.join(name), png);
        }
    };
    if c.start("flinks", "en").is_ok() {
        shoot("consent.png");
        if c.s.click("#approve").is_ok() && c.result().is_ok() {
            shoot("result.png");
        }
    }
}

/// The benchmark page's figures (init, start, callback): printed, never asserted.
fn bench(c: &Ctx) -> Res<String> {
    c.s.goto(&format!("{}/bench.html", c.app))?;
    c.s.wait_for("body[data-done]")?;
    Ok(c.s.exec("return JSON.stringify(window.benchResult)")?.as_str().unwrap_or_default().to_owned())
}
