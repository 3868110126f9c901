//! Test support over the recorded GenieACS 1.2 NBI exchanges in `tests/fixtures/genieacs`:
//! each `*.http.txt` parsed into a [`Capture`] (request, and the response as GenieACS sent
//! it — status line with its reason phrase, headers, body — or none when the NBI dropped
//! the connection), request comparison that ignores what does not matter to GenieACS
//! (query parameter order, JSON formatting), and a [`Replay`] server that answers exactly
//! what real GenieACS answered to exactly the request it was sent.
//!
//! It is a dev-dependency only: nothing shipped reads the captures. [`receiver`] is a
//! recording endpoint for tests of what AcsDesk sends out (webhooks, SMS gateways). (An
//! `https://` front before a sandbox is the sandbox's own: `acsdesk_sandbox::tls`.)

pub mod receiver;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The repository's root, found when the test runs: the nearest directory holding
/// `Cargo.lock` above the package cargo runs the test for (its `CARGO_MANIFEST_DIR` at
/// run time) or above the working directory. Not the compile-time path: the build cache
/// lives outside the clone and is shared by checkouts in other places, whose test
/// binaries would otherwise read the fixtures of the checkout that compiled them.
pub fn repo_root() -> PathBuf {
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    start
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

/// Where the captures live in the repository.
pub fn fixtures_dir() -> PathBuf {
    repo_root().join("tests/fixtures/genieacs")
}

/// The bytes of one fixture file (a capture's saved body, or any other file there).
///
/// # Panics
/// When the file is missing: a test that names a fixture needs it.
pub fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// A request body as the capture records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// No body.
    None,
    /// These bytes.
    Bytes(Vec<u8>),
    /// A binary body the capture left out, with its length.
    Elided {
        /// Its size in bytes.
        len: usize,
    },
}

/// The request curl sent.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path as sent (percent-encoding kept: `9CA2F4-EC220%252DG5-000100`).
    pub path: String,
    /// The raw query string, when there was one.
    pub query: Option<String>,
    /// Headers in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Body,
}

/// The response GenieACS sent.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// The reason phrase as sent (GenieACS puts a 202's meaning there).
    pub reason: String,
    /// Headers in order.
    pub headers: Vec<(String, String)>,
    /// The body (empty when there was none).
    pub body: Vec<u8>,
}

impl Response {
    /// A header's value (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// One recorded exchange.
#[derive(Debug, Clone)]
pub struct Capture {
    /// The file name without `.http.txt`.
    pub name: String,
    /// What was sent.
    pub request: Request,
    /// What came back; `None` when the NBI closed the connection without answering.
    pub response: Option<Response>,
}

impl Capture {
    /// Loads `<name>.http.txt` (and its saved body).
    ///
    /// # Panics
    /// When the capture is missing or not in the recorded format.
    pub fn load(name: &str) -> Capture {
        let file = format!("{name}.http.txt");
        let raw = fixture_bytes(&file);
        parse(name, &raw).unwrap_or_else(|e| panic!("capture {file}: {e}"))
    }

