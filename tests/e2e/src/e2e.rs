//! End-to-end flows: the demo app and the mock provider on two loopback origins, driven
//! over WebDriver in Chromium, Firefox ESR and WebKitGTK. Run by scripts/e2e
//! (WebKitGTK needs a display: xvfb-run).
//!
//! Each flow ends by checking what a user would be left with: an address bar without
//! callback parameters, no pending record in sessionStorage and, for popups, only the
//! window the user started in.
//!
//! Environment: `E2E_ENGINES=chromium,firefox,webkit` picks engines, `E2E_SCREENSHOTS=dir`
//! writes the README pictures (Chromium), `E2E_PKG_DIR` serves another build of the package.
//! The Rust frontend of `examples/rust-frontend` (built by scripts/example into
//! `target/example-rust`) gets one redirect flow of its own on a third server.
//! The `oauth2` preset also runs against a real OpenID Provider (`oidc.rs`): oidc-provider
//! from node_modules, started here beside each demo origin and stopped at the end.

mod oidc;
mod webdriver;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use webdriver::{Driver, Res, Session};

use bank_link::core::callback::is_callback_param;

/// How long the opener has to notice a closed popup: the contract's 2 s, plus the
/// harness's own polling and WebDriver round trips.
const CLOSED_WITHIN: Duration = Duration::from_millis(2_500);

/// How long the "user" looks at the consent screen before closing the popup. WebDriver
/// can close it within 100 ms of opening, before the opener has seen it open at all,
/// which no person does (and which reads like a COOP severance to the opener).
const USER_READS: Duration = Duration::from_millis(1_000);

/// Why a flow did not pass.
enum Fail {
    Error(String),
    /// The library refused `mode: "popup"` (invalid_config, field "mode"). Reported on
    /// its own line, and a failure like any other: popup mode is part of the library.
    Pending(String),
}

impl From<String> for Fail {
    fn from(e: String) -> Fail {
        Fail::Error(e)
    }
}

impl From<&str> for Fail {
    fn from(e: &str) -> Fail {
        Fail::Error(e.to_owned())
    }
}

type Flow = fn(&Ctx, &str) -> Result<(), Fail>;

/// An AuthError as the demo shows it: `data-error`, `data-field` and the text.
struct Shown {
    code: String,
    field: String,
    text: String,
}

fn ensure(cond: bool, what: impl Into<String>) -> Res<()> {
    if cond {
        Ok(())
    } else {
        Err(what.into())
    }
}

fn poll<T>(limit: Duration, mut f: impl FnMut() -> Res<Option<T>>) -> Res<Option<T>> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = f()? {
            return Ok(Some(v));
        }
        if Instant::now() > deadline {
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

struct Ctx<'a> {
    s: &'a Session,
    /// The demo's origin; the COOP flows use a second server with its own.
    app: String,
    /// The window every flow starts in (the popup's opener).
    main: String,
    /// Popup flows come back to the dedicated callback page that loads only
    /// `bank-link/relay` (www/relay.html), not the library: the demo's `?callback=relay`.
    relay: std::cell::Cell<bool>,
}

