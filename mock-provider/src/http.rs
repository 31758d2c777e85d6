//! A deliberately small HTTP/1.1 server: one request per connection (every response says
//! `Connection: close`), one thread per connection, bounded sizes and timeouts, and no
//! panics on hostile input.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Request line plus headers, CRLFs included. Bigger → 431.
pub const MAX_HEAD: usize = 16 * 1024;
/// Request body (consent forms are tiny). Bigger → 413.
pub const MAX_BODY: usize = 64 * 1024;
const IO_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// The path part of the request target, still percent-encoded.
    pub path: String,
    /// The query part of the request target (after `?`), still encoded; `None` without `?`.
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response { status, headers: vec![("Content-Type".into(), content_type.into())], body: body.into() }
    }

    pub fn text(status: u16, body: &str) -> Response {
        Response::new(status, "text/plain; charset=utf-8", format!("{body}\n"))
    }

    pub fn html(status: u16, body: String) -> Response {
        Response::new(status, "text/html; charset=utf-8", body)
    }

    pub fn json(status: u16, body: String) -> Response {
        Response::new(status, "application/json", body)
    }

    pub fn redirect(location: &str) -> Response {
        let mut r = Response::new(302, "text/plain; charset=utf-8", "");
        r.headers.push(("Location".into(), location.into()));
        r
    }

    pub fn not_found() -> Response {
        Response::text(404, "404 Not Found")
    }

    pub fn method_not_allowed(allow: &str) -> Response {
        let mut r = Response::text(405, "405 Method Not Allowed");
        r.headers.push(("Allow".into(), allow.into()));
        r
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        _ => "Unknown",
    }
}

/// Why a request could not be read. `Closed` gets no response at all.
enum ReadError {
    Closed,
    Status(u16, &'static str),
}

fn bad(msg: &'static str) -> ReadError {
    ReadError::Status(400, msg)
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn read_request(stream: &mut TcpStream) -> Result<Request, ReadError> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > MAX_HEAD {
            return Err(ReadError::Status(431, "request head larger than 16 KiB"));
        }
        match stream.read(&mut chunk) {
            Ok(0) if buf.is_empty() => return Err(ReadError::Closed),
            Ok(0) => return Err(bad("connection closed inside the request head")),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                return if buf.is_empty() { Err(ReadError::Closed) } else { Err(ReadError::Status(408, "timeout")) };
            }
            Err(_) => return Err(ReadError::Closed),
        }
    };
    if head_end + 4 > MAX_HEAD {
        return Err(ReadError::Status(431, "request head larger than 16 KiB"));
    }
    let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| bad("request head is not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (method, target, version) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v), None) => (m, t, v),
        _ => return Err(bad("malformed request line")),
    };
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(bad("malformed method"));
    }
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Err(bad("unsupported HTTP version"));
    }
    // Origin-form only ("/path?query"); visible ASCII only.
    if !target.starts_with('/') || !target.bytes().all(|b| (0x21..0x7f).contains(&b)) {
        return Err(bad("malformed request target"));
    }
    let target = target.split('#').next().unwrap_or("");
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (target.to_string(), None),
    };

    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':').ok_or_else(|| bad("malformed header line"))?;
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(bad("malformed header name"));
        }
        if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err(bad("control character in a header value"));
        }
        headers.push((name.to_string(), value.trim_matches([' ', '\t']).to_string()));
    }
    let mut req = Request { method: method.to_string(), path, query, headers, body: Vec::new() };

    if version == "HTTP/1.1" && req.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case("host")).count() != 1 {
        return Err(bad("HTTP/1.1 needs exactly one Host header"));
    }
    if req.header("transfer-encoding").is_some() {
        return Err(ReadError::Status(501, "Transfer-Encoding in requests is not supported"));
    }
    let mut length: Option<usize> = None;
    for (_, v) in req.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case("content-length")) {
        if v.is_empty() || v.len() > 12 || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("malformed Content-Length"));
        }
        let n: usize = v.parse().map_err(|_| bad("malformed Content-Length"))?;
        if length.is_some_and(|l| l != n) {
            return Err(bad("conflicting Content-Length headers"));
        }
        length = Some(n);
    }
    let length = length.unwrap_or(0);
    if length > MAX_BODY {
        return Err(ReadError::Status(413, "request body larger than 64 KiB"));
    }
    let mut body = buf.split_off(head_end + 4);
    if body.len() > length {
        body.truncate(length); // pipelined bytes: ignored, the connection closes anyway
    }
    while body.len() < length {
        let want = (length - body.len()).min(chunk.len());
        match stream.read(&mut chunk[..want]) {
            Ok(0) => return Err(bad("connection closed inside the request body")),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(ReadError::Status(408, "timeout reading the body")),
        }
    }
    req.body = body;
    Ok(req)
}

