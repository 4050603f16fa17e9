//! `--post-results`: POST each HDF document to an HTTP(S) endpoint, with retries and a secret token.
//!
//! The token never leaves this module except in the `Authorization` header: it is not in any
//! error, note or `Debug` output, and it is cut out of any response text we quote.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, USER_AGENT};
use hyper::{Request, StatusCode, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

/// The token's environment variable when `--post-token-env` is not given.
pub const DEFAULT_TOKEN_ENV: &str = "CINC_SCAN_POST_TOKEN";

/// First wait between attempts; doubled each retry, capped, with jitter.
const BACKOFF_BASE: Duration = Duration::from_millis(500);
const BACKOFF_CAP: Duration = Duration::from_secs(10);
/// The longest `Retry-After` we wait for.
const RETRY_AFTER_CAP: Duration = Duration::from_secs(60);
/// How much of an error response we read to quote it.
const SNIPPET_BYTES: usize = 300;

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The flags cannot work (bad URL, unreadable token or CA file): a usage error.
    #[error("--post-results: {0}")]
    Setup(String),
    /// A document could not be delivered after every attempt.
    #[error("could not deliver the results of {target} to {url}: {why}")]
    Failed {
        target: String,
        url: String,
        why: String,
    },
}

/// Where the bearer token comes from.
#[derive(Debug, Clone)]
pub enum TokenSource {
    /// An environment variable; `explicit` when named by --post-token-env (then it must be set).
    Env {
        name: String,
        explicit: bool,
    },
    File(PathBuf),
}

/// The `Authorization` header value; its `Debug` shows nothing of it.
struct Token {
    header: HeaderValue,
    secret: String,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

fn token_of(text: &str, from: &str) -> Result<Token, DeliveryError> {
    let secret = text.trim().to_string();
    if secret.is_empty() {
        return Err(DeliveryError::Setup(format!(
            "the token in {from} is empty"
        )));
    }
    let mut header = HeaderValue::from_str(&format!("Bearer {secret}")).map_err(|_| {
        DeliveryError::Setup(format!(
            "the token in {from} has characters an HTTP header cannot carry (line breaks or \
             control characters)"
        ))
    })?;
    header.set_sensitive(true);
    Ok(Token { header, secret })
}

fn load_token(source: &TokenSource) -> Result<Option<Token>, DeliveryError> {
    match source {
        TokenSource::Env { name, explicit } => match std::env::var(name) {
            Ok(v) => token_of(&v, &format!("environment variable {name}")).map(Some),
            Err(std::env::VarError::NotPresent) if !explicit => Ok(None),
            Err(std::env::VarError::NotPresent) => Err(DeliveryError::Setup(format!(
                "environment variable {name} (--post-token-env) is not set"
            ))),
            Err(std::env::VarError::NotUnicode(_)) => Err(DeliveryError::Setup(format!(
                "environment variable {name} is not valid UTF-8"
            ))),
        },
        TokenSource::File(path) => {
            let text = crate::fsio::read_text(path, MAX_SECRET_FILE_BYTES).map_err(|e| {
                DeliveryError::Setup(format!(
                    "cannot read the token file '{}': {e}",
                    path.display()
                ))
            })?;
            token_of(&text, &format!("file '{}'", path.display())).map(Some)
        }
    }
}

/// Token and CA files are small; a bigger one is the wrong file (e.g. /dev/zero).
const MAX_SECRET_FILE_BYTES: u64 = 4 << 20;

fn load_roots(ca_file: Option<&Path>) -> Result<rustls::RootCertStore, DeliveryError> {
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let pem = crate::fsio::read_bounded(path, MAX_SECRET_FILE_BYTES).map_err(|e| {
                DeliveryError::Setup(format!(
                    "cannot read CA certificates from '{}': {e}",
                    path.display()
                ))
            })?;
            let certs = CertificateDer::pem_slice_iter(&pem)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| {
                    DeliveryError::Setup(format!(
                        "cannot read CA certificates from '{}': {e}",
                        path.display()
                    ))
                })?;
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(DeliveryError::Setup(format!(
                    "no usable CA certificate in '{}' (expected PEM 'BEGIN CERTIFICATE' blocks)",
                    path.display()
                )));
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
            if roots.is_empty() {
                return Err(DeliveryError::Setup(
                    "no CA certificates found on this system; give --post-ca-file PEM".into(),
                ));
            }
        }
    }
    Ok(roots)
}