    /// Every capture, sorted by name.
    pub fn all() -> Vec<Capture> {
        let mut names: Vec<String> = std::fs::read_dir(fixtures_dir())
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter_map(|e| {
                        e.file_name()
                            .to_str()
                            .and_then(|n| n.strip_suffix(".http.txt"))
                            .map(str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names.iter().map(|n| Capture::load(n)).collect()
    }

    /// The response, for captures that have one.
    ///
    /// # Panics
    /// On a `*-crash` capture.
    pub fn response(&self) -> &Response {
        self.response
            .as_ref()
            .unwrap_or_else(|| panic!("capture {} has no response", self.name))
    }

    /// A copy answering with another body (for tests that need a bigger page or a
    /// damaged one); the status line and headers stay the recorded ones.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Capture {
        if let Some(r) = self.response.as_mut() {
            r.body = body.into();
        }
        self
    }
}

fn parse(name: &str, raw: &[u8]) -> Result<Capture, String> {
    let mut rest = raw;
    let line = |rest: &mut &[u8]| -> Option<String> {
        if rest.is_empty() {
            return None;
        }
        let end = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
        let l = String::from_utf8_lossy(&rest[..end]).into_owned();
        *rest = rest.get(end + 1..).unwrap_or_default();
        Some(l)
    };
    // Preamble up to "# Request".
    loop {
        match line(&mut rest) {
            Some(l) if l == "# Request" => break,
            Some(_) => {}
            None => return Err("no '# Request' section".into()),
        }
    }
    let request_line = line(&mut rest).ok_or("no request line")?;
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().ok_or("no request target")?.to_owned();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (target.clone(), None),
    };
    let mut headers = Vec::new();
    loop {
        match line(&mut rest) {
            Some(l) if l.is_empty() => break,
            Some(l) => {
                let (n, v) = l.split_once(':').ok_or_else(|| format!("header {l:?}"))?;
                headers.push((n.trim().to_owned(), v.trim().to_owned()));
            }
            None => return Err("request headers never end".into()),
        }
    }
    let mut body = Body::None;
    if rest.starts_with(b"(request body, ") {
        let l = line(&mut rest).unwrap_or_default();
        let len: usize = l
            .trim_start_matches("(request body, ")
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("body length in {l:?}"))?;
        let note = b"<";
        if rest.starts_with(note) && !rest.is_empty() {
            body = Body::Elided { len };
            let _ = line(&mut rest);
        } else {
            let bytes = rest
                .get(..len)
                .ok_or("request body shorter than announced")?;
            body = Body::Bytes(bytes.to_vec());
            rest = &rest[len..];
        }
    }
    // Up to "# Response".
    loop {
        match line(&mut rest) {
            Some(l) if l == "# Response" => break,
            Some(_) => {}
            None => return Err("no '# Response' section".into()),
        }
    }
    let status_line = line(&mut rest).ok_or("no status line")?;
    if status_line.starts_with("(NO HTTP RESPONSE") {
        return Ok(Capture {
            name: name.to_owned(),
            request: Request {
                method,
                path,
                query,
                headers,
                body,
            },
            response: None,
        });
    }
    let mut sl = status_line.splitn(3, ' ');
    let _version = sl.next();
    let status: u16 = sl
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("status line {status_line:?}"))?;
    let reason = sl.next().unwrap_or_default().to_owned();
    let mut resp_headers = Vec::new();
    loop {
        match line(&mut rest) {
            Some(l) if l.is_empty() => break,
            Some(l) => {
                let (n, v) = l.split_once(':').ok_or_else(|| format!("header {l:?}"))?;
                resp_headers.push((n.trim().to_owned(), v.trim().to_owned()));
            }
            None => break,
        }
    }
    let note = line(&mut rest).unwrap_or_default();
    let body_bytes = match note.split_once("saved as ") {
        Some((_, file)) => fixture_bytes(file.trim_end_matches(')')),
        None => Vec::new(),
    };
    Ok(Capture {
        name: name.to_owned(),
        request: Request {
            method,
            path,
            query,
            headers,
            body,
        },
        response: Some(Response {
            status,
            reason,
            headers: resp_headers,
            body: body_bytes,
        }),
    })
}

/// A query string as GenieACS reads it: decoded pairs, `+` as space, JSON values
/// (`query`, `sort`) parsed, a bare key (`connection_request`) with an empty value.
pub fn query_pairs(raw: &str) -> BTreeMap<String, Vec<QueryValue>> {
    let mut out: BTreeMap<String, Vec<QueryValue>> = BTreeMap::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let dec = |s: &str| {
            percent_encoding::percent_decode_str(&s.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        };
        let (k, v) = (dec(k), dec(v));
        let value = match k.as_str() {
            "query" | "sort" => match serde_json::from_str::<Value>(&v) {
                Ok(j) => QueryValue::Json(j),
                Err(_) => QueryValue::Text(v),
            },
            "projection" => {
                let mut fields: Vec<String> = v.split(',').map(str::to_owned).collect();
                fields.sort();
                QueryValue::Text(fields.join(","))
            }
            _ => QueryValue::Text(v),
        };
        out.entry(k).or_default().push(value);
    }
    out
}

/// One decoded query parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryValue {
    /// Plain text (a projection's fields sorted).
    Text(String),
    /// A JSON document.
    Json(Value),
}

/// A request as a server received it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The capture that answered it, or `None` when none matched.
    pub capture: Option<String>,
    /// Method.
    pub method: String,
    /// Path as received.
    pub path: String,
    /// Raw query string.
    pub query: Option<String>,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl fmt::Display for Seen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(q) = &self.query {
            write!(f, "?{q}")?;
        }
        if !self.body.is_empty() {
            let text = String::from_utf8_lossy(&self.body);
            let shown: String = text.chars().take(200).collect();
            let more = if text.chars().count() > 200 {
                "…"
            } else {
                ""
            };
            write!(f, " body {shown}{more} ({} bytes)", self.body.len())?;
        }
        Ok(())
    }
}

