//! A small W3C WebDriver client: the three drivers speak HTTP/1.1 with JSON on loopback,
//! sent with ureq (blocking, no async runtime, no TLS).

use serde_json::{json, Value};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub type Res<T> = Result<T, String>;

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One WebDriver command. The transport is ureq (plain HTTP on loopback, no TLS): the
/// drivers differ in framing (chromedriver answers chunked and keeps the connection open
/// although asked to close it), which is a client library's job, not ours.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Res<Value> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(90)))
        // A WebDriver error is a JSON body with a 4xx/5xx status: read it, not an Err.
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("http://127.0.0.1:{port}{path}");
    let fail = |e: ureq::Error| format!("{method} {path}: {e}");
    let mut resp = match (method, body) {
        ("POST", body) => agent
            .post(&url)
            .content_type("application/json; charset=utf-8")
            .send(body.map(Value::to_string).unwrap_or_else(|| "{}".into()))
            .map_err(fail)?,
        ("DELETE", _) => agent.delete(&url).call().map_err(fail)?,
        _ => agent.get(&url).call().map_err(fail)?,
    };
    // Screenshots are base64 PNGs of a few MB: above ureq's 10 MB default only if huge.
    let payload = resp.body_mut().with_config().limit(64 << 20).read_to_string().map_err(fail)?;
    let v: Value = serde_json::from_str(&payload).map_err(|e| format!("{method} {path}: bad JSON {e}: {payload}"))?;
    match v["value"].get("error") {
        Some(err) => Err(format!("{method} {path}: {err} {}", v["value"]["message"])),
        None => Ok(v["value"].clone()),
    }
}

/// The engines to run: `E2E_ENGINES=chromium,firefox,webkit` (the default), in that order.
pub fn engines() -> Vec<&'static str> {
    let wanted = std::env::var("E2E_ENGINES").unwrap_or_else(|_| "chromium,firefox,webkit".into());
    wanted
        .split(',')
        .map(|e| match e {
            "chromium" => "chromium",
            "firefox" => "firefox",
            "webkit" => "webkit",
            other => panic!("E2E_ENGINES: unknown engine {other:?} (chromium, firefox, webkit)"),
        })
        .collect()
}

pub struct Driver {
    child: Child,
    port: u16,
    pub engine: &'static str,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(4444)
}

impl Driver {
    pub fn start(engine: &'static str) -> Res<Driver> {
        let port = free_port();
        let (bin, args): (String, Vec<String>) = match engine {
            "chromium" => ("/usr/bin/chromedriver".into(), vec![format!("--port={port}")]),
            "firefox" => (which("geckodriver")?, vec!["--port".into(), port.to_string()]),
            "webkit" => ("/usr/bin/WebKitWebDriver".into(), vec![format!("--port={port}")]),
            _ => return Err(format!("unknown engine {engine}")),
        };
        let child = Command::new(&bin)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{bin}: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err(format!("{bin} did not listen on {port}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Driver { child, port, engine })
    }

    pub fn session(&self) -> Res<Session> {
        let profile = std::env::temp_dir().join(format!("bank-link-e2e-{}-{}", std::process::id(), free_port()));
        // Popup blocking stays on in every engine, as for users: chromedriver's default
        // --disable-popup-blocking is excluded, and geckodriver's profile turns Firefox's
        // blocker (dom.disable_open_during_load) off unless told otherwise. A popup flow
        // then passes only if the library opens the window inside the click.
        let caps = match self.engine {
            "chromium" => json!({"browserName": "chrome", "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "excludeSwitches": ["disable-popup-blocking"],
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--no-first-run", "--window-size=1100,900",
                         format!("--user-data-dir={}", profile.display())]}}),
            "firefox" => json!({"browserName": "firefox", "moz:firefoxOptions": {"args": ["-headless"],
                "prefs": {"dom.disable_open_during_load": true}}}),
            _ => json!({}),
        };
        let v = http(self.port, "POST", "/session", Some(&json!({"capabilities": {"alwaysMatch": caps}})))?;
        let id = v["sessionId"].as_str().ok_or("no sessionId")?.to_owned();
        Ok(Session { port: self.port, id, profile })
    }
}

