//! Network resilience of every Kubernetes API call, in one place.
//!
//! The client is built from kube's stack with kube's own retry layer turned off, and with one
//! tower layer on top ([`ResilienceLayer`]) that owns, for every request (API calls and the
//! exec upgrades alike):
//! - a per-attempt time limit until the response headers (`--request-timeout`) and the same
//!   limit on silence between body frames;
//! - client-side rate limiting, a token bucket like client-go's (`--qps`, `--burst`);
//! - exactly one retry loop: exponential backoff with jitter, `Retry-After` (seconds or an
//!   HTTP date), a retry budget (tower's `TpsBudget`: retries stay a fixed share of the
//!   requests) and a cap on the time one call may spend retrying;
//! - a circuit breaker for the API server: after repeated consecutive failures (connection
//!   errors, 5xx, 429, timeouts) it opens and every request fails at once with the cause; after
//!   a cool-down one probe request is let through (half-open) and a success closes it again.
//!
//! Connect and TLS-handshake time is bounded by kube's `connect_timeout` (its timeout connector
//! wraps the TLS connector, so the handshake is inside it); silence on an open connection,
//! exec streams included, by its `read_timeout` ([`Settings::stream_idle_timeout`]).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use kube::client::{Body, DynBody};
use tokio::time::Instant;
use tower::buffer::Buffer;
use tower::retry::budget::{Budget, TpsBudget};
use tower::util::BoxService;
use tower::{BoxError, Layer, Service, ServiceExt};

/// The stack kube builds (`kube::client::ClientBuilder::try_from(config)`).
pub type KubeService = BoxService<Request<Body>, Response<Box<DynBody>>, BoxError>;
type KubeFuture = Pin<Box<dyn Future<Output = Result<Response<Box<DynBody>>, BoxError>> + Send>>;

/// Every limit of the network layer. `Default` is what the command line defaults to.
#[derive(Debug, Clone)]
pub struct Settings {
    /// TCP connect plus TLS handshake.
    pub connect_timeout: Option<Duration>,
    /// One attempt, until the response headers; also the longest silence inside a body.
    pub request_timeout: Option<Duration>,
    /// Longest silence on an open connection, exec streams included. kube pings exec streams
    /// every 60 s and the API server answers, so a live but quiet probe never trips it.
    pub stream_idle_timeout: Option<Duration>,
    /// Retries of one call (attempts = retries + 1).
    pub max_retries: u32,
    /// Longest time one call may spend, first attempt to last retry.
    pub retry_time_cap: Duration,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// Retries may be at most this share of the requests (plus `retry_min_per_sec`).
    pub retry_percent: f32,
    pub retry_min_per_sec: u32,
    /// Client-side rate limit (requests per second, 0 for none) and burst.
    pub qps: f32,
    pub burst: u32,
    /// Consecutive failures that open the circuit.
    pub breaker_failures: u32,
    /// The circuit also opens after two or more consecutive failures spanning this long
    /// (a silent server costs a request timeout per failure).
    pub breaker_failing_for: Duration,
    /// How long the circuit stays open before a probe; doubled per failed probe, up to 30 s.
    pub breaker_cooldown: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            connect_timeout: Some(Duration::from_secs(10)),
            request_timeout: Some(Duration::from_secs(20)),
            stream_idle_timeout: Some(Duration::from_secs(75)),
            max_retries: 4,
            retry_time_cap: Duration::from_secs(30),
            backoff_base: Duration::from_millis(250),
            backoff_max: Duration::from_secs(8),
            retry_percent: 0.2,
            retry_min_per_sec: 2,
            qps: 5.0,
            burst: 10,
            breaker_failures: 10,
            breaker_failing_for: Duration::from_secs(30),
            breaker_cooldown: Duration::from_secs(5),
        }
    }
}

/// Why a request failed without an answer from the API server.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ResilienceError {
    #[error("API server unavailable: {cause} ×{failures}; circuit open")]
    CircuitOpen { cause: String, failures: u32 },
    #[error("no response from the API server within {}s (--request-timeout)", .0.as_secs_f64())]
    Timeout(Duration),
    #[error("the API server went silent for {}s in the middle of a response (--request-timeout)", .0.as_secs_f64())]
    BodyIdle(Duration),
    #[error("the request cannot be sent again")]
    NotRepeatable,
}