impl Ctx<'_> {
    /// Closes whatever a failed flow left open and comes back to the main window.
    fn reset(&self) -> Res<()> {
        for h in self.s.window_handles()? {
            if h != self.main {
                self.s.switch_to_window(&h)?;
                self.s.close_window()?;
            }
        }
        self.s.switch_to_window(&self.main)
    }

    /// Loads a demo page and waits for its module to be ready; a page whose module
    /// failed (data-load-error) fails at once with the reason.
    fn open_demo(&self, path: &str) -> Res<()> {
        let path = if path == "/" && self.relay.get() { "/?callback=relay" } else { path };
        self.s.goto(&format!("{}{path}", self.app))?;
        self.s.wait_for("body[data-ready], html[data-load-error]")?;
        if path.ends_with("callback=relay") {
            self.s.exec(&format!("localStorage.removeItem('{RELAY_NOTE}')"))?;
        }
        let why = self.s.exec("return document.documentElement.dataset.loadError || null")?;
        match why.as_str() {
            Some(why) => Err(format!("the demo did not load: {why}")),
            None => Ok(()),
        }
    }

    /// Opens the demo, clears this tab's storage, picks provider, mode, language and the
    /// popup's wait in ms (`None`: the field stays empty, the library's default), and
    /// clicks "Connect".
    fn submit(&self, provider: &str, mode: &str, lang: &str, popup_timeout_ms: Option<u32>) -> Res<()> {
        self.open_demo("/")?;
        self.s.exec("sessionStorage.clear()")?;
        self.s.click(&format!("input[name=provider][value=\"{provider}\"]"))?;
        self.s.click(&format!("input[name=mode][value=\"{mode}\"]"))?;
        self.s.exec(&format!("document.getElementById('lang').value = '{lang}'"))?;
        let ms = popup_timeout_ms.map(|ms| ms.to_string()).unwrap_or_default();
        self.s.exec(&format!("document.getElementById('popup-timeout').value = '{ms}'"))?;
        // The page's own clock, for the flows that time the library: when #start and
        // #cancel were clicked and when #result first showed an outcome.
        self.s.exec(
            "const t = window.e2eTimes = {}; const $ = (id) => document.getElementById(id); \
             for (const id of ['start', 'cancel']) $(id)?.addEventListener('click', () => { t[id] = performance.now() }, true); \
             const r = $('result'); new MutationObserver(() => { \
               if (t.result === undefined && (r.dataset.ok || r.dataset.error)) t.result = performance.now(); \
             }).observe(r, { attributes: true });",
        )?;
        self.s.click("#start")
    }

    /// Redirect mode: ends on the provider's consent screen.
    fn start(&self, provider: &str, lang: &str) -> Res<()> {
        self.submit(provider, "redirect", lang, None)?;
        // An AuthError shown by the demo instead of navigating ends the wait at once.
        if let Err(e) = self.s.wait_for("#approve, #result[data-error]") {
            let shown = self.s.exec("const r = document.getElementById('result'); return r && r.textContent");
            return Err(format!("{e}; the page shows {}", shown.unwrap_or_default()));
        }
        match self.read_result() {
            Ok(Some(Err(e))) => Err(format!("startAuthorization failed: {}", e.text)),
            _ => Ok(()),
        }
    }

    /// What `#result` shows now, if it shows an outcome: a result's JSON or an AuthError.
    fn read_result(&self) -> Res<Option<Result<Value, Shown>>> {
        let v = self.s.exec(
            "const r = document.getElementById('result'); \
             return [r.dataset.ok || null, r.dataset.error || null, r.dataset.field || null, r.textContent]",
        )?;
        let text = v[3].as_str().unwrap_or_default().to_owned();
        match (&v[0], &v[1]) {
            (Value::String(_), _) => {
                Ok(Some(Ok(serde_json::from_str(&text).map_err(|e| format!("result JSON {e}: {text}"))?)))
            }
            (_, Value::String(code)) => {
                Ok(Some(Err(Shown { code: code.clone(), field: v[2].as_str().unwrap_or_default().to_owned(), text })))
            }
            _ => Ok(None),
        }
    }

    /// The outcome shown on this page: `Ok(result JSON)` or `Err(AuthError code)`.
    fn result(&self) -> Res<Result<Value, String>> {
        self.s.wait_for("#result[data-ok], #result[data-error]")?;
        Ok(self.read_result()?.ok_or("no result")?.map_err(|e| e.code))
    }

    fn pending(&self) -> Res<usize> {
        // bank-link keeps its flows under one key: `p.` entries pend, `d.` ones are done.
        let v = self.s.exec(
            "return (sessionStorage.getItem('bank-link') || '').split(',').filter(e => e.startsWith('p.')).length",
        )?;
        Ok(v.as_u64().unwrap_or(99) as usize)
    }

    /// No callback parameter in the address bar, `want_pending` records, one window.
    fn left_clean_on(&self, page: &str, want_pending: usize) -> Res<()> {
        let url = self.s.url()?;
        let path = url.split(['?', '#']).next().unwrap_or_default();
        ensure(path == format!("{}{page}", self.app), format!("ended on {url}, want {page}"))?;
        let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
        for pair in query.split(['&', '#']) {
            let name = pair.split('=').next().unwrap_or("");
            ensure(!is_callback_param(name), format!("address bar still holds {name}: {url}"))?;
        }
        let n = self.pending()?;
        ensure(n == want_pending, format!("{n} pending records left, want {want_pending}"))?;
        let handles = self.s.window_handles()?;
        ensure(handles == [self.main.clone()], format!("{} windows open, want only the opener", handles.len()))
    }

    fn left_clean(&self, want_pending: usize) -> Res<()> {
        self.left_clean_on("/callback.html", want_pending)
    }

    fn check_success(&self, provider: &str, r: &Value) -> Res<()> {
        ensure(r["ok"] == Value::Bool(true), format!("not ok: {r}"))?;
        ensure(r["provider"] == provider, format!("provider {}", r["provider"]))?;
        let field = if provider == "flinks-v3" { "loginId" } else { "code" };
        ensure(r[field].as_str().is_some_and(|c| !c.is_empty()), format!("no {field}: {r}"))?;
        ensure(r["params"][field] == r[field], format!("params.{field}: {r}"))?;
        ensure(r["state"].as_str().is_some_and(|s| s.len() == 43), format!("state: {r}"))?;
        ensure(r["appState"]["startedAt"].is_string(), format!("no appState: {r}"))?;
        ensure((provider == "oauth2") == r["codeVerifier"].is_string(), format!("codeVerifier: {r}"))
    }

    fn check_denied(&self, provider: &str, r: &Value) -> Res<()> {
        ensure(r["ok"] == Value::Bool(false) && r["error"] == "access_denied", format!("{r}"))?;
        ensure(r["provider"] == provider, format!("provider {}", r["provider"]))?;
        ensure(r["appState"]["startedAt"].is_string(), format!("no appState: {r}"))?;
        match provider {
            "flinks" => ensure(r["errorDescription"] == "The user denied the access", format!("{r}")),
            // Tink's documented denial is a bare redirect: no parameters at all.
            "tink" => ensure(r["params"].as_object().is_some_and(|p| p.is_empty()), format!("params: {r}")),
            _ => Ok(()),
        }
    }

    fn expect_success(&self, provider: &str) -> Res<Value> {
        let r = self.result()?.map_err(|code| format!("expected success, got AuthError {code}"))?;
        self.check_success(provider, &r)?;
        self.left_clean(0)?;
        Ok(r)
    }

    fn expect_error(&self, code: &str) -> Res<()> {
        match self.result()? {
            Err(got) => ensure(got == code, format!("expected {code}, got {got}")),
            Ok(r) => Err(format!("expected {code}, got a result {r}")),
        }
    }

    // ----- popup mode ------------------------------------------------------------------

    /// Clicks "Connect" in popup mode (`popup_timeout_ms`: see `submit`) and returns the
    /// popup's window handle. A library that refuses popup mode makes this `Fail::Pending`.
    fn open_popup(&self, provider: &str, lang: &str, popup_timeout_ms: Option<u32>) -> Result<String, Fail> {
        self.submit(provider, "popup", lang, popup_timeout_ms)?;
        let found = poll(Duration::from_secs(5), || {
            if let Some(h) = self.s.window_handles()?.into_iter().find(|h| *h != self.main) {
                return Ok(Some(Ok(h)));
            }
            Ok(self.read_result()?.and_then(Result::err).map(Err))
        })?;
        match found {
            Some(Ok(handle)) => Ok(handle),
            Some(Err(e)) if e.code == "invalid_config" && e.field == "mode" => Err(Fail::Pending(e.text)),
            Some(Err(e)) => Err(Fail::Error(format!("no popup opened: {}", e.text))),
            None => Err(Fail::Error("no popup opened within 5 s, and no error shown".into())),
        }
    }

    /// In the popup: waits for the consent screen; without COOP, checks the window name
    /// the contract gives the popup. Returns the popup's window.name.
    fn on_consent(&self, popup: &str, coop: bool) -> Res<String> {
        self.s.switch_to_window(popup)?;
        self.s.wait_for("#approve")?;
        let name = self.s.exec("return window.name")?.as_str().unwrap_or_default().to_owned();
        if !coop {
            // A COOP response puts the popup in a new browsing context group, which
            // clears its name; without COOP it must still carry the library's name.
            ensure(name.starts_with("bank-link-"), format!("popup window.name {name:?}"))?;
        }
        Ok(name)
    }

    /// Clicks `css` in the popup, which ends on the callback page that closes it, and
    /// comes back to the opener once the popup is gone.
    fn decide_in_popup(&self, popup: &str, css: &str) -> Res<()> {
        // The click may fail when the window it was sent to closes under it: judge by
        // whether the popup went away.
        let clicked = self.s.click(css);
        let closed = poll(Duration::from_secs(10), || {
            Ok(if self.s.window_handles()?.iter().any(|h| h == popup) { None } else { Some(()) })
        })?;
        if closed.is_none() {
            let url = self.s.url().unwrap_or_default();
            let shown = self.s.exec("const r = document.getElementById('result'); return r ? r.textContent : null");
            let shown = shown.map(|v| v.to_string()).unwrap_or_default();
            clicked?;
            self.s.switch_to_window(&self.main)?;
            return Err(format!("the popup stayed open on {url} showing {shown}"));
        }
        self.s.switch_to_window(&self.main)
    }

    /// The opener's outcome, within `limit`.
    fn opener_result(&self, limit: Duration) -> Res<Result<Value, String>> {
        self.s.wait_for_within("#result[data-ok], #result[data-error]", limit)?;
        Ok(self.read_result()?.ok_or("no result")?.map_err(|e| e.text))
    }
}

/// What www/relay.html notes in localStorage once its `handleCallback` answered: whether
/// the library was loaded (`/pkg/index.js` among the page's resources).
const RELAY_NOTE: &str = "bank-link-demo:relay";

impl Ctx<'_> {
    /// The popup's callback page was the relay page, and it loaded the library exactly when
    /// `library` (its fallback) is expected.
    fn relay_page_ran(&self, library: bool) -> Res<()> {
        let note = self.s.exec(&format!("return localStorage.getItem('{RELAY_NOTE}')"))?;
        let note = note.as_str().ok_or("the relay page never answered (no note in localStorage)")?;
        let want = format!("{{\"library\":{library}}}");
        ensure(note == want, format!("the relay page noted {note}, want {want}"))
    }
}

// ----- redirect flows ---------------------------------------------------------------------

fn approve(c: &Ctx, provider: &str) -> Result<(), Fail> {
    c.start(provider, "en")?;
    c.s.click("#approve")?;
    c.expect_success(provider)?;
    // onEvent on the callback page: the answer received, then completed.
    let events = c.s.exec("return document.getElementById('events').textContent")?;
    let want = format!(
        "{{\"name\":\"callback_received\",\"mode\":\"redirect\"}}\n\
         {{\"name\":\"completed\",\"provider\":\"{provider}\",\"mode\":\"redirect\",\"ok\":true}}\n"
    );
    ensure(events.as_str() == Some(want.as_str()), format!("onEvent saw {events}, want {want}"))?;
    // The callback URL opened again (a reload before cleanup, a bookmarked or shared
    // link): refused, and cleaned again.
    let original = c.s.exec("return performance.getEntriesByType('navigation')[0].name")?;
    let original = original.as_str().ok_or("no navigation entry")?.to_owned();
    ensure(original.contains("state="), format!("navigation entry {original}"))?;
    c.s.goto(&original)?;
    c.expect_error("already_handled")?;
    Ok(c.left_clean(0)?)
}

/// The Rust frontend (`examples/rust-frontend`, bank-link's typed API): its "Connect"
/// button, the mock's Tink consent, and the answer handled by the same page on its load.
fn rust_frontend_redirect(c: &Ctx) -> Result<(), Fail> {
    c.open_demo("/")?;
    c.s.exec("sessionStorage.clear()")?;
    c.s.click("#connect")?;
    c.s.wait_for("#approve, #result[data-error]")?;
    c.s.click("#approve")?;
    let r = c.result()?.map_err(|code| format!("the Rust page shows AuthError {code}"))?;
    ensure(r["ok"] == true && r["provider"] == "tink", format!("result {r}"))?;
    ensure(r["code"].as_str().is_some_and(|c| !c.is_empty()) && r["pkce"] == false, format!("result {r}"))?;
    Ok(c.left_clean_on("/", 0)?)
}