/// Headers whose value the comparison ignores (transport and client identity).
const TRANSPORT_HEADERS: &[&str] = &[
    "host",
    "user-agent",
    "accept",
    "content-type",
    "content-length",
    "transfer-encoding",
    "connection",
    "authorization",
];

impl Request {
    /// Why `seen` is not this request (`None` when GenieACS would see the same request):
    /// same method, same path byte for byte, same decoded query parameters, the same
    /// GenieACS-specific headers (`fileType`, `oui`, …), and the same body (as JSON when
    /// both are JSON).
    pub fn mismatch(&self, seen: &Seen) -> Option<String> {
        if !self.method.eq_ignore_ascii_case(&seen.method) {
            return Some(format!("method {} ≠ {}", seen.method, self.method));
        }
        if self.path != seen.path {
            return Some(format!("path {} ≠ {}", seen.path, self.path));
        }
        let want = query_pairs(self.query.as_deref().unwrap_or_default());
        let got = query_pairs(seen.query.as_deref().unwrap_or_default());
        if want != got {
            return Some(format!("query {got:?} ≠ {want:?}"));
        }
        for (name, value) in &self.headers {
            if TRANSPORT_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                continue;
            }
            let theirs = seen
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str());
            if theirs != Some(value.as_str()) {
                return Some(format!("header {name}: {theirs:?} ≠ {value:?}"));
            }
        }
        match &self.body {
            Body::None if !seen.body.is_empty() => Some("a body where there was none".into()),
            Body::None => None,
            Body::Elided { len } if *len != seen.body.len() => {
                Some(format!("body of {} bytes ≠ {len}", seen.body.len()))
            }
            Body::Elided { .. } => None,
            Body::Bytes(want) => {
                let same = match (
                    serde_json::from_slice::<Value>(want),
                    serde_json::from_slice::<Value>(&seen.body),
                ) {
                    (Ok(a), Ok(b)) => a == b,
                    _ => want == &seen.body,
                };
                (!same).then(|| {
                    format!(
                        "body {} ≠ {}",
                        String::from_utf8_lossy(&seen.body),
                        String::from_utf8_lossy(want)
                    )
                })
            }
        }
    }
}

