//! The demo app's origin: static files from `www/` and `pkg/`, plus `/mock-config.json`.

use crate::http::{Request, Response};
use crate::util::{json_string, percent_decode};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

pub struct App {
    pub www_dir: PathBuf,
    pub pkg_dir: PathBuf,
    pub provider_origin: String,
    /// A real OpenID Provider's issuer (tests/oidc/server.mjs), once one runs beside.
    pub oidc_issuer: Arc<OnceLock<String>>,
    /// `.wasm` served with this type instead of `application/wasm` (`Options::wasm_type`).
    pub wasm_type: Option<String>,
}

pub fn content_type(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".d.ts") {
        return "text/plain; charset=utf-8";
    }
    match lower.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("ico") => "image/x-icon",
        Some("txt" | "ts" | "md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

impl App {
    pub fn handle(&self, req: &Request) -> Response {
        let mut resp = self.route(req);
        if let (Some(t), true) = (&self.wasm_type, req.path.ends_with(".wasm")) {
            resp.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("Content-Type"));
            resp.headers.push(("Content-Type".into(), t.clone()));
        }
        resp.with_header("Cache-Control", "no-store").with_header("X-Content-Type-Options", "nosniff")
    }

    fn route(&self, req: &Request) -> Response {
        if req.method != "GET" && req.method != "HEAD" {
            return Response::method_not_allowed("GET, HEAD");
        }
        // The query string is ignored for everything served here.
        let path = req.path.as_str();
        if path == "/mock-config.json" {
            let oidc = match self.oidc_issuer.get() {
                Some(issuer) => format!(",\"oidcIssuer\":{}", json_string(issuer)),
                None => String::new(),
            };
            return Response::json(200, format!("{{\"providerOrigin\":{}{oidc}}}", json_string(&self.provider_origin)));
        }
        if path == "/" {
            return serve_file(&self.www_dir, &["index.html".to_string()]);
        }
        let (root, rest) = match path.strip_prefix("/pkg/") {
            Some(rest) => (&self.pkg_dir, rest),
            None => (&self.www_dir, &path[1..]),
        };
        match safe_segments(rest) {
            Ok(Some(segments)) => serve_file(root, &segments),
            Ok(None) => Response::not_found(),
            Err(()) => Response::text(400, "400 Bad Request: malformed percent-encoding"),
        }
    }
}

/// Splits an encoded relative path into decoded segments, refusing anything that could
/// leave the root: `..` (plain or `%2e%2e`), backslashes (plain or `%5c`), NUL, empty
/// segments (`//`, which would make an absolute path), and dot-files.
/// `Ok(None)` = refused (404); `Err` = malformed percent-encoding (400).
fn safe_segments(encoded: &str) -> Result<Option<Vec<String>>, ()> {
    if encoded.is_empty() || encoded.contains('\\') {
        return Ok(None);
    }
    let mut out = Vec::new();
    for raw in encoded.split('/') {
        let seg = percent_decode(raw, false).map_err(|_| ())?;
        if seg.is_empty() || seg.starts_with('.') || seg.contains(['/', '\\', '\0', ':']) {
            return Ok(None);
        }
        out.push(seg);
    }
    Ok(Some(out))
}

fn serve_file(root: &Path, segments: &[String]) -> Response {
    let mut path = root.to_path_buf();
    for s in segments {
        path.push(s);
    }
    // Belt and braces: the resolved file must still be inside the resolved root.
    let (Ok(root), Ok(real)) = (root.canonicalize(), path.canonicalize()) else {
        return Response::not_found();
    };
    if !real.starts_with(&root) || !real.is_file() {
        return Response::not_found();
    }
    match std::fs::read(&real) {
        Ok(bytes) => Response::new(200, content_type(segments.last().map(String::as_str).unwrap_or("")), bytes),
        Err(_) => Response::not_found(),
    }
}