// ----- across tabs (storage: "local") -------------------------------------------------

/// Reads (and with `edit`, rewrites) the shared store's index in the current page: the
/// text under `bank-link` in the IndexedDB object store, in one transaction of its own.
const SHARED_INDEX: &str = "return await new Promise((ok, fail) => { \
     const r = indexedDB.open('bank-link', 1); \
     r.onupgradeneeded = () => r.result.createObjectStore('flows'); r.onerror = () => fail(r.error); \
     r.onsuccess = () => { const db = r.result; const tx = db.transaction('flows', 'readwrite'); \
       const os = tx.objectStore('flows'); const g = os.get('bank-link'); let out; \
       g.onsuccess = () => { out = g.result || ''; \
         if (typeof edit === 'function') { const n = edit(out); if (n !== out) os.put(n, 'bank-link'); } }; \
       tx.oncomplete = () => { db.close(); ok(out); }; tx.onabort = () => fail(tx.error); }; });";

impl Ctx<'_> {
    /// The shared store's flows in this page, each as its kind and id (`p.STATE` pending,
    /// `d.ID` done): the index's items up to their second dot.
    fn shared_keys(&self) -> Res<Vec<String>> {
        let v = self.s.exec_async(&format!("const edit = null; {SHARED_INDEX}"))?;
        let index = v.as_str().unwrap_or_default();
        Ok(index
            .split(',')
            .filter(|i| !i.is_empty())
            .map(|i| i.splitn(3, '.').take(2).collect::<Vec<_>>().join("."))
            .collect())
    }

    /// Empties both storages of this origin and the shared store.
    fn clear_storages(&self) -> Res<()> {
        self.s.exec("sessionStorage.clear(); localStorage.clear()")?;
        self.s.exec_async(
            "await new Promise((ok) => { const r = indexedDB.deleteDatabase('bank-link'); \
             r.onsuccess = r.onerror = r.onblocked = () => ok(); }); return true;",
        )?;
        Ok(())
    }

    /// Redirect mode with `storage` ("session" or "local"), from a tab with no flows of
    /// ours in either storage: ends on the provider's consent screen.
    fn start_stored(&self, provider: &str, storage: &str) -> Res<()> {
        self.open_demo("/")?;
        self.clear_storages()?;
        self.s.click(&format!("input[name=provider][value=\"{provider}\"]"))?;
        self.s.click(&format!("input[name=storage][value=\"{storage}\"]"))?;
        self.s.click("#start")?;
        self.s.wait_for("#approve")?;
        Ok(())
    }

    /// The user approves at the bank, and the bank's app hands the answer to the
    /// operating system: the callback URL the provider redirects to, read from its 302
    /// (the consent form posted as the browser would, without following it).
    fn approve_elsewhere(&self) -> Res<String> {
        let form = self.s.exec(
            "const f = document.querySelector('form'); const d = new URLSearchParams(new FormData(f)); \
             d.set('decision', 'approve'); return [f.action, d.toString()]",
        )?;
        let (action, body) = (form[0].as_str().unwrap_or_default(), form[1].as_str().unwrap_or_default());
        let agent: ureq::Agent =
            ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
        let resp = agent
            .post(action)
            .content_type("application/x-www-form-urlencoded")
            .send(body)
            .map_err(|e| format!("POST {action}: {e}"))?;
        let location = resp.headers().get("location").and_then(|v| v.to_str().ok());
        location.map(str::to_owned).ok_or_else(|| format!("the provider answered {} without a Location", resp.status()))
    }

    /// Opens `url` in a new tab (its own sessionStorage, no opener) and returns the tab.
    fn open_in_new_tab(&self, url: &str) -> Res<String> {
        let tab = self.s.new_tab()?;
        self.s.switch_to_window(&tab)?;
        self.s.goto(url)?;
        Ok(tab)
    }

    /// Closes `tab` and comes back to the main window, which never left the consent screen
    /// (nothing can script a provider's page).
    fn close_tab(&self, tab: &str) -> Res<()> {
        self.s.switch_to_window(tab)?;
        self.s.close_window()?;
        self.s.switch_to_window(&self.main)?;
        ensure(
            self.s.exec("return !!document.getElementById('approve')")? == true,
            "the first tab left the consent screen",
        )
    }
}

/// `storage: "local"`: the answer comes back in a new tab (an app switch) and completes.
fn app_switch_local(c: &Ctx, provider: &str) -> Result<(), Fail> {
    c.start_stored(provider, "local")?;
    let callback = c.approve_elsewhere()?;
    let tab = c.open_in_new_tab(&callback)?;
    let r = c.result()?.map_err(|code| format!("expected success in the new tab, got AuthError {code}"))?;
    c.check_success(provider, &r)?;
    let left = c.s.exec("return [sessionStorage.length, location.href]")?;
    ensure(left[0] == 0, format!("the new tab's sessionStorage holds {}", left[0]))?;
    c.local_consumed()?;
    ensure(!left[1].as_str().unwrap_or_default().contains("state="), format!("address bar: {}", left[1]))?;
    // The same answer opened again (the app switch delivered it twice): refused.
    c.s.goto(&callback)?;
    c.expect_error("already_handled")?;
    Ok(c.close_tab(&tab)?)
}

/// The default storage: the new tab has no pending flow, as before this option existed.
fn app_switch_session(c: &Ctx, provider: &str) -> Result<(), Fail> {
    c.start_stored(provider, "session")?;
    let callback = c.approve_elsewhere()?;
    let tab = c.open_in_new_tab(&callback)?;
    c.expect_error("unknown_state")?;
    Ok(c.close_tab(&tab)?)
}

/// Two tabs handle the same callback at the same moment: exactly one gets the result.
fn two_tabs_race(c: &Ctx, provider: &str) -> Result<(), Fail> {
    c.start_stored(provider, "local")?;
    let callback = c.approve_elsewhere()?;
    let tabs = [c.s.new_tab()?, c.s.new_tab()?];
    for tab in &tabs {
        c.s.switch_to_window(tab)?;
        c.open_demo("/")?;
    }
    // Both fire at one wall-clock instant (Date.now() is the machine's clock in every tab).
    let at = c.s.exec("return Date.now() + 1500")?.as_f64().ok_or("no clock")?;
    let arm = format!(
        "window.raceResult = null; const m = await import('/pkg/index.js'); \
         setTimeout(() => Promise.resolve(m.handleCallback({url})).then( \
           (r) => {{ window.raceResult = 'ok:' + (r && r.code); }}, (e) => {{ window.raceResult = 'err:' + e.code; }}), \
           {at} - Date.now()); return true;",
        url = serde_json::to_string(&callback).unwrap_or_default()
    );
    for tab in &tabs {
        c.s.switch_to_window(tab)?;
        c.s.exec_async(&arm)?;
    }
    let mut results = Vec::new();
    for tab in &tabs {
        c.s.switch_to_window(tab)?;
        let r =
            poll(Duration::from_secs(10), || Ok(c.s.exec("return window.raceResult")?.as_str().map(str::to_owned)))?;
        results.push(r.ok_or("a tab never answered")?);
    }
    results.sort();
    let wins = results.iter().filter(|r| r.starts_with("ok:")).count();
    ensure(wins == 1 && results.iter().any(|r| r == "err:already_handled"), format!("the two tabs: {results:?}"))?;
    for tab in &tabs {
        c.s.switch_to_window(tab)?;
        c.s.close_window()?;
    }
    c.s.switch_to_window(&c.main)?;
    Ok(())
}