/// A URL for messages: scheme, host, port and path; no user info, no query (either may hold
/// a secret).
pub fn display_url(uri: &Uri) -> String {
    let host = uri.host().unwrap_or("");
    let port = uri.port().map(|p| format!(":{p}")).unwrap_or_default();
    format!(
        "{}://{host}{port}{}",
        uri.scheme_str().unwrap_or("?"),
        uri.path()
    )
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

#[derive(Debug, Clone)]
pub struct PostOptions {
    pub url: String,
    pub token: TokenSource,
    pub ca_file: Option<PathBuf>,
    pub timeout: Duration,
    pub retries: u32,
}

/// A configured client for one endpoint.
#[derive(Debug)]
pub struct Poster {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    uri: Uri,
    token: Option<Token>,
    timeout: Duration,
    retries: u32,
    /// Said once before posting (e.g. a token over plain http).
    pub warnings: Vec<String>,
}

fn retryable(status: StatusCode) -> bool {
    status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
}

/// `Retry-After`: seconds, or an HTTP date.
fn retry_after(value: &HeaderValue) -> Option<Duration> {
    let s = value.to_str().ok()?.trim();
    if let Ok(secs) = s.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(s).ok()?.timestamp();
    let wait = when.as_second() - jiff::Timestamp::now().as_second();
    Some(Duration::from_secs(u64::try_from(wait).unwrap_or(0)))
}

/// Exponential backoff with jitter: a random wait in [d/2, d] for d = base · 2^attempt.
fn backoff(attempt: u32) -> Duration {
    let d = BACKOFF_BASE
        .saturating_mul(2u32.saturating_pow(attempt))
        .min(BACKOFF_CAP);
    let half = d / 2;
    let jitter = getrandom::u64().unwrap_or(0) % (half.as_millis() as u64 + 1);
    half + Duration::from_millis(jitter)
}

/// An error and its causes on one line (hyper's own message alone says little).
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// A certificate the server sent was refused: retrying cannot help.
fn bad_certificate(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut todo = vec![e];
    while let Some(s) = todo.pop() {
        if let Some(rustls::Error::InvalidCertificate(_)) = s.downcast_ref::<rustls::Error>() {
            return true;
        }
        // io::Error::source() skips the error it wraps: look inside it too.
        if let Some(inner) = s
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            todo.push(inner);
        }
        todo.extend(s.source());
    }
    false
}

enum Attempt {
    Done,
    Retry { why: String, wait: Option<Duration> },
    Fatal(String),
}

impl Poster {
    pub fn new(opts: &PostOptions) -> Result<Poster, DeliveryError> {
        let uri: Uri = opts.url.parse().map_err(|e| {
            DeliveryError::Setup(format!(
                "'{}' is not a URL ({e}); give http(s)://host[:port]/path",
                opts.url
            ))
        })?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => {
                return Err(DeliveryError::Setup(format!(
                    "'{}' must start with https:// or http://",
                    display_url(&uri)
                )))
            }
        };
        let Some(host) = uri.host().map(str::to_string) else {
            return Err(DeliveryError::Setup(format!(
                "'{}' has no host",
                display_url(&uri)
            )));
        };
        let token = load_token(&opts.token)?;
        let mut warnings = Vec::new();
        if !https && token.is_some() && !is_loopback(&host) {
            warnings.push(format!(
                "warning: sending the bearer token over plain http to {host}; use https://"
            ));
        }
        if !https && opts.ca_file.is_some() {
            warnings.push("warning: --post-ca-file has no effect on an http:// URL".into());
        }
        let roots = if https {
            load_roots(opts.ca_file.as_deref())?
        } else {
            rustls::RootCertStore::empty()
        };
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| DeliveryError::Setup(format!("TLS setup failed: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(opts.timeout));
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new()).build(connector);
        Ok(Poster {
            client,
            uri,
            token,
            timeout: opts.timeout,
            retries: opts.retries,
            warnings,
        })
    }

