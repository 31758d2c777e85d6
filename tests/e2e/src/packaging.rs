//! The packed package in real browsers: the apps scripts/packaging builds or serves from
//! the npm tarball (tests/packaging/: a plain `<script type="module">` page, the same page
//! under a Content-Security-Policy, Vite 7 and 8 dev servers and builds, webpack 5,
//! esbuild), each opened in Chromium, Firefox ESR and WebKitGTK. Each page imports
//! `startAuthorization` and `handleCallback` from the package with no init step, runs one
//! authorization round trip (navigate: false) and writes the outcome as JSON into
//! `#result[data-done]`.
//!
//! Environment: `PACKAGING_APPS=path/to/apps.json` (written by scripts/packaging: per app
//! a name, a `dir` to serve or the `url` of a running dev server, response `headers`, and
//! `expect: "blocked"` for the control page whose policy must stop the wasm),
//! `E2E_ENGINES=chromium,firefox,webkit` picks engines.

#[allow(dead_code)]
mod webdriver;

use serde_json::Value;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use webdriver::{Driver, Res, Session};

/// Loads the app and checks the round trip it reports: ok, code "x", its non-ASCII
/// parameters as sent (the glue reads a short ASCII string by its own loop, anything else
/// by `TextDecoder`: tests/packaging/consumer.js), and the wasm
/// fetched exactly once (the entry's own URL, resolved and served as application/wasm
/// for instantiateStreaming). Returns the wasm's path, for the log.
fn round_trip(s: &Session, origin: &str) -> Res<String> {
    let (r, wasm) = load(s, &format!("{origin}/"), Duration::from_secs(20))?;
    if r["ok"] != Value::Bool(true) || r["code"] != "x" || r["provider"] != "oauth2" {
        return Err(format!("round trip gave {r}"));
    }
    let long = format!("{}{}", "é".repeat(40), "z".repeat(70));
    if r["params"]["note"] != "café"
        || r["params"]["long"] != long.as_str()
        || r["params"]["state"].as_str().map(str::len) != Some(43)
    {
        return Err(format!("round trip read the parameters as {}", r["params"]));
    }
    // The second flow, answered through bank-link/relay (its fallback loads the library).
    if r["relay"]["ok"] != Value::Bool(true) || r["relay"]["code"] != "y" {
        return Err(format!("the round trip through bank-link/relay gave {}", r["relay"]));
    }
    match wasm.as_slice() {
        [one] => Ok(format!("wasm {}", one.strip_prefix(origin).unwrap_or(one))),
        _ => Err(format!("want one .wasm fetched, saw {wasm:?}")),
    }
}

/// The control page (`control.html`, beside the plain page's): its policy lacks
/// 'wasm-unsafe-eval', so compiling the wasm must be
/// refused, for that reason, and no round trip may complete. A page that still succeeds
/// means the policy was not applied, and the CSP page's pass would prove nothing.
fn blocked(s: &Session, origin: &str) -> Res<String> {
    let why = match load(s, &format!("{origin}/control.html"), Duration::from_secs(10)) {
        Ok((r, _)) if r["ok"] == Value::Bool(true) => {
            return Err(format!("the wasm ran without 'wasm-unsafe-eval': {r}"))
        }
        Ok((r, _)) => r["thrown"].as_str().unwrap_or_default().to_owned(),
        Err(e) => return Err(e),
    };
    let csp = ["Content Security Policy", "Content Security policy", "CSP"];
    if csp.iter().any(|c| why.contains(c)) {
        Ok(format!("refused: {}", why.chars().take(90).collect::<String>()))
    } else {
        Err(format!("no round trip, but not for the policy: {why}"))
    }
}

/// Opens `page` and returns what it wrote into `#result` and the `.wasm` URLs it fetched.
/// A page whose module never ran (it threw while loading) has no result: an error.
fn load(s: &Session, page: &str, wait: Duration) -> Res<(Value, Vec<String>)> {
    s.goto(page)?;
    s.wait_for_within("#result[data-done]", wait).map_err(|e| format!("no result: {e}"))?;
    let v = s.exec(
        "return [document.getElementById('result').textContent, \
         performance.getEntriesByType('resource').map(e => e.name).filter(n => /\\.wasm($|\\?)/.test(n))]",
    )?;
    let text = v[0].as_str().unwrap_or_default();
    let r: Value = serde_json::from_str(text).map_err(|e| format!("result JSON {e}: {text}"))?;
    let wasm = v[1].as_array().map(|l| l.iter().filter_map(Value::as_str).map(str::to_owned).collect());
    Ok((r, wasm.unwrap_or_default()))
}

/// One app of `apps.json`.
struct App {
    name: String,
    /// Its origin: the dev server's, or that of the mock's app server for its directory.
    origin: String,
    expect_blocked: bool,
}

fn main() {
    let manifest = std::env::var("PACKAGING_APPS").unwrap_or_default();
    let Ok(text) = std::fs::read_to_string(&manifest) else {
        eprintln!("packaging: no apps.json in PACKAGING_APPS (run scripts/packaging)");
        std::process::exit(2);
    };
    let list: Vec<Value> = serde_json::from_str(&text).expect("apps.json is a JSON array");
    let engines = webdriver::engines();
    let mut servers = Vec::new();
    let apps: Vec<App> = list
        .iter()
        .map(|a| {
            let name = a["name"].as_str().expect("app name").to_owned();
            let origin = match (a["url"].as_str(), a["dir"].as_str()) {
                (Some(url), _) => url.trim_end_matches('/').to_owned(),
                (None, Some(dir)) => {
                    assert!(PathBuf::from(dir).join("index.html").is_file(), "{name}: no index.html in {dir}");
                    let headers = a["headers"].as_object().into_iter().flatten();
                    let server = mock_provider::start(mock_provider::Options {
                        host: "127.0.0.1".into(),
                        app_port: 0,
                        provider_port: 0,
                        www_dir: dir.into(),
                        pkg_dir: dir.into(),
                        coop: false,
                        app_headers: headers.map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().into())).collect(),
                        wasm_type: a["wasmType"].as_str().map(str::to_owned),
                    })
                    .expect("mock provider starts");
                    let origin = server.app_origin.clone();
                    servers.push(server);
                    origin
                }
                _ => panic!("{name}: neither url nor dir"),
            };
            App { name, origin, expect_blocked: a["expect"] == "blocked" }
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
                for app in &apps {
                    println!("test packaging::{engine}::{} ... FAILED (no browser)", app.name);
                }
                failed += apps.len();
                continue;
            }
        };
        for app in &apps {
            let t = Instant::now();
            let id = format!("packaging::{engine}::{}", app.name);
            let outcome =
                if app.expect_blocked { blocked(&session, &app.origin) } else { round_trip(&session, &app.origin) };
            match outcome {
                Ok(what) => {
                    passed += 1;
                    println!("test {id} ... ok ({:.1}s, {what})", t.elapsed().as_secs_f64());
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
    for server in servers {
        server.shutdown();
    }
    std::process::exit(if failed == 0 { 0 } else { 1 });
}
