//! `mock-provider [--host 127.0.0.1] [--app-port 8080] [--provider-port 8081] [--www www] [--pkg pkg] [--coop]
//! [--oidc-issuer URL]`

use mock_provider::{start, Options};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: mock-provider [--host 127.0.0.1] [--app-port 8080] [--provider-port 8081] \
                     [--www www] [--pkg pkg] [--coop] [--oidc-issuer URL]";

/// The options, and the issuer of a real OpenID Provider running beside (`--oidc-issuer`,
/// tests/oidc/server.mjs), which the demo then offers.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<(Options, Option<String>), String> {
    let mut oidc_issuer = None;
    let mut opts = Options {
        host: "127.0.0.1".into(),
        app_port: 8080,
        provider_port: 8081,
        www_dir: PathBuf::from("www"),
        pkg_dir: PathBuf::from("pkg"),
        coop: false,
        app_headers: Vec::new(),
        wasm_type: None,
    };
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if name == "--coop" {
            if inline.is_some() {
                return Err("--coop takes no value".into());
            }
            opts.coop = true;
            continue;
        }
        if name == "-h" || name == "--help" {
            return Err(String::new());
        }
        if !["--host", "--app-port", "--provider-port", "--www", "--pkg", "--oidc-issuer"].contains(&name.as_str()) {
            return Err(format!("unknown argument: {arg}"));
        }
        let value = match inline {
            Some(v) => v,
            None => args.next().ok_or_else(|| format!("{name} needs a value"))?,
        };
        let port = |v: &str| v.parse::<u16>().map_err(|_| format!("{name}: not a port: {v}"));
        match name.as_str() {
            "--host" => opts.host = value,
            "--app-port" => opts.app_port = port(&value)?,
            "--provider-port" => opts.provider_port = port(&value)?,
            "--www" => opts.www_dir = PathBuf::from(value),
            "--pkg" => opts.pkg_dir = PathBuf::from(value),
            "--oidc-issuer" => oidc_issuer = Some(value),
            _ => return Err(format!("unknown argument: {arg}")),
        }
    }
    Ok((opts, oidc_issuer))
}

fn main() -> ExitCode {
    let (opts, oidc_issuer) = match parse_args(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("mock-provider: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let coop = opts.coop;
    let running = match start(opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mock-provider: cannot listen: {e}");
            if e.kind() == std::io::ErrorKind::AddrInUse {
                eprintln!("Stop the other one, or choose free ports: --app-port / --provider-port");
            }
            return ExitCode::FAILURE;
        }
    };
    println!("Open the demo: {}/", running.app_origin);
    println!("provider:      {}/", running.provider_origin);
    if let Some(issuer) = oidc_issuer {
        running.set_oidc_issuer(&issuer);
        println!("OpenID:        {issuer}/ (oidc-provider, offered as \"OpenID Provider (real server)\")");
    }
    if coop {
        println!("               (every provider response carries Cross-Origin-Opener-Policy: same-origin)");
    }
    println!("Ctrl-C stops it.");
    // Serve until killed (SIGINT/SIGTERM keep their default handling).
    loop {
        std::thread::park();
    }
}