/// A local HTTP server answering with recorded exchanges.
///
/// Each request is answered by the first capture (in the order given) whose request it
/// matches and that has not answered yet; when all matching ones have answered, the last
/// of them answers again. A request no capture matches gets `599 No capture matches` and
/// is recorded, so a test can say what the client sent instead. A capture without a
/// response (GenieACS's NBI crashing) closes the connection without answering.
#[derive(Debug)]
pub struct Replay {
    url: String,
    state: Arc<Mutex<ReplayState>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

#[derive(Debug, Default)]
struct ReplayState {
    captures: Vec<(Capture, bool)>,
    seen: Vec<Seen>,
}

impl Replay {
    /// Serves these captures on 127.0.0.1 with a free port.
    ///
    /// # Panics
    /// When no port can be bound.
    pub async fn start(captures: impl IntoIterator<Item = Capture>) -> Replay {
        let state = Arc::new(Mutex::new(ReplayState {
            captures: captures.into_iter().map(|c| (c, false)).collect(),
            seen: Vec::new(),
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a local port");
        let addr = listener.local_addr().expect("local address");
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let shared = state.clone();
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    a = listener.accept() => a,
                    _ = &mut stopped => return,
                };
                let Ok((stream, _)) = accepted else { continue };
                let shared = shared.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| answer(shared.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Replay {
            url: format!("http://{addr}"),
            state,
            stop: Some(stop),
        }
    }

    /// Starts a server for the named captures.
    pub async fn of(names: &[&str]) -> Replay {
        Replay::start(names.iter().map(|n| Capture::load(n))).await
    }

    /// The base URL (`http://127.0.0.1:<port>`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every request received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.state
            .lock()
            .map(|s| s.seen.clone())
            .unwrap_or_default()
    }

    /// The requests no capture matched, with why each capture of the same method and
    /// path did not (empty when the client sent only recorded requests).
    pub fn unmatched(&self) -> Vec<String> {
        let Ok(state) = self.state.lock() else {
            return vec!["replay state poisoned".into()];
        };
        state
            .seen
            .iter()
            .filter(|s| s.capture.is_none())
            .map(|s| {
                let why: Vec<String> = state
                    .captures
                    .iter()
                    .filter(|(c, _)| c.request.method.eq_ignore_ascii_case(&s.method))
                    .filter_map(|(c, _)| c.request.mismatch(s).map(|m| format!("{}: {m}", c.name)))
                    .collect();
                format!("{s} — {}", why.join("; "))
            })
            .collect()
    }

    /// Panics unless every request matched a capture and every capture answered.
    pub fn assert_all_answered(&self) {
        let unmatched = self.unmatched();
        assert!(unmatched.is_empty(), "unrecorded requests: {unmatched:#?}");
        let idle: Vec<String> = self
            .state
            .lock()
            .map(|s| {
                s.captures
                    .iter()
                    .filter(|(_, used)| !used)
                    .map(|(c, _)| c.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        assert!(idle.is_empty(), "captures never requested: {idle:?}");
    }
}

impl Drop for Replay {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the recorded NBI dropped this connection")
    }
}

impl std::error::Error for Dropped {}

async fn answer(
    state: Arc<Mutex<ReplayState>>,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Dropped> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let mut seen = Seen {
        capture: None,
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    let chosen = {
        let Ok(mut st) = state.lock() else {
            return Err(Dropped);
        };
        let matching: Vec<usize> = st
            .captures
            .iter()
            .enumerate()
            .filter(|(_, (c, _))| c.request.mismatch(&seen).is_none())
            .map(|(i, _)| i)
            .collect();
        let pick = matching
            .iter()
            .copied()
            .find(|i| !st.captures[*i].1)
            .or_else(|| matching.last().copied());
        let chosen = pick.map(|i| {
            st.captures[i].1 = true;
            st.captures[i].0.clone()
        });
        seen.capture = chosen.as_ref().map(|c| c.name.clone());
        st.seen.push(seen);
        chosen
    };
    let Some(capture) = chosen else {
        let mut r = hyper::Response::new(Full::new(Bytes::from_static(b"No capture matches")));
        *r.status_mut() = hyper::StatusCode::from_u16(599).unwrap_or_default();
        return Ok(r);
    };
    let Some(recorded) = capture.response else {
        return Err(Dropped);
    };
    let mut r = hyper::Response::new(Full::new(Bytes::from(recorded.body)));
    *r.status_mut() = hyper::StatusCode::from_u16(recorded.status).unwrap_or_default();
    if let Ok(reason) = hyper::ext::ReasonPhrase::try_from(recorded.reason.into_bytes()) {
        r.extensions_mut().insert(reason);
    }
    for (name, value) in &recorded.headers {
        let lower = name.to_ascii_lowercase();
        if matches!(
            lower.as_str(),
            "date" | "connection" | "keep-alive" | "transfer-encoding" | "content-length"
        ) {
            continue;
        }
        if let (Ok(n), Ok(v)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            hyper::header::HeaderValue::from_str(value),
        ) {
            r.headers_mut().append(n, v);
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_capture_parses() {
        let all = Capture::all();
        assert!(all.len() > 100, "{} captures", all.len());
        let crashes = all.iter().filter(|c| c.response.is_none()).count();
        assert_eq!(
            crashes,
            all.iter().filter(|c| c.name.ends_with("-crash")).count()
        );
        let faulted = Capture::load("task-reboot-unsupported-202-faulted");
        assert_eq!(faulted.request.method, "POST");
        assert_eq!(faulted.request.path, "/devices/202BC1-BM632w-000001/tasks");
        assert_eq!(
            faulted.request.body,
            Body::Bytes(br#"{"name":"reboot"}"#.to_vec())
        );
        let r = faulted.response();
        assert_eq!((r.status, r.reason.as_str()), (202, "Task faulted"));
        assert_eq!(r.header("genieacs-version"), Some("1.2.16+26112338e9"));
        assert!(r.json().is_some());
        let upload = Capture::load("file-put-201");
        assert_eq!(upload.request.body, Body::Elided { len: 65589 });
    }

    #[test]
    fn query_strings_compare_as_genieacs_reads_them() {
        let a = query_pairs("projection=_id,_tags&query=%7B%22a%22%3A1%7D&connection_request");
        let b = query_pairs(
            "connection_request=&query=%7B%20%22a%22%20%3A%201%7D&projection=_tags%2C_id",
        );
        assert_eq!(a, b);
        assert_ne!(a, query_pairs("query=%7B%22a%22%3A2%7D"));
    }
}
