//! A loopback TLS-terminating proxy in front of the real API server that injects faults a
//! healthy cluster cannot produce on demand: connection resets, 500/503, 429 with Retry-After,
//! latency, stalls, exec streams cut after the 101, and dead servers. Test code only.
//!
//! The plugin talks TLS to the proxy (the test CA in tests/fixtures/tls); the proxy talks TLS to
//! the API server with the admin kubeconfig's client certificate, so the plugin's kubeconfig
//! carries no credentials of its own.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{TlsAcceptor, TlsConnector};

type ProxyBody = BoxBody<Bytes, hyper::Error>;

/// How a whole server misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dead {
    /// Nothing listens (connection refused).
    Refuse,
    /// Every connection is reset at once (RST).
    Reset,
    /// TLS completes, then nothing is ever answered.
    SilentAfterTls,
    /// Every request gets 503.
    Always503,
    /// Every request gets 429 with Retry-After: 1.
    Always429,
}

/// Per-request fault probabilities (0..1), bounded in count and time.
#[derive(Debug, Clone, Default)]
pub struct Mix {
    pub name: &'static str,
    pub reset: f64,
    pub e500: f64,
    pub e503: f64,
    pub e429: f64,
    pub latency: f64,
    pub stall: f64,
    /// Share of exec streams cut after the 101, mid-way through the probe's output.
    pub exec_cut: f64,
    /// No more faults than this in one run.
    pub max_faults: u64,
    /// How long a stalled request hangs before the proxy closes it.
    pub stall_for: Duration,
    /// The server dies after this many requests (`dead_kind` from then on).
    pub dead_after: Option<(u64, Dead)>,
    pub seed: u64,
}

#[derive(Debug, Default)]
pub struct Counters {
    pub connections: AtomicU64,
    pub requests: AtomicU64,
    pub resets: AtomicU64,
    pub e500: AtomicU64,
    pub e503: AtomicU64,
    pub e429: AtomicU64,
    pub latency: AtomicU64,
    pub stalls: AtomicU64,
    pub exec_streams: AtomicU64,
    pub exec_cuts: AtomicU64,
    /// Requests that arrived after the server "died".
    pub after_death: AtomicU64,
}

impl Counters {
    pub fn faults(&self) -> u64 {
        [
            &self.resets,
            &self.e500,
            &self.e503,
            &self.e429,
            &self.stalls,
            &self.exec_cuts,
        ]
        .iter()
        .map(|c| c.load(Ordering::SeqCst))
        .sum()
    }

    pub fn summary(&self) -> String {
        let g = |c: &AtomicU64| c.load(Ordering::SeqCst);
        format!(
            "requests {}, resets {}, 500 {}, 503 {}, 429 {}, latency {}, stalls {}, exec streams {} (cut {})",
            g(&self.requests),
            g(&self.resets),
            g(&self.e500),
            g(&self.e503),
            g(&self.e429),
            g(&self.latency),
            g(&self.stalls),
            g(&self.exec_streams),
            g(&self.exec_cuts)
        )
    }
}

/// Where the real API server is and how to authenticate to it.
#[derive(Clone)]
pub struct Upstream {
    pub addr: SocketAddr,
    pub host: String,
    pub tls: Arc<rustls::ClientConfig>,
}

