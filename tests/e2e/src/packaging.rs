//! The packed package in real browsers: the apps scripts/packaging builds from the npm
//! tarball (a plain `<script type="module">` page and a Vite production build), each
//! served as static files by the mock provider's app origin and opened in Chromium,
//! Firefox ESR and WebKitGTK. Each page imports `startAuthorization` and
//! `handleCallback` from the package with no init step, runs one authorization round
//! trip (navigate: false) and writes the outcome as JSON into `#result[data-done]`.
//!
//! Environment: `PACKAGING_APPS=name=dir,...` (set by scripts/packaging),
//! `E2E_ENGINES=chromium,firefox,webkit` picks engines.

#[allow(dead_code)]
mod webdriver;

use serde_json::Value;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use webdriver::{Driver, Res, Session};

/// Loads the app and checks the round trip it reports: ok, code "x", and the wasm
/// fetched exactly once (the entry's own URL, resolved and served as application/wasm
/// for instantiateStreaming). Returns the wasm's path, for the log.
fn round_trip(s: &Session, origin: &str) -> Res<String> {
    s.goto(&format!("{origin}/"))?;
    s.wait_for_within("#result[data-done]", Duration::from_secs(20))?;
    let v = s.exec(
        "return [document.getElementById('result').textContent, \
         performance.getEntriesByType('resource').map(e => e.name).filter(n => /\\.wasm($|\\?)/.test(n))]",
    )?;
    let text = v[0].as_str().unwrap_or_default();
    let r: Value = serde_json::from_str(text).map_err(|e| format!("result JSON {e}: {text}"))?;
    if r["ok"] != Value::Bool(true) || r["code"] != "x" || r["provider"] != "oauth2" {
        return Err(format!("round trip gave {text}"));
    }
    let wasm: Vec<&str> = v[1].as_array().map(|l| l.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    match wasm.as_slice() {
        [one] => Ok(one.strip_prefix(origin).unwrap_or(one).to_owned()),
        _ => Err(format!("want one .wasm fetched, saw {wasm:?}")),
    }
}

fn main() {
    let apps: Vec<(String, PathBuf)> = std::env::var("PACKAGING_APPS")
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (name, dir) = pair.split_once('=').expect("PACKAGING_APPS: name=dir,...");
            (name.to_owned(), PathBuf::from(dir))
        })
        .collect();
    if apps.is_empty() || apps.iter().any(|(_, dir)| !dir.join("index.html").is_file()) {
        eprintln!("packaging: no built apps in PACKAGING_APPS (run scripts/packaging)");
        std::process::exit(2);
    }
    let engines = webdriver::engines();
    let servers: Vec<(String, mock_provider::Running)> = apps
        .iter()
        .map(|(name, dir)| {
            let server = mock_provider::start(mock_provider::Options {
                host: "127.0.0.1".into(),
                app_port: 0,
                provider_port: 0,
                www_dir: dir.clone(),
                pkg_dir: dir.clone(),
                coop: false,
            })
            .expect("mock provider starts");
            (name.clone(), server)
        })
        .collect();
    let started = Instant::now();
    let (mut passed, mut failed) = (0, 0);
    for &engine in &engines {
        let session = Driver::start(engine)
            .and_then(|d| d.session().map(|s| (d, s)))
            .and_then(|(d, s)| s.set_timeouts(Duration::from_secs(20), Duration::from_secs(10)).map(|_| (d, s)));
        let (_driver, session) = match session {
            Ok(ds) => ds,
            Err(e) => {
                println!("packaging {engine}: cannot start: {e}");
                for (name, _) in &servers {
                    println!("test packaging::{engine}::{name} ... FAILED (no browser)");
                }
                failed += servers.len();
                continue;
            }
        };
        for (name, server) in &servers {
            let t = Instant::now();
            let id = format!("packaging::{engine}::{name}");
            match round_trip(&session, &server.app_origin) {
                Ok(wasm) => {
                    passed += 1;
                    println!("test {id} ... ok ({:.1}s, wasm {wasm})", t.elapsed().as_secs_f64());
                }
                Err(e) => {
                    failed += 1;
                    println!("test {id} ... FAILED ({:.1}s)\n    {e}", t.elapsed().as_secs_f64());
                }
            }
        }
        session.quit();
    }
    println!("packaging: {:.1}s", started.elapsed().as_secs_f64());
    println!("{passed} passed, {failed} failed");
    for (_, server) in servers {
        server.shutdown();
    }
    std::process::exit(if failed == 0 { 0 } else { 1 });
}