/// The browser restarts after the flow's TTL: its tabs are gone (a new tab has an empty
/// sessionStorage) and localStorage still holds the flow, now expired (simulated by moving
/// its expiry into the past, as the clock would). The first `storage: "local"` callback
/// page sweeps it, and the provider's answer opened later finds nothing.
fn restart_sweep(c: &Ctx, provider: &str) -> Result<(), Fail> {
    c.start_stored(provider, "local")?;
    let callback = c.approve_elsewhere()?;
    let tab = c.open_in_new_tab(&format!("{}/callback.html", c.app))?;
    c.s.wait_for("body[data-ready]")?;
    // `p.STATE.CREATED.EXPIRES.RECORD`: the entry's expiry (the record holds no times of
    // its own) and the hint's times, moved into the past as the clock would move past them.
    let moved = c.s.exec_async(&format!(
        "const past = String(Date.now() - 1000); \
         const edit = (index) => index.split(',').map((item) => {{ const p = item.split('.'); \
           if (p[0] !== 'p') return item; p[3] = past; return p.join('.'); }}).join(','); \
         const out = await (async () => {{ {SHARED_INDEX} }})(); \
         localStorage.setItem('bank-link:shared', past + '.' + past); \
         localStorage.setItem('bank-link', 'an index of the old format'); \
         localStorage.setItem('bank-link:claim:' + 'A'.repeat(43), 'a claim of the old format'); \
         localStorage.setItem('app:keep', 'the app'); \
         return [sessionStorage.length, out];"
    ))?;
    ensure(
        moved[0] == 0 && moved[1].as_str().is_some_and(|k| k.starts_with("p.")),
        format!("the restarted browser's storage: {moved}"),
    )?;
    c.s.goto(&format!("{}/callback.html", c.app))?;
    c.s.wait_for("body[data-ready]")?;
    // The sweep is a transaction of its own, which the page does not wait for.
    let swept = poll(Duration::from_secs(5), || Ok(c.shared_keys()?.is_empty().then_some(())))?;
    ensure(swept.is_some(), format!("the expired flow outlived the first callback page: {:?}", c.shared_keys()?))?;
    // The old localStorage format's keys (a browser that ran the version before) went with
    // the first call, and the app's own key stayed.
    let left = c.s.exec(
        "return Object.keys(localStorage).filter(k => k === 'bank-link' || k.startsWith('bank-link:claim:') \
         || k === 'app:keep')",
    )?;
    ensure(left == serde_json::json!(["app:keep"]), format!("localStorage after the first call: {left}"))?;
    c.s.goto(&callback)?;
    c.expect_error("unknown_state")?;
    Ok(c.close_tab(&tab)?)
}

/// A start in one tab right after another tab consumed flow X: X stays consumed (every
/// transaction reads the store as the one before it left it), and X's answer opened again
/// is refused.
fn start_after_consumed(c: &Ctx, provider: &str) -> Result<(), Fail> {
    c.start_stored(provider, "local")?;
    let callback = c.approve_elsewhere()?;
    let tab = c.open_in_new_tab(&callback)?;
    c.check_success(provider, &c.result()?.map_err(|code| format!("the new tab got AuthError {code}"))?)?;
    // Another start at once, from a page of the app, also with storage "local".
    c.open_demo("/")?;
    c.s.click(&format!("input[name=provider][value=\"{provider}\"]"))?;
    c.s.click("input[name=storage][value=\"local\"]")?;
    c.s.click("#start")?;
    c.s.wait_for("#approve")?;
    c.s.goto(&callback)?;
    c.expect_error("already_handled")?;
    let keys = c.shared_keys()?;
    let pending = keys.iter().filter(|k| k.starts_with("p.")).count();
    ensure(pending == 1, format!("the shared store holds {keys:?}: want the new flow pending, X done"))?;
    Ok(c.close_tab(&tab)?)
}

/// A relay for another path of the app, on the flow's channel with the flow's own state:
/// not this flow's answer, so it consumes nothing and the opener keeps waiting; the
/// genuine answer then completes the flow.
fn relay_for_another_path(c: &Ctx, provider: &str) -> Result<(), Fail> {
    let popup = c.open_local_popup(provider)?;
    c.s.switch_to_window(&c.main)?;
    let keys = c.shared_keys()?;
    let state = keys.iter().find_map(|k| k.strip_prefix("p.")).ok_or(format!("no shared flow: {keys:?}"))?.to_owned();
    c.s.exec(&format!(
        "new BroadcastChannel('bank-link:{state}').postMessage({{ type: 'bank-link:callback', state: '{state}', \
         href: location.origin + '/elsewhere?code=forged&state={state}' }}); return true"
    ))?;
    // The opener verified it against the shared record by now, or will have before the
    // genuine answer, which comes after it on the same channel order; either way it must
    // not have ended the flow.
    std::thread::sleep(Duration::from_millis(500));
    ensure(c.read_result()?.is_none(), "the forged relay ended the flow")?;
    ensure(c.shared_keys()?.contains(&format!("p.{state}")), "the forged relay consumed the flow")?;
    c.s.switch_to_window(&popup)?;
    c.decide_in_popup(&popup, "#approve")?;
    let r = c.opener_result(Duration::from_secs(10))?.map_err(|e| format!("the opener got AuthError {e}"))?;
    c.check_success(provider, &r)?;
    c.local_consumed()?;
    Ok(c.left_clean_on("/", 0)?)
}

impl Ctx<'_> {
    /// Popup mode with `storage: "local"` from this context's main window, with no flows
    /// of ours in either storage: returns the popup's window handle once it is on the
    /// consent screen (and this context is in it).
    fn open_local_popup(&self, provider: &str) -> Res<String> {
        self.open_demo("/")?;
        self.clear_storages()?;
        self.s.click(&format!("input[name=provider][value=\"{provider}\"]"))?;
        self.s.click("input[name=mode][value=\"popup\"]")?;
        self.s.click("input[name=storage][value=\"local\"]")?;
        let before = self.s.window_handles()?;
        self.s.click("#start")?;
        let popup =
            poll(Duration::from_secs(5), || Ok(self.s.window_handles()?.into_iter().find(|h| !before.contains(h))))?;
        let popup = match popup {
            Some(popup) => popup,
            None => {
                let shown = self.s.exec("const r = document.getElementById('result'); return r && r.textContent")?;
                return Err(format!("no popup opened: the opener shows {shown}"));
            }
        };
        self.on_consent(&popup, false)?;
        Ok(popup)
    }

    /// The shared store after a flow completed: no pending record, one `done` marker, and
    /// nothing of the localStorage format before it.
    fn local_consumed(&self) -> Res<()> {
        let keys = self.shared_keys()?;
        let pending = keys.iter().filter(|k| k.starts_with("p.")).count();
        let done = keys.iter().filter(|k| k.starts_with("d.")).count();
        ensure(pending == 0 && done == 1, format!("the shared store after: {keys:?}"))?;
        let old = self.s.exec(
            "return Object.keys(localStorage).filter(k => k === 'bank-link' || k.startsWith('bank-link:claim:')).length",
        )?;
        ensure(old == 0, format!("{old} keys of the old format left in localStorage"))
    }
}

/// Popup mode with `storage: "local"`: the bank's app sends the answer to a new tab, not
/// to the popup. That tab relays it to the opener, says "return to the app" and stays
/// open; the opener's promise resolves with the code and the stranded popup is closed.
fn popup_app_switch(c: &Ctx, provider: &str) -> Result<(), Fail> {
    let popup = c.open_local_popup(provider)?;
    let callback = c.approve_elsewhere()?;
    // A new tab from the main window: geckodriver hangs on one asked for from a popup.
    c.s.switch_to_window(&c.main)?;
    let tab = c.open_in_new_tab(&callback)?;
    let said = poll(Duration::from_secs(8), || {
        let text = c.s.exec("return document.body ? document.body.textContent : ''")?;
        Ok(text.as_str().filter(|t| t.contains("You can return to the app")).map(str::to_owned))
    })?;
    ensure(said.is_some(), "the callback tab never said to return to the app")?;
    let left = c.s.exec("return [sessionStorage.length, location.href]")?;
    ensure(left[0] == 0, format!("the callback tab's sessionStorage holds {}", left[0]))?;
    ensure(!left[1].as_str().unwrap_or_default().contains("state="), format!("address bar: {}", left[1]))?;
    c.s.switch_to_window(&c.main)?;
    let r = c.opener_result(Duration::from_secs(10))?.map_err(|e| format!("the opener got AuthError {e}"))?;
    c.check_success(provider, &r)?;
    let want = format!(
        "{{\"name\":\"open\",\"provider\":\"{provider}\",\"mode\":\"popup\"}}\n{{\"name\":\"relayed\",\"mode\":\"popup\"}}\n\
         {{\"name\":\"completed\",\"provider\":\"{provider}\",\"mode\":\"popup\",\"ok\":true}}\n"
    );
    let events = c.s.exec("return document.getElementById('events').textContent")?;
    ensure(events.as_str() == Some(want.as_str()), format!("onEvent saw {events}, want {want}"))?;
    c.local_consumed()?;
    // The opener closed the popup stranded on the bank's page; the tab the OS opened stays.
    let gone = poll(POPUP_GONE_WITHIN, || Ok((!c.s.window_handles()?.contains(&popup)).then_some(())))?;
    ensure(gone.is_some(), "the stranded popup is still open")?;
    ensure(c.s.window_handles()?.contains(&tab), "the callback tab closed itself")?;
    c.s.switch_to_window(&tab)?;
    c.s.close_window()?;
    c.s.switch_to_window(&c.main)?;
    Ok(c.left_clean_on("/", 0)?)
}