/// The resilience error somewhere in an error's chain.
pub fn find<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a ResilienceError> {
    let mut cur: Option<&'a (dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<ResilienceError>() {
            return Some(r);
        }
        cur = err.source();
    }
    None
}

/// Counters, for `-v 8` and the fault-injection tests.
#[derive(Debug, Default)]
pub struct Stats {
    pub requests: AtomicU64,
    pub retries: AtomicU64,
    pub budget_denied: AtomicU64,
    pub breaker_opened: AtomicU64,
    pub breaker_rejected: AtomicU64,
}

enum State {
    Closed,
    Open { until: Instant },
    HalfOpen { probe_started: Instant },
}

struct Breaker {
    state: State,
    consecutive: u32,
    streak_start: Option<Instant>,
    cause: String,
    cooldown: Duration,
}

impl Breaker {
    fn new(cooldown: Duration) -> Self {
        Breaker {
            state: State::Closed,
            consecutive: 0,
            streak_start: None,
            cause: String::new(),
            cooldown,
        }
    }

    fn open_error(&self) -> ResilienceError {
        ResilienceError::CircuitOpen {
            cause: self.cause.clone(),
            failures: self.consecutive,
        }
    }

    /// May a request go out now? A probe is the one request let through half-open.
    fn admit(&mut self, now: Instant, s: &Settings) -> Result<(), ResilienceError> {
        match self.state {
            State::Closed => Ok(()),
            State::Open { until } if now >= until => {
                self.state = State::HalfOpen { probe_started: now };
                tracing::trace!(target: "cinc_scan::breaker", "circuit half-open: one probe request");
                Ok(())
            }
            State::Open { .. } => Err(self.open_error()),
            State::HalfOpen { probe_started } => {
                // A probe that never reported (its caller gave up) frees the slot eventually.
                let stale = s.request_timeout.unwrap_or(Duration::from_secs(60)) * 2;
                if now.duration_since(probe_started) > stale {
                    self.state = State::HalfOpen { probe_started: now };
                    Ok(())
                } else {
                    Err(self.open_error())
                }
            }
        }
    }

    fn success(&mut self, s: &Settings) {
        if !matches!(self.state, State::Closed) {
            tracing::trace!(target: "cinc_scan::breaker", "circuit closed: the probe succeeded");
        }
        self.state = State::Closed;
        self.consecutive = 0;
        self.streak_start = None;
        self.cooldown = s.breaker_cooldown;
    }

    /// Record a failed attempt that started at `started`; true when this opened the circuit.
    fn failure(&mut self, cause: &str, started: Instant, now: Instant, s: &Settings) -> bool {
        self.consecutive += 1;
        self.cause = cause.to_string();
        let start = *self.streak_start.get_or_insert(started);
        match self.state {
            State::HalfOpen { .. } => {
                self.cooldown = (self.cooldown * 2).min(Duration::from_secs(30));
                self.state = State::Open {
                    until: now + self.cooldown,
                };
                tracing::trace!(target: "cinc_scan::breaker",
                    "circuit open again: the probe failed ({cause}); next probe in {:?}", self.cooldown);
                false
            }
            State::Open { .. } => false,
            State::Closed => {
                let long =
                    self.consecutive >= 2 && now.duration_since(start) >= s.breaker_failing_for;
                if self.consecutive >= s.breaker_failures || long {
                    self.state = State::Open {
                        until: now + self.cooldown,
                    };
                    true
                } else {
                    false
                }
            }
        }
    }
}

/// A token bucket: `qps` tokens a second, at most `burst` saved up.
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    /// Take a token; how long to wait before using it (tokens may go negative: a queue).
    fn reserve(&mut self, qps: f32, burst: u32, now: Instant) -> Duration {
        let qps = f64::from(qps);
        let burst = f64::from(burst.max(1));
        let refill = now.duration_since(self.last).as_secs_f64() * qps;
        self.tokens = (self.tokens + refill).min(burst);
        self.last = now;
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / qps)
        }
    }
}

/// The state one client shares between all its requests.
pub struct Guard {
    settings: Settings,
    budget: TpsBudget,
    breaker: Mutex<Breaker>,
    bucket: Mutex<Bucket>,
    pub stats: Stats,
}