fn write_response(stream: &mut TcpStream, resp: &Response, head_only: bool, extra: &[(String, String)]) {
    let mut out = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (k, v) in resp.headers.iter().chain(extra.iter()) {
        // Values are built by this crate; still, never let CR/LF through.
        if k.contains(['\r', '\n']) || v.contains(['\r', '\n']) {
            continue;
        }
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", resp.body.len()));
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&resp.body);
    }
    let _ = stream.write_all(&bytes);
    let _ = stream.flush();
}

pub type Handler = dyn Fn(&Request) -> Response + Send + Sync;

struct Config {
    handler: Box<Handler>,
    /// Headers added to every response, errors included (e.g. COOP).
    extra_headers: Vec<(String, String)>,
}

fn handle_connection(mut stream: TcpStream, cfg: &Config) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let (resp, head_only) = match read_request(&mut stream) {
        Ok(req) => {
            let head_only = req.method == "HEAD";
            // A handler bug must cost one response, not the connection thread silently.
            let resp = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (cfg.handler)(&req)))
                .unwrap_or_else(|_| Response::text(500, "500 Internal Server Error"));
            (resp, head_only)
        }
        Err(ReadError::Closed) => return,
        Err(ReadError::Status(status, msg)) => {
            (Response::text(status, &format!("{status} {}: {msg}", reason(status))), false)
        }
    };
    write_response(&mut stream, &resp, head_only, &cfg.extra_headers);
    // Half-close, then drain briefly, so unread request bytes don't turn into a TCP RST
    // that could destroy the response before the client reads it.
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut sink = [0u8; 4096];
    let mut drained = 0;
    while drained < 1 << 20 {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

/// One listening socket served on its own thread.
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start(
        listener: TcpListener,
        extra_headers: Vec<(String, String)>,
        handler: Box<Handler>,
    ) -> io::Result<Server> {
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let cfg = Arc::new(Config { handler, extra_headers });
        let stop2 = stop.clone();
        let thread = thread::Builder::new().name(format!("mock-provider {addr}")).spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = conn else {
                    // e.g. EMFILE: back off a little instead of spinning.
                    thread::sleep(Duration::from_millis(10));
                    continue;
                };
                let cfg = cfg.clone();
                // If the thread cannot be spawned the stream is dropped (connection reset).
                let _ = thread::Builder::new()
                    .name("mock-provider conn".into())
                    .spawn(move || handle_connection(stream, &cfg));
            }
        })?;
        Ok(Server { addr, stop, thread: Some(thread) })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting (in-flight connections finish on their own) and joins the thread.
    pub fn stop(&mut self) {
        let Some(thread) = self.thread.take() else { return };
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept() with a throwaway connection.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(if wake.is_ipv4() { [127, 0, 0, 1].into() } else { std::net::Ipv6Addr::LOCALHOST.into() });
        }
        if TcpStream::connect_timeout(&wake, Duration::from_secs(2)).is_ok() {
            let _ = thread.join();
        }
        // If the wake-up connection failed the thread is left detached rather than risk
        // blocking forever; the stop flag ends it on its next connection.
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}
