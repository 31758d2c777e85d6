//! A small W3C WebDriver client over std's TcpStream: the three drivers speak plain
//! HTTP/1.1 with JSON on loopback, which needs no async runtime.

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub type Res<T> = Result<T, String>;

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecb";

fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Res<Value> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect driver: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(90))).ok();
    let body = body.map(Value::to_string).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| format!("{method} {path}: {e}"))?;
    let text = String::from_utf8_lossy(&raw);
    let (head, mut payload) = text.split_once("\r\n\r\n").ok_or("no HTTP header end")?;
    let mut decoded = String::new();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        while let Some((size, rest)) = payload.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).map_err(|e| e.to_string())?;
            if n == 0 {
                break;
            }
            decoded.push_str(&rest[..n]);
            payload = &rest[n + 2..];
        }
        payload = &decoded;
    }
    let v: Value = serde_json::from_str(payload).map_err(|e| format!("{method} {path}: bad JSON {e}: {payload}"))?;
    match v["value"].get("error") {
        Some(err) => Err(format!("{method} {path}: {err} {}", v["value"]["message"])),
        None => Ok(v["value"].clone()),
    }
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
        let caps = match self.engine {
            "chromium" => json!({"browserName": "chrome", "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--no-first-run", "--window-size=1100,900",
                         format!("--user-data-dir={}", profile.display())]}}),
            "firefox" => json!({"browserName": "firefox", "moz:firefoxOptions": {"args": ["-headless"],
                "prefs": {"dom.disable_open_during_load": false}}}),
            _ => json!({}),
        };
        let v = http(self.port, "POST", "/session", Some(&json!({"capabilities": {"alwaysMatch": caps}})))?;
        let id = v["sessionId"].as_str().ok_or("no sessionId")?.to_owned();
        Ok(Session { port: self.port, id })
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
}

impl Session {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Res<Value> {
        http(self.port, method, &format!("/session/{}{path}", self.id), body.as_ref())
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
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            match self.find(css) {
                Ok(el) => return Ok(el),
                Err(e) if Instant::now() > deadline => {
                    let url = self.url().unwrap_or_default();
                    return Err(format!("waiting for {css} on {url}: {e}"));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }
    pub fn text(&self, css: &str) -> Res<String> {
        let el = self.wait_for(css)?;
        Ok(self.call("GET", &format!("/element/{el}/text"), None)?.as_str().unwrap_or_default().to_owned())
    }
    pub fn screenshot(&self) -> Res<Vec<u8>> {
        let b64 = self.call("GET", "/screenshot", None)?;
        base64_decode(b64.as_str().ok_or("no screenshot")?)
    }
    pub fn quit(self) {
        let _ = self.call("DELETE", "", None);
    }
}

fn base64_decode(s: &str) -> Res<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return Err("bad base64".into()),
        };
        acc = acc << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}