impl Guard {
    pub fn new(settings: Settings) -> Arc<Guard> {
        let budget = TpsBudget::new(
            Duration::from_secs(10),
            settings.retry_min_per_sec,
            settings.retry_percent.clamp(0.0, 10.0),
        );
        Arc::new(Guard {
            breaker: Mutex::new(Breaker::new(settings.breaker_cooldown)),
            bucket: Mutex::new(Bucket {
                tokens: f64::from(settings.burst.max(1)),
                last: Instant::now(),
            }),
            budget,
            settings,
            stats: Stats::default(),
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    fn lock_breaker(&self) -> std::sync::MutexGuard<'_, Breaker> {
        self.breaker.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn throttle(&self) {
        if self.settings.qps <= 0.0 {
            return;
        }
        let wait = self
            .bucket
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .reserve(self.settings.qps, self.settings.burst, Instant::now());
        if !wait.is_zero() {
            tracing::trace!(target: "cinc_scan::throttle",
                "client-side throttling: waiting {}ms (--qps {}, --burst {})",
                wait.as_millis(), self.settings.qps, self.settings.burst);
            tokio::time::sleep(wait).await;
        }
    }

    /// The backoff before retry number `retry` (0-based): exponential, with jitter in [½, 1].
    fn backoff(&self, retry: u32) -> Duration {
        let s = &self.settings;
        let full = s
            .backoff_base
            .saturating_mul(1u32 << retry.min(16))
            .min(s.backoff_max);
        full.mul_f64(0.5 + 0.5 * random_unit())
    }

    async fn run(
        self: Arc<Self>,
        mut inner: Buffer<Request<Body>, KubeFuture>,
        req: Request<Body>,
    ) -> Result<Response<Box<DynBody>>, BoxError> {
        let s = &self.settings;
        let method = req.method().clone();
        let path = req.uri().path().to_string();
        let idempotent = is_idempotent(&method, &path);
        let template = Template::of(&req);
        let mut next = Some(req);
        let started = Instant::now();
        let mut retry = 0u32;
        self.budget.deposit();
        loop {
            self.lock_breaker()
                .admit(Instant::now(), s)
                .inspect_err(|_| {
                    self.stats.breaker_rejected.fetch_add(1, Ordering::Relaxed);
                })?;
            self.throttle().await;
            let req = match next.take() {
                Some(r) => r,
                None => template.build().ok_or(ResilienceError::NotRepeatable)?,
            };
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            let t0 = Instant::now();
            let call = async {
                let svc = inner.ready().await?;
                svc.call(req).await
            };
            let result = match s.request_timeout {
                Some(t) => match tokio::time::timeout(t, call).await {
                    Ok(r) => r,
                    Err(_) => Err(Box::new(ResilienceError::Timeout(t)) as BoxError),
                },
                None => call.await,
            };
            let outcome = classify(&result);
            let ms = t0.elapsed().as_millis();
            match &result {
                Ok(r) => {
                    tracing::debug!(target: "cinc_scan::api", "{method} {path} {} in {ms}ms", r.status())
                }
                Err(e) => {
                    tracing::debug!(target: "cinc_scan::api", "{method} {path} failed in {ms}ms: {}", cause_of(e.as_ref()))
                }
            }
            let (cause, retry_after, any_method) = match outcome {
                Outcome::Healthy => {
                    self.lock_breaker().success(s);
                    return result.map(|r| with_idle_limit(r, s.request_timeout));
                }
                Outcome::Failed {
                    cause,
                    retry_after,
                    any_method,
                } => (cause, retry_after, any_method),
            };
            if self.lock_breaker().failure(&cause, t0, Instant::now(), s) {
                self.stats.breaker_opened.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(target: "cinc_scan::breaker",
                    "circuit open after {} consecutive failures ({cause}); requests fail at once for {:?}",
                    self.lock_breaker().consecutive, s.breaker_cooldown);
            }
            let give_up = |why: &str| {
                tracing::trace!(target: "cinc_scan::retry", "{method} {path}: not retried ({why}): {cause}");
            };
            if !(any_method || idempotent) {
                give_up("not idempotent");
                return result.map(|r| with_idle_limit(r, s.request_timeout));
            }
            if retry >= s.max_retries {
                give_up(&format!("{} attempts made", retry + 1));
                return result.map(|r| with_idle_limit(r, s.request_timeout));
            }
            let delay = retry_after.unwrap_or_else(|| self.backoff(retry));
            if started.elapsed() + delay > s.retry_time_cap {
                give_up(&format!(
                    "waiting {}ms would pass the retry time cap of {}s",
                    delay.as_millis(),
                    s.retry_time_cap.as_secs()
                ));
                return result.map(|r| with_idle_limit(r, s.request_timeout));
            }
            if !template.repeatable() {
                give_up("the body cannot be sent again");
                return result.map(|r| with_idle_limit(r, s.request_timeout));
            }
            if !self.budget.withdraw() {
                self.stats.budget_denied.fetch_add(1, Ordering::Relaxed);
                give_up("retry budget exhausted");
                return result.map(|r| with_idle_limit(r, s.request_timeout));
            }
            self.stats.retries.fetch_add(1, Ordering::Relaxed);
            tracing::trace!(target: "cinc_scan::retry",
                "{method} {path}: retry {}/{} in {}ms{}: {cause}",
                retry + 1, s.max_retries, delay.as_millis(),
                if retry_after.is_some() { " (Retry-After)" } else { "" });
            drop(result);
            tokio::time::sleep(delay).await;
            retry += 1;
        }
    }
}

fn random_unit() -> f64 {
    let mut b = [0u8; 4];
    match getrandom::fill(&mut b) {
        Ok(()) => f64::from(u32::from_le_bytes(b)) / f64::from(u32::MAX),
        Err(_) => 0.5,
    }
}

/// Read-only calls, which may be repeated after they possibly reached the server.
fn is_idempotent(method: &Method, path: &str) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
        || (*method == Method::POST
            && (path.ends_with("/selfsubjectaccessreviews")
                || path.ends_with("/selfsubjectrulesreviews")))
}

enum Outcome {
    /// An answer from a working server (2xx, 3xx, 101, or a 4xx other than 429).
    Healthy,
    /// A failure for the breaker; `any_method`: the server did not process it (429, 503, or
    /// no connection), so even a write may be sent again.
    Failed {
        cause: String,
        retry_after: Option<Duration>,
        any_method: bool,
    },
}

fn classify(result: &Result<Response<Box<DynBody>>, BoxError>) -> Outcome {
    match result {
        Ok(r) => {
            let status = r.status();
            let failed = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
            if !failed {
                return Outcome::Healthy;
            }
            let any_method = status == StatusCode::TOO_MANY_REQUESTS
                || status == StatusCode::SERVICE_UNAVAILABLE;
            let retry_after = r
                .headers()
                .get(http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, jiff::Timestamp::now()));
            Outcome::Failed {
                cause: status_text(status),
                retry_after,
                any_method,
            }
        }
        Err(e) => Outcome::Failed {
            cause: cause_of(e.as_ref()),
            retry_after: None,
            any_method: is_connect_error(e.as_ref()),
        },
    }
}

/// "503 Service Unavailable".
fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(r) => format!("{} {r}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(value: &str, now: jiff::Timestamp) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(v)
        .ok()?;
    let secs = when.duration_since(now).as_secs_f64();
    Some(Duration::from_secs_f64(secs.max(0.0)))
}

/// The request never left: refused, unreachable, or the TLS handshake failed or timed out.
fn is_connect_error(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(h) = err.downcast_ref::<hyper_util::client::legacy::Error>() {
            if h.is_connect() {
                return true;
            }
        }
        cur = err.source();
    }
    false
}