/// Popup mode with `storage: "local"` where no app switch happens: the popup relays as
/// usual, and the opener takes the flow through the claim and consumes the local copy.
fn popup_local_in_the_popup(c: &Ctx, provider: &str) -> Result<(), Fail> {
    let popup = c.open_local_popup(provider)?;
    c.decide_in_popup(&popup, "#approve")?;
    let r = c.opener_result(Duration::from_secs(10))?.map_err(|e| format!("the opener got AuthError {e}"))?;
    c.check_success(provider, &r)?;
    c.local_consumed()?;
    Ok(c.left_clean_on("/", 0)?)
}

/// The same, with the opener gone (the browser killed the background tab; here the opener
/// navigates away, which ends its page as surely): the callback tab hears no word from it
/// and completes the flow itself, as a redirect.
fn popup_app_switch_opener_gone(c: &Ctx, provider: &str) -> Result<(), Fail> {
    let popup = c.open_local_popup(provider)?;
    let callback = c.approve_elsewhere()?;
    c.s.switch_to_window(&c.main)?;
    c.s.goto("about:blank")?;
    let tab = c.open_in_new_tab(&callback)?;
    let r = c.result()?.map_err(|code| format!("expected success in the callback tab, got AuthError {code}"))?;
    c.check_success(provider, &r)?;
    c.local_consumed()?;
    let url = c.s.url()?;
    ensure(!url.contains("state="), format!("address bar: {url}"))?;
    for h in [tab, popup] {
        c.s.switch_to_window(&h)?;
        c.s.close_window()?;
    }
    c.s.switch_to_window(&c.main)?;
    Ok(())
}

fn deny(c: &Ctx, provider: &str) -> Result<(), Fail> {
    c.start(provider, "fr")?;
    c.s.click("#deny")?;
    let r = c.result()?.map_err(|code| format!("expected a provider error, got AuthError {code}"))?;
    c.check_denied(provider, &r)?;
    Ok(c.left_clean(0)?)
}

fn tampered_state(c: &Ctx, provider: &str) -> Result<(), Fail> {
    c.start(provider, "en")?;
    c.s.exec(
        "document.querySelectorAll('input[name=state]').forEach(i => { i.value = i.value.slice(0, -1) + (i.value.endsWith('A') ? 'B' : 'A') })",
    )?;
    c.s.click("#approve")?;
    c.expect_error("unknown_state")?;
    // A forged callback consumes nothing: the real flow is still pending.
    Ok(c.left_clean(1)?)
}

fn back_after_success(c: &Ctx, provider: &str) -> Result<(), Fail> {
    c.start(provider, "en")?;
    c.s.click("#approve")?;
    c.expect_success(provider)?;
    c.s.back()?;
    // Back on the provider's consent screen; approving again replays the same state.
    c.s.click("#approve")?;
    c.expect_error("already_handled")?;
    Ok(c.left_clean(0)?)
}

// ----- popup flows ------------------------------------------------------------------------

fn popup_decide(c: &Ctx, provider: &str, decision: &str, coop: bool) -> Result<(), Fail> {
    let popup = c.open_popup(provider, if decision == "approve" { "en" } else { "fr" }, None)?;
    c.on_consent(&popup, coop)?;
    c.decide_in_popup(&popup, &format!("#{decision}"))?;
    let r = c.opener_result(Duration::from_secs(10))?.map_err(|e| format!("the opener got AuthError {e}"))?;
    if decision == "approve" {
        c.check_success(provider, &r)?;
    } else {
        c.check_denied(provider, &r)?;
    }
    // onEvent in the opener, as the demo lists it: open, relayed, completed with `ok`.
    let ok = decision == "approve";
    let want = format!(
        "{{\"name\":\"open\",\"provider\":\"{provider}\",\"mode\":\"popup\"}}\n{{\"name\":\"relayed\",\"mode\":\"popup\"}}\n\
         {{\"name\":\"completed\",\"provider\":\"{provider}\",\"mode\":\"popup\",\"ok\":{ok}}}\n"
    );
    let events = c.s.exec("return document.getElementById('events').textContent")?;
    ensure(events.as_str() == Some(want.as_str()), format!("onEvent saw {events}, want {want}"))?;
    if c.relay.get() {
        // Tink's denial is a bare return, with no state to relay by: the library answers.
        c.relay_page_ran(provider == "tink" && decision == "deny")?;
    }
    Ok(c.left_clean_on("/", 0)?)
}

fn popup_approve(c: &Ctx, provider: &str) -> Result<(), Fail> {
    popup_decide(c, provider, "approve", false)
}

fn popup_deny(c: &Ctx, provider: &str) -> Result<(), Fail> {
    popup_decide(c, provider, "deny", false)
}

fn coop_popup_approve(c: &Ctx, provider: &str) -> Result<(), Fail> {
    popup_decide(c, provider, "approve", true)
}

fn coop_popup_deny(c: &Ctx, provider: &str) -> Result<(), Fail> {
    popup_decide(c, provider, "deny", true)
}

fn popup_closed_by_user(c: &Ctx, provider: &str) -> Result<(), Fail> {
    let popup = c.open_popup(provider, "en", None)?;
    c.on_consent(&popup, false)?;
    std::thread::sleep(USER_READS);
    c.s.close_window()?;
    let closed_at = Instant::now();
    c.s.switch_to_window(&c.main)?;
    let seen = poll(CLOSED_WITHIN, || c.read_result())?;
    let took = closed_at.elapsed();
    match seen {
        Some(Err(e)) if e.code == "popup_closed" => {
            println!("    popup_closed shown {took:.1?} after the window closed")
        }
        Some(Err(e)) => return Err(Fail::Error(format!("expected popup_closed, got {}", e.text))),
        Some(Ok(r)) => return Err(Fail::Error(format!("expected popup_closed, got a result {r}"))),
        None => return Err(Fail::Error(format!("no popup_closed within {took:.1?}"))),
    }
    Ok(c.left_clean_on("/", 0)?)
}

/// How long the library has to close its popup once it ends a flow (abort, timeout):
/// `close()` is synchronous, the window handle can linger while the engine tears down.
const POPUP_GONE_WITHIN: Duration = Duration::from_secs(3);

impl Ctx<'_> {
    /// The demo's Cancel button: `Some(enabled)`, or `None` when the page has none.
    fn cancel_enabled(&self) -> Res<Option<bool>> {
        let v = self.s.exec("const b = document.getElementById('cancel'); return b ? !b.disabled : null")?;
        Ok(v.as_bool())
    }

    /// In the opener, while the popup waits: the flow's copy of the pending record is in
    /// sessionStorage (so the check that it is gone afterwards means something) and the
    /// Cancel button is enabled.
    fn waiting_in_opener(&self) -> Res<()> {
        self.s.switch_to_window(&self.main)?;
        ensure(self.read_result()?.is_none(), "the opener shows an outcome while the popup waits")?;
        // The opener keeps its copy until the flow ends (WebKit may clone the popup's storage
        // after a removal right after `window.open`); it never takes itself for the popup,
        // since it is listening for the state.
        let n = self.pending()?;
        ensure(n == 1, format!("{n} pending records in the opener while the popup waits, want 1"))?;
        ensure(self.cancel_enabled()? == Some(true), "#cancel is not enabled while the popup waits")
    }

    /// Waits in the opener until `#result` shows an AuthError, within `limit`; returns its
    /// code and, by the page's clock, how long after the click on `#{clicked}` it showed.
    fn opener_error(&self, limit: Duration, clicked: &str) -> Res<(String, Duration)> {
        let t = Instant::now();
        let code = match poll(limit, || self.read_result())? {
            Some(Err(e)) => e.code,
            Some(Ok(r)) => return Err(format!("expected an AuthError, got a result {r}")),
            None => return Err(format!("no outcome shown within {:.1?}", t.elapsed())),
        };
        let ms = self.s.exec(&format!("const t = window.e2eTimes; return t.result - t['{clicked}']"))?;
        let ms = ms.as_f64().filter(|ms| ms.is_finite() && *ms >= 0.0).ok_or(format!("no page times: {ms}"))?;
        Ok((code, Duration::from_secs_f64(ms / 1000.0)))
    }

    /// After a flow the library ended itself: the popup it opened is gone (only the
    /// opener's handle left) within `POPUP_GONE_WITHIN`, the Cancel button disabled again,
    /// and the opener clean.
    fn popup_closed_by_library(&self, popup: &str, code: &str) -> Res<()> {
        let t = Instant::now();
        let gone = poll(POPUP_GONE_WITHIN, || {
            let handles = self.s.window_handles()?;
            Ok((handles == [self.main.clone()]).then_some(()))
        })?;
        if gone.is_none() {
            let handles = self.s.window_handles()?;
            let still = if handles.iter().any(|h| h == popup) { "the popup is still open" } else { "another window" };
            return Err(format!("after {code}: {} windows open {:.1?} later ({still})", handles.len(), t.elapsed()));
        }
        ensure(self.cancel_enabled()? == Some(false), format!("#cancel still enabled after {code}"))?;
        self.left_clean_on("/", 0)
    }
}