fn which(name: &str) -> Res<String> {
    let path = std::env::var("PATH").unwrap_or_default();
    let home = std::env::var("HOME").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([std::path::PathBuf::from(home).join(".cargo/bin")])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .map(|p| p.display().to_string())
        .ok_or_else(|| format!("{name} not found"))
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Session {
    port: u16,
    id: String,
    /// Chromium's profile directory (unused by the other engines), removed on quit.
    profile: std::path::PathBuf,
}

impl Session {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Res<Value> {
        http(self.port, method, &format!("/session/{}{path}", self.id), body.as_ref())
    }
    /// Bounded page loads and scripts, so a hung page costs seconds, not the driver's
    /// five-minute default.
    pub fn set_timeouts(&self, page_load: Duration, script: Duration) -> Res<()> {
        let t = json!({"pageLoad": page_load.as_millis() as u64, "script": script.as_millis() as u64});
        self.call("POST", "/timeouts", Some(t)).map(|_| ())
    }
    pub fn goto(&self, url: &str) -> Res<()> {
        self.call("POST", "/url", Some(json!({ "url": url }))).map(|_| ())
    }
    pub fn url(&self) -> Res<String> {
        Ok(self.call("GET", "/url", None)?.as_str().unwrap_or_default().to_owned())
    }
    pub fn back(&self) -> Res<()> {
        self.call("POST", "/back", Some(json!({}))).map(|_| ())
    }
    pub fn exec(&self, script: &str) -> Res<Value> {
        self.call("POST", "/execute/sync", Some(json!({ "script": script, "args": [] })))
    }
    /// Runs `script` as an async function body; its awaited return value is the result.
    /// Bounded by the session's script timeout.
    pub fn exec_async(&self, script: &str) -> Res<Value> {
        let wrapped = format!(
            "const done = arguments[arguments.length - 1]; \
             (async () => {{ {script} }})().then((v) => done({{ ok: v }}), (e) => done({{ err: String(e) }}));"
        );
        let v = self.call("POST", "/execute/async", Some(json!({ "script": wrapped, "args": [] })))?;
        match v.get("err") {
            Some(e) => Err(e.as_str().unwrap_or_default().to_owned()),
            None => Ok(v["ok"].clone()),
        }
    }
    fn find(&self, css: &str) -> Res<String> {
        let v = self.call("POST", "/element", Some(json!({"using": "css selector", "value": css})))?;
        v[ELEMENT].as_str().map(str::to_owned).ok_or_else(|| format!("no element {css}"))
    }
    /// Waits up to 15 s for `css`, then clicks it.
    pub fn click(&self, css: &str) -> Res<()> {
        let el = self.wait_for(css)?;
        self.call("POST", &format!("/element/{el}/click"), Some(json!({}))).map(|_| ())
    }
    pub fn wait_for(&self, css: &str) -> Res<String> {
        self.wait_for_within(css, Duration::from_secs(15))
    }
    pub fn wait_for_within(&self, css: &str, limit: Duration) -> Res<String> {
        let deadline = Instant::now() + limit;
        loop {
            match self.find(css) {
                Ok(el) => return Ok(el),
                Err(e) if Instant::now() > deadline => {
                    let url = self.url().unwrap_or_default();
                    return Err(format!("waiting for {css} on {url}: {e}"));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
    /// Deletes every cookie of the current page's host (W3C "Delete All Cookies"). Cookies
    /// ignore ports, so on the demo's page this also ends a loopback provider's sessions.
    pub fn delete_cookies(&self) -> Res<()> {
        self.call("DELETE", "/cookie", None).map(|_| ())
    }
    pub fn screenshot(&self) -> Res<Vec<u8>> {
        let b64 = self.call("GET", "/screenshot", None)?;
        base64_decode(b64.as_str().ok_or("no screenshot")?)
    }
    /// The current top-level browsing context (W3C "Get Window Handle").
    pub fn window_handle(&self) -> Res<String> {
        Ok(self.call("GET", "/window", None)?.as_str().ok_or("no window handle")?.to_owned())
    }
    /// Opens a new tab, as the operating system does for a link a bank app hands back: a
    /// new top-level browsing context with no opener and its own sessionStorage. Returns
    /// its handle (the session stays on the current window).
    pub fn new_tab(&self) -> Res<String> {
        let v = self.call("POST", "/window/new", Some(json!({ "type": "tab" })))?;
        v["handle"].as_str().map(str::to_owned).ok_or_else(|| format!("new window: {v}"))
    }
    /// Every open top-level browsing context, popups included.
    pub fn window_handles(&self) -> Res<Vec<String>> {
        let v = self.call("GET", "/window/handles", None)?;
        let list = v.as_array().ok_or_else(|| format!("window handles: {v}"))?;
        Ok(list.iter().filter_map(|h| h.as_str().map(str::to_owned)).collect())
    }
    pub fn switch_to_window(&self, handle: &str) -> Res<()> {
        self.call("POST", "/window", Some(json!({ "handle": handle }))).map(|_| ())
    }
    /// Closes the current window, as a user closing it would; returns the handles left.
    pub fn close_window(&self) -> Res<Vec<String>> {
        let v = self.call("DELETE", "/window", None)?;
        Ok(v.as_array().map(|l| l.iter().filter_map(|h| h.as_str().map(str::to_owned)).collect()).unwrap_or_default())
    }
    pub fn quit(self) {
        let _ = self.call("DELETE", "", None);
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn base64_decode(s: &str) -> Res<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s.trim()).map_err(|e| format!("bad base64: {e}"))
}