/// A short cause for messages: "connection refused", "connection reset", "TLS handshake …".
pub fn cause_of(e: &(dyn std::error::Error + 'static)) -> String {
    if let Some(r) = find(e) {
        return r.to_string();
    }
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut deepest = e.to_string();
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            match io.kind() {
                ConnectionRefused => return "connection refused".into(),
                ConnectionReset => return "connection reset".into(),
                ConnectionAborted => return "connection aborted".into(),
                UnexpectedEof => return "connection closed early".into(),
                TimedOut => return "timed out (connect, TLS handshake or read)".into(),
                _ => {}
            }
        }
        deepest = err.to_string();
        cur = err.source();
    }
    let lower = deepest.to_ascii_lowercase();
    if lower.contains("connection closed before message completed")
        || lower.contains("incomplete message")
    {
        return "connection closed early".into();
    }
    deepest
}

/// What is needed to send a request again.
struct Template {
    method: Method,
    uri: http::Uri,
    version: http::Version,
    headers: http::HeaderMap,
    name: Option<&'static str>,
    body: Option<Body>,
}

impl Template {
    fn of(req: &Request<Body>) -> Template {
        Template {
            method: req.method().clone(),
            uri: req.uri().clone(),
            version: req.version(),
            headers: req.headers().clone(),
            name: req.extensions().get::<&'static str>().copied(),
            body: req.body().try_clone(),
        }
    }