pub struct FaultProxy {
    pub addr: SocketAddr,
    pub counters: Arc<Counters>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

fn b64(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let Some(v) = A.iter().position(|&a| a == c) else {
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn yaml_field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(key)?.strip_prefix(':'))
        .map(|v| v.trim().trim_matches('"'))
}

impl Upstream {
    /// From an admin kubeconfig with inline data (the local cluster's).
    pub fn from_kubeconfig(path: &Path) -> Upstream {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let text = std::fs::read_to_string(path).expect("read the admin kubeconfig");
        let server = yaml_field(&text, "server").expect("server");
        let hostport = server.trim_start_matches("https://").trim_end_matches('/');
        let addr: SocketAddr = hostport.parse().expect("server is IP:PORT");
        let ca = b64(yaml_field(&text, "certificate-authority-data").expect("ca data"));
        let cert = b64(yaml_field(&text, "client-certificate-data").expect("client cert"));
        let key = b64(yaml_field(&text, "client-key-data").expect("client key"));
        let mut roots = rustls::RootCertStore::empty();
        for c in CertificateDer::pem_slice_iter(&ca) {
            roots.add(c.unwrap()).unwrap();
        }
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert)
            .map(|c| c.unwrap())
            .collect();
        let key = PrivateKeyDer::from_pem_slice(&key).unwrap();
        let tls = rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_client_auth_cert(chain, key)
            .unwrap();
        Upstream {
            addr,
            host: hostport.to_string(),
            tls: Arc::new(tls),
        }
    }
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls")
}

/// A kubeconfig (no credentials) that points at `addr` and trusts the test CA.
pub fn kubeconfig_for(addr: SocketAddr, dir: &Path, namespace: &str) -> PathBuf {
    let path = dir.join(format!("proxy-{}.kubeconfig", addr.port()));
    let text = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: proxy\nclusters:\n- name: proxy\n  cluster:\n    server: https://{addr}\n    certificate-authority: {}\ncontexts:\n- name: proxy\n  context: {{cluster: proxy, user: nobody, namespace: {namespace}}}\nusers:\n- name: nobody\n  user: {{}}\n",
        fixtures().join("ca.pem").display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn server_tls() -> TlsAcceptor {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = fixtures();
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .unwrap()
        .map(|c| c.unwrap())
        .collect();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    TlsAcceptor::from(Arc::new(config))
}

/// A port on which nothing listens.
pub fn refused_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

struct Shared {
    mix: Mix,
    upstream: Option<Upstream>,
    counters: Arc<Counters>,
    rng: Mutex<u64>,
    started: Instant,
}

impl Shared {
    fn roll(&self) -> f64 {
        let mut s = self.rng.lock().unwrap();
        let mut x = *s;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *s = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Whether one more fault of probability `p` happens now.
    fn fault(&self, p: f64) -> bool {
        p > 0.0 && self.counters.faults() < self.mix.max_faults && self.roll() < p
    }

    fn dead(&self, n: u64) -> Option<Dead> {
        match self.mix.dead_after {
            Some((after, kind)) if n > after => Some(kind),
            _ => None,
        }
    }
}

/// Start a proxy: `dead` for a dead server from the first request, else the `mix`.
pub async fn start(upstream: Option<Upstream>, mix: Mix) -> FaultProxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let counters = Arc::new(Counters::default());
    let shared = Arc::new(Shared {
        rng: Mutex::new(mix.seed.max(1)),
        mix,
        upstream,
        counters: counters.clone(),
        started: Instant::now(),
    });
    let acceptor = server_tls();
    let task = tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            shared.counters.connections.fetch_add(1, Ordering::SeqCst);
            let shared = shared.clone();
            let acceptor = acceptor.clone();
            tokio::spawn(async move { connection(tcp, acceptor, shared).await });
        }
    });
    FaultProxy {
        addr,
        counters,
        task: Some(task),
    }
}

async fn connection(tcp: TcpStream, acceptor: TlsAcceptor, shared: Arc<Shared>) {
    let n = shared.counters.requests.load(Ordering::SeqCst);
    match shared.dead(n + 1) {
        Some(Dead::Reset) => {
            shared.counters.requests.fetch_add(1, Ordering::SeqCst);
            shared.counters.after_death.fetch_add(1, Ordering::SeqCst);
            shared.counters.resets.fetch_add(1, Ordering::SeqCst);
            let _ = tcp.set_zero_linger();
            drop(tcp);
            return;
        }
        Some(Dead::Refuse) => {
            // Closest to a refusal on an open port: close before TLS.
            drop(tcp);
            return;
        }
        _ => {}
    }
    let Ok(tls) = acceptor.accept(tcp).await else {
        return;
    };
    if shared.dead(shared.counters.requests.load(Ordering::SeqCst) + 1)
        == Some(Dead::SilentAfterTls)
    {
        shared.counters.requests.fetch_add(1, Ordering::SeqCst);
        shared.counters.after_death.fetch_add(1, Ordering::SeqCst);
        // Hold it open, read nothing, answer nothing.
        tokio::time::sleep(Duration::from_secs(600)).await;
        drop(tls);
        return;
    }
    let svc = hyper::service::service_fn(move |req| {
        let shared = shared.clone();
        async move { handle(req, shared).await }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(tls), svc)
        .with_upgrades()
        .await;
}

fn full(status: StatusCode, body: String) -> Response<ProxyBody> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)).map_err(|e| match e {}).boxed())
        .unwrap()
}