/// The user gives up from the opener: the demo's Cancel button aborts the flow through
/// the `signal` it passed, which closes the popup, drops the pending record and rejects
/// with `aborted`.
fn popup_cancelled(c: &Ctx, provider: &str) -> Result<(), Fail> {
    let popup = c.open_popup(provider, "en", None)?;
    c.on_consent(&popup, false)?;
    std::thread::sleep(USER_READS);
    c.waiting_in_opener()?;
    c.s.click("#cancel")?;
    let (code, took) = c.opener_error(Duration::from_secs(5), "cancel")?;
    ensure(code == "aborted", format!("expected aborted, got {code}"))?;
    println!("    aborted shown {took:.1?} after the click on Cancel");
    Ok(c.popup_closed_by_library(&popup, "aborted")?)
}

/// The opener leaves the app while its popup is on the consent screen (the user
/// navigated away): the popup, approved, lands on the callback page, relays to nobody,
/// drops its copy, and after the wait for the opener's word stays open saying where to
/// go, instead of vanishing.
fn popup_opener_gone(c: &Ctx, provider: &str) -> Result<(), Fail> {
    let popup = c.open_popup(provider, "en", None)?;
    c.on_consent(&popup, false)?;
    c.s.switch_to_window(&c.main)?;
    c.s.goto("about:blank")?;
    c.s.switch_to_window(&popup)?;
    c.s.click("#approve")?;
    let said = poll(Duration::from_secs(8), || {
        let text = c.s.exec("return document.body ? document.body.textContent : ''")?;
        Ok(text.as_str().filter(|t| t.contains("return to the app")).map(str::to_owned))
    })?;
    ensure(said.is_some(), "the popup never said to return to the app")?;
    ensure(c.s.window_handles()?.contains(&popup), "the popup closed itself")?;
    let left = c.s.exec("return sessionStorage.getItem('bank-link') || ''")?;
    ensure(!left.as_str().unwrap_or_default().contains("p."), format!("the popup kept its copy: {left}"))?;
    let url = c.s.url()?;
    ensure(!url.contains("state="), format!("the popup's address still carries the callback: {url}"))?;
    c.s.switch_to_window(&c.main)?;
    Ok(())
}

/// The user leaves the popup on the consent screen: with the demo's "Give up after"
/// set to 1500 ms (`popup: { timeoutMs }`), the flow ends with `popup_timeout`, the
/// popup closed by the library and nothing left pending.
fn popup_timeout(c: &Ctx, provider: &str) -> Result<(), Fail> {
    const TIMEOUT: Duration = Duration::from_millis(1_500);
    let popup = c.open_popup(provider, "en", Some(TIMEOUT.as_millis() as u32))?;
    c.on_consent(&popup, false)?;
    // No look at the waiting opener here (popup_cancelled has one): on a busy machine the
    // WebDriver round trips to the consent page can outlast the 1.5 s, and the outcome would
    // then race the look. That the flow waited is the page's own clock below.
    c.s.switch_to_window(&c.main)?;
    let (code, took) = c.opener_error(Duration::from_secs(5), "start")?;
    ensure(code == "popup_timeout", format!("expected popup_timeout, got {code}"))?;
    // By the page's clock, from the click on Connect: not before the wait, within 5 s.
    ensure(
        (TIMEOUT..=Duration::from_secs(5)).contains(&took),
        format!("popup_timeout shown {took:.2?} after the click, want {TIMEOUT:?} to 5 s"),
    )?;
    println!("    popup_timeout shown {took:.2?} after the click on Connect");
    Ok(c.popup_closed_by_library(&popup, "popup_timeout")?)
}

/// `startAuthorization` called outside any user gesture (after awaits, from a timer):
/// the browser's popup blocker refuses the window, the promise rejects with
/// popup_blocked, and nothing is left behind.
fn popup_blocked_outside_click(c: &Ctx, provider: &str) -> Result<(), Fail> {
    c.open_demo("/")?;
    c.s.exec(&format!(
        "sessionStorage.clear(); window.blockedOutcome = null; \
         setTimeout(async () => {{ \
           const m = await import('/pkg/index.js'); \
           const P = (await (await fetch('/mock-config.json')).json()).providerOrigin; \
           const config = {{ provider: '{provider}', mode: 'popup', authorizeUrl: `${{P}}/api/v1/authorize`, \
             clientId: 'demo-recipient', providerId: 'demo-bank', scope: ['ACCOUNT_BASIC'], \
             redirectUri: `${{location.origin}}/callback.html` }}; \
           try {{ await m.startAuthorization(config); window.blockedOutcome = {{ resolved: true }}; }} \
           catch (e) {{ window.blockedOutcome = {{ code: e.code, field: e.field || '', text: String(e.message) }}; }} \
         }}, 1200);"
    ))?;
    let outcome = poll(Duration::from_secs(5), || {
        let v = c.s.exec("return window.blockedOutcome")?;
        Ok(if v.is_null() { None } else { Some(v) })
    })?
    .ok_or("startAuthorization neither resolved nor rejected within 5 s")?;
    let code = outcome["code"].as_str().unwrap_or_default();
    if code == "invalid_config" && outcome["field"] == "mode" {
        return Err(Fail::Pending(outcome["text"].as_str().unwrap_or_default().to_owned()));
    }
    ensure(code == "popup_blocked", format!("expected popup_blocked, got {outcome}"))?;
    Ok(c.left_clean_on("/", 0)?)
}

// ----- the run ----------------------------------------------------------------------------

struct Case {
    name: &'static str,
    flow: Flow,
    provider: &'static str,
    /// Runs against the second server, whose provider sends COOP: same-origin.
    coop: bool,
    /// Popup flows answer on www/relay.html (`bank-link/relay`), not the library's page.
    relay: bool,
}