    pub fn url(&self) -> String {
        display_url(&self.uri)
    }

    /// Anything quoted from the server, with the token cut out should it be echoed.
    fn redact(&self, text: &str) -> String {
        match &self.token {
            Some(t) => text.replace(&t.secret, "<redacted>"),
            None => text.to_string(),
        }
    }

    async fn attempt(&self, body: &Bytes) -> Attempt {
        let mut req = Request::post(self.uri.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(
                USER_AGENT,
                concat!("kubectl-cinc-scan/", env!("CARGO_PKG_VERSION")),
            );
        if let Some(t) = &self.token {
            req = req.header(AUTHORIZATION, t.header.clone());
        }
        let req = match req.body(Full::new(body.clone())) {
            Ok(r) => r,
            Err(e) => return Attempt::Fatal(format!("cannot build the request: {e}")),
        };
        let exchange = async {
            let resp = self.client.request(req).await?;
            let status = resp.status();
            let wait = resp.headers().get(RETRY_AFTER).and_then(retry_after);
            let text = if status.is_success() {
                String::new()
            } else {
                // Read a little of the body to quote; never the whole of a large page.
                let mut body = resp.into_body();
                let mut buf = Vec::new();
                while buf.len() < SNIPPET_BYTES {
                    match body.frame().await {
                        Some(Ok(f)) => {
                            if let Some(d) = f.data_ref() {
                                buf.extend_from_slice(d);
                            }
                        }
                        _ => break,
                    }
                }
                buf.truncate(SNIPPET_BYTES);
                String::from_utf8_lossy(&buf)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            Ok::<_, hyper_util::client::legacy::Error>((status, wait, text))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Err(_) => Attempt::Retry {
                why: format!("no response within {}s", self.timeout.as_secs_f64()),
                wait: None,
            },
            Ok(Err(e)) if bad_certificate(&e) => Attempt::Fatal(format!(
                "{} (the server's certificate is not trusted; give its CA bundle with \
                 --post-ca-file)",
                self.redact(&chain(&e))
            )),
            Ok(Err(e)) => Attempt::Retry {
                why: self.redact(&chain(&e)),
                wait: None,
            },
            Ok(Ok((status, _, _))) if status.is_success() => Attempt::Done,
            Ok(Ok((status, wait, text))) => {
                let mut why = format!("HTTP {status}");
                if !text.is_empty() {
                    why.push_str(&format!(": {}", self.redact(&text)));
                }
                if retryable(status) {
                    Attempt::Retry { why, wait }
                } else {
                    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
                        why.push_str(if self.token.is_some() {
                            " (check the token and its permissions)"
                        } else {
                            " (no token was sent: set CINC_SCAN_POST_TOKEN, --post-token-env or --post-token-file)"
                        });
                    } else if status.is_redirection() {
                        why.push_str(" (redirects are not followed: give the final URL)");
                    }
                    Attempt::Fatal(why)
                }
            }
        }
    }

    /// POST one document, retrying 5xx, 429, 408, timeouts and connection errors.
    /// `note` hears about each retry.
    pub async fn post(
        &self,
        target: &str,
        body: Bytes,
        note: &(dyn Fn(&str) + Sync),
    ) -> Result<(), DeliveryError> {
        let failed = |why: String| DeliveryError::Failed {
            target: target.to_string(),
            url: self.url(),
            why,
        };
        let mut attempt = 0;
        loop {
            match self.attempt(&body).await {
                Attempt::Done => return Ok(()),
                Attempt::Fatal(why) => return Err(failed(why)),
                Attempt::Retry { why, wait } if attempt < self.retries => {
                    let wait = wait
                        .map(|w| w.min(RETRY_AFTER_CAP))
                        .unwrap_or_else(|| backoff(attempt));
                    attempt += 1;
                    note(&format!(
                        "posting {target} to {}: {why}; retry {attempt}/{} in {:.1}s",
                        self.url(),
                        self.retries,
                        wait.as_secs_f64()
                    ));
                    tokio::time::sleep(wait).await;
                }
                Attempt::Retry { why, .. } => {
                    let n = attempt + 1;
                    let s = if n == 1 { "" } else { "s" };
                    return Err(failed(format!("{why} (after {n} attempt{s})")));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(url: &str) -> PostOptions {
        PostOptions {
            url: url.into(),
            token: TokenSource::Env {
                name: "CINC_SCAN_TEST_SURELY_UNSET".into(),
                explicit: false,
            },
            ca_file: None,
            timeout: Duration::from_secs(1),
            retries: 0,
        }
    }

    #[test]
    fn urls_are_checked_and_shown_without_secrets() {
        let e = Poster::new(&opts("ftp://example.org/x")).unwrap_err();
        assert!(
            e.to_string()
                .contains("must start with https:// or http://"),
            "{e}"
        );
        assert!(Poster::new(&opts("not a url")).is_err());
        let uri: Uri = "https://user:pw@example.org:8443/api/v1?token=s3cret"
            .parse()
            .unwrap();
        assert_eq!(display_url(&uri), "https://example.org:8443/api/v1");
    }

    #[test]
    fn token_sources() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("token");
        std::fs::write(&f, "abc.def\n").unwrap();
        let t = load_token(&TokenSource::File(f.clone())).unwrap().unwrap();
        assert_eq!(t.header.to_str().unwrap(), "Bearer abc.def");
        assert!(t.header.is_sensitive());
        assert_eq!(format!("{t:?}"), "Token(<redacted>)");
        std::fs::write(&f, "a\u{7}b").unwrap();
        let e = load_token(&TokenSource::File(f.clone())).unwrap_err();
        assert!(!e.to_string().contains("a\u{7}b"));
        std::fs::write(&f, "  \n").unwrap();
        assert!(load_token(&TokenSource::File(f)).is_err());
        let unset = TokenSource::Env {
            name: "CINC_SCAN_TEST_SURELY_UNSET".into(),
            explicit: true,
        };
        let e = load_token(&unset).unwrap_err();
        assert!(e.to_string().contains("CINC_SCAN_TEST_SURELY_UNSET"), "{e}");
        assert!(load_token(&TokenSource::Env {
            name: "CINC_SCAN_TEST_SURELY_UNSET".into(),
            explicit: false
        })
        .unwrap()
        .is_none());
    }

    #[test]
    fn retry_after_and_backoff() {
        assert_eq!(
            retry_after(&HeaderValue::from_static("7")),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            retry_after(&HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT")),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&HeaderValue::from_static("soon")), None);
        for attempt in 0..8 {
            let d = backoff(attempt);
            let full = (BACKOFF_BASE * 2u32.pow(attempt)).min(BACKOFF_CAP);
            assert!(d >= full / 2 && d <= full, "{attempt}: {d:?}");
        }
        assert!(retryable(StatusCode::BAD_GATEWAY));
        assert!(retryable(StatusCode::TOO_MANY_REQUESTS));
        assert!(!retryable(StatusCode::UNAUTHORIZED));
    }

    #[test]
    fn bad_ca_file_is_a_setup_error() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("ca.pem");
        std::fs::write(&f, "not a pem").unwrap();
        let mut o = opts("https://127.0.0.1:1/");
        o.ca_file = Some(f);
        let e = Poster::new(&o).unwrap_err();
        assert!(e.to_string().contains("no usable CA certificate"), "{e}");
    }
}