    fn repeatable(&self) -> bool {
        self.body.is_some()
    }

    fn build(&self) -> Option<Request<Body>> {
        let mut req = Request::new(self.body.as_ref()?.try_clone()?);
        *req.method_mut() = self.method.clone();
        *req.uri_mut() = self.uri.clone();
        *req.version_mut() = self.version;
        *req.headers_mut() = self.headers.clone();
        if let Some(n) = self.name {
            req.extensions_mut().insert(n);
        }
        Some(req)
    }
}

/// A body that fails when no frame arrives for `idle`.
struct IdleBody {
    inner: Box<DynBody>,
    idle: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl http_body::Body for IdleBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                this.timer.as_mut().reset(Instant::now() + this.idle);
                Poll::Ready(frame)
            }
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    Poll::Ready(Some(Err(Box::new(ResilienceError::BodyIdle(this.idle)))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

fn with_idle_limit(resp: Response<Box<DynBody>>, idle: Option<Duration>) -> Response<Box<DynBody>> {
    match idle {
        Some(idle) if resp.status() != StatusCode::SWITCHING_PROTOCOLS => resp.map(|inner| {
            Box::new(IdleBody {
                inner,
                idle,
                timer: Box::pin(tokio::time::sleep(idle)),
            }) as Box<DynBody>
        }),
        _ => resp,
    }
}

/// The layer that makes a kube stack resilient; see the module docs.
#[derive(Clone)]
pub struct ResilienceLayer {
    guard: Arc<Guard>,
}

impl ResilienceLayer {
    pub fn new(guard: Arc<Guard>) -> Self {
        ResilienceLayer { guard }
    }
}

impl Layer<KubeService> for ResilienceLayer {
    type Service = Resilient;

    fn layer(&self, inner: KubeService) -> Resilient {
        Resilient {
            inner: Buffer::new(inner, 1024),
            guard: self.guard.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Resilient {
    inner: Buffer<Request<Body>, KubeFuture>,
    guard: Arc<Guard>,
}

impl fmt::Debug for Resilient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resilient").finish_non_exhaustive()
    }
}

impl Service<Request<Body>> for Resilient {
    type Response = Response<Box<DynBody>>;
    type Error = BoxError;
    type Future = KubeFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        // Readiness is awaited per attempt inside the call (on a clone of the buffer).
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        let inner = self.inner.clone();
        let guard = self.guard.clone();
        Box::pin(guard.run(inner, req))
    }
}

/// Apply the connection limits of `settings` to a kube config and turn kube's retries off.
pub fn configure(config: &mut kube::Config, settings: &Settings) {
    config.default_retry = false;
    config.connect_timeout = settings.connect_timeout;
    config.read_timeout = settings.stream_idle_timeout;
    config.write_timeout = settings.stream_idle_timeout;
}

/// A client from `config` with this module's layer, and its shared state.
pub fn client(
    mut config: kube::Config,
    settings: &Settings,
) -> Result<(kube::Client, Arc<Guard>), kube::Error> {
    configure(&mut config, settings);
    let guard = Guard::new(settings.clone());
    let client = kube::client::ClientBuilder::try_from(config)?
        .with_layer(&ResilienceLayer::new(guard.clone()))
        .build();
    Ok((client, guard))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn fast() -> Settings {
        Settings {
            request_timeout: Some(Duration::from_millis(300)),
            backoff_base: Duration::from_millis(1),
            backoff_max: Duration::from_millis(4),
            qps: 0.0,
            breaker_cooldown: Duration::from_millis(200),
            retry_min_per_sec: 100,
            ..Settings::default()
        }
    }

    type Script = Arc<
        dyn Fn(usize, &Request<Body>) -> Result<Response<Box<DynBody>>, BoxError> + Send + Sync,
    >;

    fn respond(status: u16, headers: &[(&str, &str)]) -> Result<Response<Box<DynBody>>, BoxError> {
        let mut b = Response::builder().status(status);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        Ok(b.body(Box::new(http_body_util::BodyExt::map_err(
            http_body_util::Full::new(Bytes::from_static(b"answer")),
            |e| -> BoxError { match e {} },
        )) as Box<DynBody>)
            .unwrap())
    }

    /// A client whose "server" answers attempt `n` with `script(n)`; and the attempt count.
    fn client_with(
        settings: Settings,
        script: Script,
    ) -> (kube::Client, Arc<AtomicUsize>, Arc<Guard>) {
        let count = Arc::new(AtomicUsize::new(0));
        let c = count.clone();
        let svc = tower::service_fn(move |req: Request<Body>| {
            let n = c.fetch_add(1, Ordering::SeqCst);
            let script = script.clone();
            async move {
                if req.uri().path().ends_with("/stall") {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                }
                script(n, &req)
            }
        });
        let guard = Guard::new(settings);
        let stack: KubeService = BoxService::new(svc);
        let svc = ResilienceLayer::new(guard.clone()).layer(stack);
        (kube::Client::new(svc, "default"), count, guard)
    }

    async fn get(client: &kube::Client, path: &str) -> Result<(), kube::Error> {
        let req = Request::get(path).body(Vec::new()).unwrap();
        client.request_text(req).await.map(|_| ())
    }

    #[tokio::test]
    async fn retries_server_errors_then_succeeds_once() {
        let (c, n, _) = client_with(
            fast(),
            Arc::new(|n, _| {
                if n < 2 {
                    respond(503, &[])
                } else {
                    respond(200, &[])
                }
            }),
        );
        get(&c, "/api/v1/pods").await.unwrap();
        assert_eq!(n.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn gives_up_after_max_retries_with_the_status() {
        let (c, n, _) = client_with(fast(), Arc::new(|_, _| respond(500, &[])));
        let e = get(&c, "/api/v1/pods").await.unwrap_err();
        assert!(
            matches!(e, kube::Error::Api(ref s) if s.code == 500),
            "{e:?}"
        );
        assert_eq!(
            n.load(Ordering::SeqCst),
            5,
            "1 attempt + 4 retries, never multiplied"
        );
    }

    #[tokio::test]
    async fn writes_are_not_repeated_after_a_500_but_are_after_a_503() {
        let (c, n, _) = client_with(fast(), Arc::new(|_, _| respond(500, &[])));
        let req = Request::post("/api/v1/namespaces/x/pods")
            .body(b"{}".to_vec())
            .unwrap();
        assert!(c.request_text(req).await.is_err());
        assert_eq!(n.load(Ordering::SeqCst), 1);
        let (c, n, _) = client_with(
            fast(),
            Arc::new(|n, _| {
                if n == 0 {
                    respond(503, &[])
                } else {
                    respond(201, &[])
                }
            }),
        );
        let req = Request::post("/api/v1/namespaces/x/pods")
            .body(b"{}".to_vec())
            .unwrap();
        c.request_text(req).await.unwrap();
        assert_eq!(n.load(Ordering::SeqCst), 2);
        // A SelfSubjectAccessReview is a question, repeated after a 500.
        let (c, n, _) = client_with(
            fast(),
            Arc::new(|n, _| {
                if n == 0 {
                    respond(500, &[])
                } else {
                    respond(201, &[])
                }
            }),
        );
        let req = Request::post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
            .body(b"{}".to_vec())
            .unwrap();
        c.request_text(req).await.unwrap();
        assert_eq!(n.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn retry_after_seconds_and_http_dates() {
        let now: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 2026 00:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 31 Dec 2025 23:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[tokio::test]
    async fn retry_after_longer_than_the_cap_is_not_waited_for() {
        let s = Settings {
            retry_time_cap: Duration::from_secs(2),
            ..fast()
        };
        let (c, n, _) = client_with(s, Arc::new(|_, _| respond(429, &[("retry-after", "120")])));
        let t = Instant::now();
        let e = get(&c, "/api/v1/pods").await.unwrap_err();
        assert!(
            matches!(e, kube::Error::Api(ref s) if s.code == 429),
            "{e:?}"
        );
        assert_eq!(n.load(Ordering::SeqCst), 1);
        assert!(t.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn retry_after_is_honoured() {
        let (c, n, _) = client_with(
            fast(),
            Arc::new(|n, _| {
                if n == 0 {
                    respond(429, &[("retry-after", "1")])
                } else {
                    respond(200, &[])
                }
            }),
        );
        let t = Instant::now();
        get(&c, "/api/v1/pods").await.unwrap();
        assert_eq!(n.load(Ordering::SeqCst), 2);
        assert!(
            t.elapsed() >= Duration::from_millis(990),
            "{:?}",
            t.elapsed()
        );
    }

    #[tokio::test]
    async fn the_breaker_opens_fails_fast_and_a_probe_closes_it() {
        let s = Settings {
            breaker_failures: 6,
            max_retries: 2,
            ..fast()
        };
        let healthy = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let h = healthy.clone();
        let (c, n, guard) = client_with(
            s,
            Arc::new(move |_, _| {
                if h.load(Ordering::SeqCst) {
                    respond(200, &[])
                } else {
                    respond(503, &[])
                }
            }),
        );
        assert!(get(&c, "/a").await.is_err());
        assert!(get(&c, "/b").await.is_err());
        assert_eq!(n.load(Ordering::SeqCst), 6);
        assert_eq!(guard.stats.breaker_opened.load(Ordering::SeqCst), 1);
        let e = get(&c, "/c").await.unwrap_err();
        assert_eq!(n.load(Ordering::SeqCst), 6, "open: no request goes out");
        let msg = e.to_string();
        let chain = format!(
            "{msg} {:?}",
            std::error::Error::source(&e).map(|s| s.to_string())
        );
        assert!(
            chain.contains("API server unavailable: 503 Service Unavailable ×6; circuit open"),
            "{chain}"
        );
        // Half-open after the cool-down: a failed probe opens it again at once.
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert!(get(&c, "/d").await.is_err());
        assert_eq!(
            n.load(Ordering::SeqCst),
            7,
            "one probe, not retried while open"
        );
        healthy.store(true, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(450)).await;
        get(&c, "/e").await.unwrap();
        get(&c, "/f").await.unwrap();
        assert_eq!(n.load(Ordering::SeqCst), 9);
    }

    #[tokio::test]
    async fn a_silent_server_times_out_and_opens_the_breaker_by_time() {
        let s = Settings {
            request_timeout: Some(Duration::from_millis(100)),
            breaker_failing_for: Duration::from_millis(150),
            max_retries: 4,
            ..fast()
        };
        let (c, n, guard) = client_with(s, Arc::new(|_, _| respond(200, &[])));
        let e = get(&c, "/stall").await.unwrap_err();
        assert!(
            format!("{e:?}").contains("CircuitOpen") || format!("{e:?}").contains("Timeout"),
            "{e:?}"
        );
        assert_eq!(
            n.load(Ordering::SeqCst),
            2,
            "opened after two timeouts spanning 150ms"
        );
        assert_eq!(guard.stats.breaker_opened.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn the_budget_bounds_retries() {
        let s = Settings {
            retry_min_per_sec: 0,
            retry_percent: 0.5,
            breaker_failures: 1000,
            ..fast()
        };
        let (c, n, guard) = client_with(s, Arc::new(|_, _| respond(503, &[])));
        for _ in 0..20 {
            let _ = get(&c, "/x").await;
        }
        let retries = guard.stats.retries.load(Ordering::SeqCst);
        assert!(retries <= 10, "retries {retries} for 20 calls");
        assert_eq!(n.load(Ordering::SeqCst) as u64, 20 + retries);
        assert!(guard.stats.budget_denied.load(Ordering::SeqCst) > 0);
    }

    #[tokio::test]
    async fn the_rate_limit_spaces_requests() {
        let s = Settings {
            qps: 20.0,
            burst: 2,
            ..fast()
        };
        let (c, n, _) = client_with(s, Arc::new(|_, _| respond(200, &[])));
        let t = Instant::now();
        for _ in 0..6 {
            get(&c, "/x").await.unwrap();
        }
        // 2 from the burst, then 4 at 20/s: at least 200 ms.
        assert!(
            t.elapsed() >= Duration::from_millis(190),
            "{:?}",
            t.elapsed()
        );
        assert_eq!(n.load(Ordering::SeqCst), 6);
    }
}