fn cases() -> Vec<Case> {
    let case = |name, flow, provider, coop| Case { name, flow, provider, coop, relay: false };
    let mut all = Vec::new();
    for p in ["tink", "flinks", "flinks-v3", "oauth2"] {
        all.push(case("redirect approve", approve as Flow, p, false));
        all.push(case("redirect deny", deny as Flow, p, false));
    }
    all.push(case("tampered state", tampered_state as Flow, "flinks", false));
    all.push(case("app switch with storage local", app_switch_local as Flow, "tink", false));
    all.push(case("app switch with storage local", app_switch_local as Flow, "oauth2", false));
    all.push(case("app switch with the default storage", app_switch_session as Flow, "flinks", false));
    all.push(case("two tabs race with storage local", two_tabs_race as Flow, "oauth2", false));
    all.push(case("popup app switch with storage local", popup_app_switch as Flow, "oauth2", false));
    all.push(case("popup app switch with storage local", popup_app_switch as Flow, "tink", false));
    all.push(case(
        "popup with storage local, answered in the popup",
        popup_local_in_the_popup as Flow,
        "flinks-v3",
        false,
    ));
    all.push(case("popup app switch, opener gone", popup_app_switch_opener_gone as Flow, "flinks", false));
    all.push(case("app switch after a browser restart", restart_sweep as Flow, "oauth2", false));
    all.push(case("start right after another tab consumed a flow", start_after_consumed as Flow, "oauth2", false));
    all.push(case("relay for another path, then the answer", relay_for_another_path as Flow, "oauth2", false));
    all.push(case("back button after success", back_after_success as Flow, "tink", false));
    for p in ["tink", "flinks", "flinks-v3", "oauth2"] {
        all.push(case("popup approve", popup_approve as Flow, p, false));
    }
    all.push(case("popup deny", popup_deny as Flow, "tink", false));
    all.push(case("popup deny", popup_deny as Flow, "flinks", false));
    all.push(case("popup closed by user", popup_closed_by_user as Flow, "flinks", false));
    all.push(case("popup cancelled", popup_cancelled as Flow, "tink", false));
    all.push(case("popup timeout", popup_timeout as Flow, "flinks", false));
    all.push(case("popup whose opener is gone", popup_opener_gone as Flow, "oauth2", false));
    all.push(case("popup blocked outside a click", popup_blocked_outside_click as Flow, "flinks", false));
    all.push(case("coop popup approve", coop_popup_approve as Flow, "flinks", true));
    all.push(case("coop popup deny", coop_popup_deny as Flow, "tink", true));
    // Popup flows whose callback page loads only bank-link/relay: its own path in a popup
    // (approve, Flinks' deny, COOP, the opener gone), and its fallback to the library
    // (Tink's bare denial, the answer opened in a new tab by the bank's app).
    let relay = |name, flow, provider, coop| Case { name, flow, provider, coop, relay: true };
    all.push(relay("popup approve through the relay page", popup_approve as Flow, "tink", false));
    all.push(relay("popup approve through the relay page", popup_approve as Flow, "oauth2", false));
    all.push(relay("popup deny through the relay page", popup_deny as Flow, "tink", false));
    all.push(relay("popup deny through the relay page", popup_deny as Flow, "flinks", false));
    all.push(relay("coop popup approve through the relay page", coop_popup_approve as Flow, "flinks-v3", true));
    all.push(relay("coop popup deny through the relay page", coop_popup_deny as Flow, "tink", true));
    all.push(relay("popup whose opener is gone, through the relay page", popup_opener_gone as Flow, "oauth2", false));
    all.push(relay(
        "popup app switch with storage local, through the relay page",
        popup_app_switch as Flow,
        "oauth2",
        false,
    ));
    all.push(relay(
        "popup app switch, opener gone, through the relay page",
        popup_app_switch_opener_gone as Flow,
        "flinks",
        false,
    ));
    all.extend(oidc::cases());
    all
}

fn serve(root: &Path, pkg: &Path, coop: bool) -> mock_provider::Running {
    mock_provider::start(mock_provider::Options {
        host: "127.0.0.1".into(),
        app_port: 0,
        provider_port: 0,
        www_dir: root.join("www"),
        pkg_dir: pkg.to_path_buf(),
        coop,
        app_headers: Vec::new(),
        wasm_type: None,
    })
    .expect("mock provider starts")
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let pkg = std::env::var_os("E2E_PKG_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("pkg"));
    if !pkg.join("index.js").is_file() {
        eprintln!("e2e: no package in {} (run scripts/build first)", pkg.display());
        std::process::exit(2);
    }
    let engines = webdriver::engines();
    let server = serve(&root, &pkg, false);
    // The demo reads its provider origin from its own app origin, so the COOP provider
    // comes with its own app origin too.
    let coop_server = serve(&root, &pkg, true);
    let example = root.join("target/example-rust");
    if !example.join("pkg/bank_link_example.js").is_file() {
        eprintln!("e2e: no Rust frontend in {} (run scripts/example first)", example.display());
        std::process::exit(2);
    }
    let rust_server = mock_provider::start(mock_provider::Options {
        host: "127.0.0.1".into(),
        app_port: 0,
        provider_port: 0,
        www_dir: example.clone(),
        pkg_dir: example.join("pkg"),
        coop: false,
        app_headers: Vec::new(),
        wasm_type: None,
    })
    .expect("mock provider starts");
    // E2E_ONLY=text: only the cases whose name contains it (a quicker loop while working).
    let only = std::env::var("E2E_ONLY").unwrap_or_default();
    let cases: Vec<Case> = cases().into_iter().filter(|c| c.name.contains(only.as_str())).collect();
    // The real OpenID Provider, one beside each demo origin (the COOP one sends COOP), only
    // when an `oidc` case runs. It cannot start without `npm ci`: its cases then fail.
    let mut oidc_servers = Vec::new();
    if cases.iter().any(|c| c.name.starts_with("oidc ")) {
        // Both at once: each takes a second or two to load.
        let (root, t) = (root.as_path(), Instant::now());
        let started = std::thread::scope(|scope| {
            [(&server, false), (&coop_server, true)]
                .map(|(demo, coop)| {
                    let pages = ["callback.html", "relay.html"].map(|p| format!("{}/{p}", demo.app_origin));
                    (demo, scope.spawn(move || oidc::OidcServer::start(root, &pages, coop)))
                })
                .map(|(demo, op)| (demo, op.join().unwrap_or_else(|_| Err("panicked".into()))))
        });
        for (demo, op) in started {
            match op {
                Ok(op) => {
                    demo.set_oidc_issuer(&op.issuer);
                    oidc_servers.push(op);
                }
                Err(e) => println!("e2e: the OpenID Provider (tests/oidc/server.mjs) cannot start: {e}"),
            }
        }
        println!("e2e: {} OpenID Providers up in {:.1}s", oidc_servers.len(), t.elapsed().as_secs_f64());
    }
    let (mut passed, mut failed, mut pending) = (0, 0, 0);
    let mut pending_reasons: Vec<String> = Vec::new();
    let started = Instant::now();
    for &engine in &engines {
        let t = Instant::now();
        let session = Driver::start(engine).and_then(|d| d.session().map(|s| (d, s)));
        let (_driver, session) = match session {
            Ok(ds) => ds,
            Err(e) => {
                println!("e2e {engine}: cannot start: {e}");
                failed += cases.len();
                continue;
            }
        };
        let main = match session
            .set_timeouts(Duration::from_secs(20), Duration::from_secs(10))
            .and_then(|_| session.window_handle())
        {
            Ok(h) => h,
            Err(e) => {
                println!("e2e {engine}: cannot start: {e}");
                failed += cases.len();
                session.quit();
                continue;
            }
        };
        let plain = Ctx { s: &session, app: server.app_origin.clone(), main: main.clone(), relay: Default::default() };
        let coop = Ctx { s: &session, app: coop_server.app_origin.clone(), main, relay: Default::default() };
        // A package that cannot load or run fails every flow the same way: say so once.
        if let Err(e) = smoke(&plain) {
            println!("e2e {engine}: {e}");
            println!("e2e {engine}: 0 passed, {} failed (not run), 0 pending", cases.len());
            failed += cases.len();
            session.quit();
            continue;
        }
        let (mut p, mut f, mut n) = (0, 0, 0);
        for case in &cases {
            let ctx = if case.coop { &coop } else { &plain };
            ctx.relay.set(case.relay);
            let t = Instant::now();
            let outcome = ctx.reset().map_err(Fail::Error).and_then(|_| (case.flow)(ctx, case.provider));
            let id = format!("e2e::{engine}::{}::{}", case.provider, case.name.replace(' ', "_"));
            let secs = t.elapsed().as_secs_f64();
            match outcome {
                Ok(()) => {
                    p += 1;
                    println!("test {id} ... ok ({secs:.1}s)");
                }
                Err(Fail::Pending(why)) => {
                    n += 1;
                    println!("test {id} ... pending: popup mode refused by the library: {why}");
                    if !pending_reasons.contains(&why) {
                        pending_reasons.push(why);
                    }
                }
                Err(Fail::Error(e)) => {
                    f += 1;
                    println!("test {id} ... FAILED ({secs:.1}s)\n    {e}");
                }
            }
        }
        let rust = Ctx {
            s: &session,
            app: rust_server.app_origin.clone(),
            main: plain.main.clone(),
            relay: Default::default(),
        };
        let started_rust = Instant::now();
        let id = format!("e2e::{engine}::tink::rust_frontend_redirect_approve");
        match rust.reset().map_err(Fail::Error).and_then(|_| rust_frontend_redirect(&rust)) {
            Ok(()) => {
                p += 1;
                println!("test {id} ... ok ({:.1}s)", started_rust.elapsed().as_secs_f64());
            }
            Err(Fail::Pending(e) | Fail::Error(e)) => {
                f += 1;
                println!("test {id} ... FAILED ({:.1}s)\n    {e}", started_rust.elapsed().as_secs_f64());
            }
        }
        let _ = plain.reset();
        match probe(&plain, &coop_server.provider_origin) {
            Ok(b) => println!("probe {engine}: {b}"),
            Err(e) => println!("probe {engine}: failed: {e}"),
        }
        let _ = plain.reset();
        match bench(&plain) {
            Ok(b) => println!("bench {engine}: {b}"),
            Err(e) => println!("bench {engine}: failed: {e}"),
        }
        if engine == "chromium" {
            if let Ok(dir) = std::env::var("E2E_SCREENSHOTS") {
                match screenshots(&plain, &PathBuf::from(dir)) {
                    Ok(files) => println!("screenshots: {files}"),
                    Err(e) => println!("screenshots: failed: {e}"),
                }
            }
        }
        session.quit();
        println!("e2e {engine}: {p} passed, {f} failed, {n} pending in {:.1}s", t.elapsed().as_secs_f64());
        passed += p;
        failed += f;
        pending += n;
    }
    println!("e2e: {:.1}s", started.elapsed().as_secs_f64());
    if pending > 0 {
        println!("{pending} flows pending on the library's popup mode ({})", pending_reasons.join(" | "));
    }
    println!("{passed} passed, {failed} failed, {pending} refused popup mode");
    server.shutdown();
    coop_server.shutdown();
    rust_server.shutdown();
    // Stopped before exit, which runs no destructors (the servers also exit by themselves
    // when this process ends: their stdin closes).
    oidc_servers.into_iter().for_each(oidc::OidcServer::stop);
    std::process::exit(if failed == 0 && pending == 0 { 0 } else { 1 });
}

/// The package loads, and one authorization round-trips without navigating.
fn smoke(c: &Ctx) -> Res<()> {
    c.open_demo("/")?;
    let r =
        c.s.exec_async(
            "const m = await import('/pkg/index.js'); \
             const redirectUri = `${location.origin}/callback.html`; \
             const { state } = await m.startAuthorization({ provider: 'oauth2', navigate: false, redirectUri, \
               authorizeUrl: 'https://as.example/authorize', clientId: 'smoke' }); \
             const r = m.handleCallback(`${redirectUri}?code=smoke&state=${state}`); \
             sessionStorage.clear(); \
             return r && r.ok === true && r.code === 'smoke';",
        )
        .map_err(|e| format!("the package does not work here: {e}"))?;
    ensure(r == Value::Bool(true), format!("the package does not work here: a round trip gave {r}"))
}

/// The README's pictures: the consent screen and the result page.
fn screenshots(c: &Ctx, dir: &Path) -> Res<String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let shoot = |name: &str| -> Res<String> {
        let png = c.s.screenshot()?;
        let path = dir.join(name);
        std::fs::write(&path, png).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path.display().to_string())
    };
    c.reset()?;
    c.start("flinks", "en")?;
    let consent = shoot("consent.png")?;
    c.s.click("#approve")?;
    c.expect_success("flinks")?;
    let result = shoot("result.png")?;
    Ok(format!("{consent}, {result}"))
}

