//! A stand-in for the open-banking providers `bank-link` talks to, plus the static file
//! server for its demo app, on two loopback origins. std only, no dependencies.
//!
//! - App origin: `/` → `www/index.html`, `/<file>` → `www/`, `/pkg/<file>` → `pkg/`,
//!   `/mock-config.json` → `{"providerOrigin":"http://…"}`, plus `"oidcIssuer":"http://…"`
//!   once a real OpenID Provider runs beside it ([`Running::set_oidc_issuer`]).
//! - Provider origin: Tink `GET /link/0.2/oauth/auto-authorize.html`, Flinks outbound
//!   `GET /api/v1/authorize`, Flinks v3 `GET /v3/oauth/authorize` (→ 302 `/v3/consent`),
//!   generic OAuth 2.0 with PKCE `GET /oauth2/authorize` (for the `oauth2` preset),
//!   each with a consent screen (`#approve` / `#deny`) that posts back to its own path.
//!
//! The behaviour follows the providers' public documents (listed in `provider.rs` and in
//! `docs/api.md`); where they are silent the choice is commented at the spot.

mod app;
mod http;
mod provider;
mod util;

pub use app::content_type;
pub use provider::{FLINKS_DENIED_DESCRIPTION, FLINKS_SCOPES, ISO_639_1, OAUTH2_DENIED_DESCRIPTION, V3_BAD_LANG_BODY};

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// How to run the two origins.
#[derive(Clone, Debug)]
pub struct Options {
    /// Interface to bind and to name in the origins, e.g. `"127.0.0.1"`.
    pub host: String,
    /// Demo app port; 0 picks a free one.
    pub app_port: u16,
    /// Provider port; 0 picks a free one.
    pub provider_port: u16,
    /// Static files of the demo app (`www/`).
    pub www_dir: PathBuf,
    /// The wasm-pack output served under `/pkg/`.
    pub pkg_dir: PathBuf,
    /// Send `Cross-Origin-Opener-Policy: same-origin` on every provider response.
    pub coop: bool,
    /// Headers sent on every app response, e.g. a `Content-Security-Policy` for the
    /// packaging suite's CSP page.
    pub app_headers: Vec<(String, String)>,
    /// The `Content-Type` of `.wasm` files instead of `application/wasm`: the packaging
    /// suite's page for a server that does not know the type.
    pub wasm_type: Option<String>,
}

/// Both servers, running. Dropping it (or [`Running::shutdown`]) stops both listeners.
pub struct Running {
    /// e.g. `http://127.0.0.1:8080`, no trailing slash.
    pub app_origin: String,
    /// e.g. `http://127.0.0.1:8081`, no trailing slash.
    pub provider_origin: String,
    app: http::Server,
    provider: http::Server,
    oidc_issuer: Arc<OnceLock<String>>,
}

impl Running {
    pub fn app_addr(&self) -> SocketAddr {
        self.app.addr()
    }

    pub fn provider_addr(&self) -> SocketAddr {
        self.provider.addr()
    }

    /// Names a real OpenID Provider (tests/oidc/server.mjs) in `/mock-config.json`, for
    /// the demo's "OpenID Provider (real server)". Set after start: that server needs the
    /// demo's callback URL, hence this origin, first. Only the first call takes effect.
    pub fn set_oidc_issuer(&self, issuer: &str) {
        let _ = self.oidc_issuer.set(issuer.to_owned());
    }

    /// Stops accepting on both listeners and joins their threads.
    pub fn shutdown(mut self) {
        self.app.stop();
        self.provider.stop();
    }
}

fn origin(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("http://[{host}]:{port}")
    } else {
        format!("http://{host}:{port}")
    }
}

/// Binds `host:port`; the error names the address, and says so plainly when the port
/// is taken (most often by another running instance).
fn bind(host: &str, port: u16) -> io::Result<TcpListener> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    TcpListener::bind((bare, port)).map_err(|e| {
        let what = if e.kind() == io::ErrorKind::AddrInUse {
            format!("port {port} on {host} is already in use (another mock-provider or `npm start`?)")
        } else {
            format!("{host}:{port}: {e}")
        };
        io::Error::new(e.kind(), what)
    })
}

/// Binds both listeners (port 0 → a free port, reported in the origins) and serves each
/// on its own thread.
pub fn start(opts: Options) -> io::Result<Running> {
    let app_listener = bind(&opts.host, opts.app_port)?;
    let provider_listener = bind(&opts.host, opts.provider_port)?;
    let app_origin = origin(&opts.host, app_listener.local_addr()?.port());
    let provider_origin = origin(&opts.host, provider_listener.local_addr()?.port());

    let extra = if opts.coop {
        vec![("Cross-Origin-Opener-Policy".to_string(), "same-origin".to_string())]
    } else {
        Vec::new()
    };
    let prov = provider::Provider { origin: provider_origin.clone() };
    let provider = http::Server::start(provider_listener, extra, Box::new(move |req| prov.handle(req)))?;
    let oidc_issuer = Arc::new(OnceLock::new());
    let app_handler = app::App {
        www_dir: opts.www_dir,
        pkg_dir: opts.pkg_dir,
        provider_origin: provider_origin.clone(),
        oidc_issuer: Arc::clone(&oidc_issuer),
        wasm_type: opts.wasm_type,
    };
    let app = http::Server::start(app_listener, opts.app_headers, Box::new(move |req| app_handler.handle(req)))?;
    Ok(Running { app_origin, provider_origin, app, provider, oidc_issuer })
}