fn status_json(code: u16, reason: &str, message: &str) -> String {
    format!(
        r#"{{"kind":"Status","apiVersion":"v1","metadata":{{}},"status":"Failure","message":"{message}","reason":"{reason}","code":{code}}}"#
    )
}

fn http_date_in(secs: u64) -> String {
    let t = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(secs as i64);
    jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&t)
        .unwrap()
}

#[derive(Debug)]
struct Injected(&'static str);
impl std::fmt::Display for Injected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "injected {}", self.0)
    }
}
impl std::error::Error for Injected {}

async fn handle(
    mut req: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<ProxyBody>, Injected> {
    let c = &shared.counters;
    let n = c.requests.fetch_add(1, Ordering::SeqCst) + 1;
    let is_exec = req.uri().path().ends_with("/exec");
    if let Some(dead) = shared.dead(n) {
        c.after_death.fetch_add(1, Ordering::SeqCst);
        return match dead {
            Dead::Always503 => {
                c.e503.fetch_add(1, Ordering::SeqCst);
                Ok(full(
                    StatusCode::SERVICE_UNAVAILABLE,
                    status_json(503, "ServiceUnavailable", "injected: the server is down"),
                ))
            }
            Dead::Always429 => {
                c.e429.fetch_add(1, Ordering::SeqCst);
                let mut r = full(
                    StatusCode::TOO_MANY_REQUESTS,
                    status_json(429, "TooManyRequests", "injected: too many requests"),
                );
                r.headers_mut()
                    .insert("retry-after", http::HeaderValue::from_static("1"));
                Ok(r)
            }
            Dead::SilentAfterTls => {
                tokio::time::sleep(Duration::from_secs(600)).await;
                Err(Injected("silence"))
            }
            Dead::Reset | Dead::Refuse => {
                c.resets.fetch_add(1, Ordering::SeqCst);
                Err(Injected("reset"))
            }
        };
    }
    let m = &shared.mix;
    if shared.fault(m.reset) {
        c.resets.fetch_add(1, Ordering::SeqCst);
        return Err(Injected("reset"));
    }
    if shared.fault(m.e500) {
        c.e500.fetch_add(1, Ordering::SeqCst);
        return Ok(full(
            StatusCode::INTERNAL_SERVER_ERROR,
            status_json(500, "InternalError", "injected: internal error"),
        ));
    }
    if shared.fault(m.e503) {
        c.e503.fetch_add(1, Ordering::SeqCst);
        return Ok(full(
            StatusCode::SERVICE_UNAVAILABLE,
            status_json(503, "ServiceUnavailable", "injected: unavailable"),
        ));
    }
    if shared.fault(m.e429) {
        let k = c.e429.fetch_add(1, Ordering::SeqCst);
        let mut r = full(
            StatusCode::TOO_MANY_REQUESTS,
            status_json(429, "TooManyRequests", "injected: too many requests"),
        );
        // Alternate the two forms of Retry-After.
        let v = if k % 2 == 0 {
            "1".to_string()
        } else {
            http_date_in(2)
        };
        r.headers_mut()
            .insert("retry-after", http::HeaderValue::from_str(&v).unwrap());
        return Ok(r);
    }
    if shared.fault(m.stall) {
        c.stalls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(m.stall_for).await;
        return Err(Injected("stall"));
    }
    if m.latency > 0.0 && shared.roll() < m.latency {
        c.latency.fetch_add(1, Ordering::SeqCst);
        let ms = 200 + (shared.roll() * 1300.0) as u64;
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let Some(up) = shared.upstream.clone() else {
        return Ok(full(
            StatusCode::BAD_GATEWAY,
            status_json(502, "BadGateway", "no upstream"),
        ));
    };
    let cut = is_exec && shared.fault(m.exec_cut);
    if cut {
        c.exec_cuts.fetch_add(1, Ordering::SeqCst);
    }
    if is_exec {
        c.exec_streams.fetch_add(1, Ordering::SeqCst);
    }
    let downstream_upgrade = is_exec.then(|| hyper::upgrade::on(&mut req));
    forward(
        req,
        up,
        downstream_upgrade,
        cut.then(|| 200 + (shared.roll() * 3000.0) as usize),
    )
    .await
}

/// Send `req` to the API server on a fresh connection; splice upgrades, cutting the stream
/// after `cut_after` bytes from the server when asked.
async fn forward(
    req: Request<Incoming>,
    up: Upstream,
    downstream_upgrade: Option<hyper::upgrade::OnUpgrade>,
    cut_after: Option<usize>,
) -> Result<Response<ProxyBody>, Injected> {
    let tcp = TcpStream::connect(up.addr)
        .await
        .map_err(|_| Injected("upstream connect"))?;
    let name = ServerName::IpAddress(up.addr.ip().into());
    let tls = TlsConnector::from(up.tls.clone())
        .connect(name, tcp)
        .await
        .map_err(|_| Injected("upstream tls"))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .map_err(|_| Injected("upstream handshake"))?;
    tokio::spawn(conn.with_upgrades());
    let (mut parts, body) = req.into_parts();
    parts.headers.remove(http::header::AUTHORIZATION);
    parts.headers.insert(
        http::header::HOST,
        http::HeaderValue::from_str(&up.host).unwrap(),
    );
    let mut resp = sender
        .send_request(Request::from_parts(parts, body))
        .await
        .map_err(|_| Injected("upstream request"))?;
    if resp.status() == StatusCode::SWITCHING_PROTOCOLS {
        if let Some(down) = downstream_upgrade {
            let up_upgrade = hyper::upgrade::on(&mut resp);
            tokio::spawn(async move {
                let (Ok(d), Ok(u)) = (down.await, up_upgrade.await) else {
                    return;
                };
                splice(TokioIo::new(d), TokioIo::new(u), cut_after).await;
            });
        }
        let (parts, _) = resp.into_parts();
        return Ok(Response::from_parts(
            parts,
            Full::new(Bytes::new()).map_err(|e| match e {}).boxed(),
        ));
    }
    Ok(resp.map(|b| b.boxed()))
}

async fn splice<D, U>(down: D, up: U, cut_after: Option<usize>)
where
    D: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    U: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (mut dr, mut dw) = tokio::io::split(down);
    let (mut ur, mut uw) = tokio::io::split(up);
    let client_to_server = async {
        let _ = tokio::io::copy(&mut dr, &mut uw).await;
        let _ = uw.shutdown().await;
    };
    let server_to_client = async {
        let mut buf = vec![0u8; 8192];
        let mut sent = 0usize;
        loop {
            let n = match ur.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if let Some(limit) = cut_after {
                if sent + n >= limit {
                    let _ = dw.write_all(&buf[..limit.saturating_sub(sent)]).await;
                    // Cut: no close frame, no status; the connection just ends.
                    return;
                }
            }
            if dw.write_all(&buf[..n]).await.is_err() {
                break;
            }
            sent += n;
        }
        let _ = dw.shutdown().await;
    };
    tokio::select! {
        _ = server_to_client => {}
        _ = async { client_to_server.await; std::future::pending::<()>().await } => {}
    }
}