/// The benchmark page's figures (init, start, callback): printed, never asserted.
fn bench(c: &Ctx) -> Res<String> {
    c.s.goto(&format!("{}/bench.html", c.app))?;
    c.s.wait_for("body[data-done]")?;
    Ok(c.s.exec("return JSON.stringify(window.benchResult)")?.as_str().unwrap_or_default().to_owned())
}

/// What this engine does to a popup, without the library: printed, never asserted.
/// A click on an injected button opens a same-origin window, which reports its name,
/// opener, focus and whether the opener's sessionStorage was copied into it. Then the
/// popup is closed as a user would (WebDriver Close Window) and the opener says whether
/// the focus came back to it before WebDriver switched there. A second popup visits a
/// provider page that sends COOP and comes back, and reports again.
fn probe(c: &Ctx, coop_provider: &str) -> Res<String> {
    const REPORT: &str = "return JSON.stringify({name: window.name, opener: window.opener !== null, \
                          focus: document.hasFocus(), session: sessionStorage.getItem('probe')})";
    let now_ms = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
    c.open_demo("/")?;
    c.s.exec(
        "sessionStorage.clear(); sessionStorage.setItem('probe', 'copied'); window.focusLog = []; \
         for (const t of ['focus', 'blur']) addEventListener(t, () => focusLog.push([t, Date.now()])); \
         const b = document.createElement('button'); b.id = 'probe'; b.textContent = 'probe'; \
         b.onclick = () => { window.probePopup = window.open('/demo.css', 'bank-link-probe', 'popup,width=500,height=600'); }; \
         document.body.prepend(b);",
    )?;
    let open_popup = || -> Res<Option<String>> {
        c.s.click("#probe")?;
        poll(Duration::from_secs(5), || Ok(c.s.window_handles()?.into_iter().find(|h| *h != c.main)))
    };
    let Some(popup) = open_popup()? else {
        let opened = c.s.exec("return !!window.probePopup")?;
        return Ok(format!("{{\"popupOpened\":{opened},\"windowHandle\":false}}"));
    };
    let opener_focus = c.s.exec("return document.hasFocus()")?;
    c.s.switch_to_window(&popup)?;
    let in_popup = c.s.exec(REPORT)?;
    c.s.close_window()?;
    let closed_at = now_ms();
    std::thread::sleep(Duration::from_millis(600));
    let switched_at = now_ms();
    c.s.switch_to_window(&c.main)?;
    let log = c.s.exec("return JSON.stringify({log: focusLog, hasFocus: document.hasFocus()})")?;
    let log: Value = serde_json::from_str(log.as_str().unwrap_or("{}")).map_err(|e| e.to_string())?;
    let events: Vec<String> = log["log"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|e| {
                    let t = e[1].as_f64().unwrap_or(0.0) as i64;
                    let when = if (t as u128) < closed_at {
                        "before close".to_owned()
                    } else if (t as u128) < switched_at {
                        format!("+{}ms after close", t as u128 - closed_at)
                    } else {
                        "after switch".to_owned()
                    };
                    format!("\"{} {when}\"", e[0].as_str().unwrap_or("?"))
                })
                .collect()
        })
        .unwrap_or_default();

    let Some(popup) = open_popup()? else { return Err("second probe popup did not open".into()) };
    c.s.switch_to_window(&popup)?;
    let back = c.s.url()?;
    c.s.goto(&format!("{coop_provider}/"))?;
    c.s.goto(&back)?;
    let after_coop = c.s.exec(REPORT)?;
    c.s.switch_to_window(&c.main)?;
    let closed_seen = c.s.exec("return window.probePopup.closed")?;
    c.reset()?;
    // Popup blocking: a window.open well outside any user gesture (a timer 1.2 s after
    // the last script), where a blocking browser returns null.
    c.s.exec("window.lateOpen = 'pending'; setTimeout(() => { window.lateOpen = !!window.open('/demo.css', 'late'); }, 1200)")?;
    let late = poll(Duration::from_secs(3), || {
        let v = c.s.exec("return window.lateOpen")?;
        Ok(if v == "pending" { None } else { Some(v) })
    })?
    .unwrap_or(Value::Null);
    c.reset()?;
    Ok(format!(
        "{{\"openWithoutGestureAllowed\":{late},\"openerFocusWhilePopupOpen\":{opener_focus},\"inPopup\":{},\"openerFocusEventsOnUserClose\":[{}],\
         \"openerHasFocusAfterSwitch\":{},\"afterCoopRoundTrip\":{},\"openerSeesClosedUnderCoop\":{closed_seen}}}",
        in_popup.as_str().unwrap_or("null"),
        events.join(","),
        log["hasFocus"],
        after_coop.as_str().unwrap_or("null"),
    ))
}
